// `ovirt-lab:engines` as providers receive it in configure: parsed with messages naming the engine
// and the field, never repeating a password.
import { EngineConfigError, parseEngines } from "../../providers/core/engines";

const PASSWORD = "s3cret-Pa55";
const good = {
  target: {
    url: "https://engine44.lab/ovirt-engine/api/",
    password: PASSWORD,
    caFile: "/etc/pki/lab-ca.pem",
  },
  legacy: {
    url: "https://engine43.lab/ovirt-engine/api",
    username: "admin@internal",
    password: PASSWORD,
    insecure: true,
  },
};

function problems(raw: unknown): string {
  try {
    parseEngines(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(EngineConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain(PASSWORD);
    return message;
  }
  throw new Error("expected an EngineConfigError");
}

describe("parseEngines", () => {
  test("parses the JSON string configure receives, with defaults", () => {
    expect(parseEngines(JSON.stringify(good))).toEqual({
      target: {
        url: "https://engine44.lab/ovirt-engine/api",
        username: "admin@internal",
        password: PASSWORD,
        caFile: "/etc/pki/lab-ca.pem",
        insecure: false,
      },
      legacy: {
        url: "https://engine43.lab/ovirt-engine/api",
        username: "admin@internal",
        password: PASSWORD,
        insecure: true,
      },
    });
  });

  test("accepts an already parsed object and PEM text", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    expect(
      parseEngines({ e: { url: "https://e/ovirt-engine/api", password: "p", caPem: pem } }).e.caPem,
    ).toBe(pem);
  });

  test("missing config says which key to set", () => {
    expect(problems(undefined)).toContain("ovirt-lab:engines is not set");
  });

  test("broken JSON is reported without echoing its text", () => {
    expect(problems(`{"target": {"password": "${PASSWORD}", `)).toContain(
      "ovirt-lab:engines is not valid JSON",
    );
  });

  test("not an object / no engines", () => {
    expect(problems("[1]")).toContain("must be an object keyed by engine name");
    expect(problems("{}")).toContain("names no engine");
  });

  test("each problem names the engine and the field", () => {
    const message = problems({
      target: { url: "http://engine44.lab/ovirt-engine/api", password: PASSWORD },
      legacy: { url: "https://engine43.lab/ovirt-engine/api" },
      third: { url: "https://e/ovirt-engine/api", password: PASSWORD, insecure: "yes", caFlie: "/x" },
    });
    expect(message).toContain(
      'engine "target": url "http://engine44.lab/ovirt-engine/api" is not an https URL ending in /ovirt-engine/api',
    );
    expect(message).toContain('engine "legacy": password is required');
    expect(message).toContain('engine "third": insecure "yes" must be a boolean');
    expect(message).toContain('engine "third": unknown field caFlie');
  });

  test("a password of the wrong type is reported without its value", () => {
    const message = problems({ target: { url: "https://e/ovirt-engine/api", password: 123456 } });
    expect(message).toContain('engine "target": password must be a string');
    expect(message).not.toContain("123456");
  });

  test("caFile and caPem together are refused; caPem must be PEM", () => {
    expect(
      problems({
        t: {
          url: "https://e/ovirt-engine/api",
          password: PASSWORD,
          caFile: "/a",
          caPem: "-----BEGIN CERTIFICATE-----",
        },
      }),
    ).toContain('engine "t": caPem set caFile or caPem, not both');
    expect(problems({ t: { url: "https://e/ovirt-engine/api", password: "p", caPem: "not pem" } })).toContain(
      'engine "t": caPem "not pem" is not PEM text',
    );
  });

  test("engine names are checked", () => {
    expect(problems({ "bad name": { url: "https://e/ovirt-engine/api", password: "p" } })).toContain(
      `engine "bad name": the name may only contain letters, digits, '_' and '-'`,
    );
  });

  test("an engine that is not an object", () => {
    expect(problems({ target: "https://e/ovirt-engine/api" })).toContain(
      'engine "target": must be an object with url, username and password',
    );
  });
});

describe("caFile paths", () => {
  const fs = require("fs") as typeof import("fs");
  const os = require("os") as typeof import("os");
  const path = require("path") as typeof import("path");
  const { resolveFromProject } =
    require("../../providers/core/engines") as typeof import("../../providers/core/engines");

  test("a relative caFile is relative to the directory holding Pulumi.yaml, not the provider's cwd", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "proj-"));
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: x\n");
    fs.mkdirSync(path.join(project, "dist"));
    expect(resolveFromProject(".state/ca.pem", path.join(project, "dist"))).toBe(
      path.join(project, ".state/ca.pem"),
    );
    expect(resolveFromProject("/etc/ipa/ca.crt", path.join(project, "dist"))).toBe("/etc/ipa/ca.crt");
    fs.rmSync(project, { recursive: true });
  });
});
