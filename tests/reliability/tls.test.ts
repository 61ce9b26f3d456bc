// Issue 9.5: TLS is verified by default against the lab's CA; a wrong CA, no CA or a host name the
// certificate was not issued for fails with a clear message before anything is sent; `insecure` is
// explicit (a boolean in the config, nothing else) and warned about. A small HTTPS server with a
// certificate from a CA made for the test plays the engine's TLS side.
import * as fs from "fs";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { loadStackConfig } from "../../config/load";
import { ConfigError } from "../../config/validate";
import { OvirtClient } from "../../providers/ovirt/client";
import { newOperation } from "../../providers/ovirt/context";
import { isFault, type OvirtError } from "../../providers/ovirt/errors";
import { prepareTls } from "../../simulator/pki";

let server: https.Server;
let port = 0;
let tmp = "";
let caFile = "";
let otherCaFile = "";
let apiRequests = 0;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-tls-"));
  // The certificate covers engine.lab.test, localhost and 127.0.0.1, not 127.0.0.2.
  const pki = prepareTls(path.join(tmp, "lab"), "engine.lab.test");
  caFile = pki.caFile;
  otherCaFile = prepareTls(path.join(tmp, "other"), "engine.lab.test").caFile;
  server = https.createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    res.setHeader("Content-Type", "application/json");
    if (req.url?.startsWith("/ovirt-engine/sso/oauth/token")) {
      res.end(JSON.stringify({ access_token: "tls-token" }));
      return;
    }
    if (req.url?.startsWith("/ovirt-engine/services/sso-logout")) return void res.end("{}");
    apiRequests++;
    res.end(JSON.stringify({ data_center: [{ name: "dc1", id: "1" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
  port = (server.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function attempt(
  host: string,
  extra: Partial<ConstructorParameters<typeof OvirtClient>[0]>,
): Promise<{ ok: boolean; err?: OvirtError; warnings: string[]; requests: number }> {
  const warnings: string[] = [];
  apiRequests = 0;
  const c = new OvirtClient({
    name: "lab",
    url: `https://${host}:${port}/ovirt-engine/api`,
    username: "admin@internal",
    password: "pw",
    logger: { info: () => undefined, warn: (m) => warnings.push(m) },
    ...extra,
  });
  try {
    await c.datacenters.list(newOperation("tls", 5_000));
    return { ok: true, warnings, requests: apiRequests };
  } catch (err) {
    return { ok: false, err: err as OvirtError, warnings, requests: apiRequests };
  } finally {
    await c.close();
  }
}

test("verified against the lab's CA: works, with no warning", async () => {
  const r = await attempt("localhost", { caFile });
  expect(r).toMatchObject({ ok: true, warnings: [], requests: 1 });
});

test("a CA that did not sign the certificate: a TLS error naming the CA file and the fix; nothing sent", async () => {
  const r = await attempt("localhost", { caFile: otherCaFile });
  expect(r.ok).toBe(false);
  expect(isFault(r.err, "tls")).toBe(true);
  expect(r.err?.message).toContain(
    `engine "lab": TLS: cannot verify the certificate of https://localhost:${port}/ovirt-engine/api against the CA file ${otherCaFile}`,
  );
  expect(r.err?.message).toContain("Point caFile (or caPem) at the CA that signed the engine's certificate");
  expect(r.err?.notSent).toBe(true);
  expect(r.err?.attempts).toBe(1);
  expect(r.requests).toBe(0);
});

test("no CA configured: the system's CAs do not trust the lab, and the message says so", async () => {
  const r = await attempt("localhost", {});
  expect(isFault(r.err, "tls")).toBe(true);
  expect(r.err?.message).toContain("against the system's trusted CAs (no caFile/caPem configured)");
  expect(r.requests).toBe(0);
});

test("a host name the certificate was not issued for: a TLS error that says which name", async () => {
  const r = await attempt("127.0.0.2", { caFile });
  expect(isFault(r.err, "tls")).toBe(true);
  expect(r.err?.code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  expect(r.err?.message).toContain(
    `engine "lab": TLS: the certificate of https://127.0.0.2:${port}/ovirt-engine/api (checked against the CA file ${caFile}) is not issued for the host name "127.0.0.2"`,
  );
  expect(r.err?.message).toContain("Use the engine's host name as written in its certificate");
  expect(r.requests).toBe(0);
});

test("an unreadable CA file fails before any connection, naming the file", () => {
  const missing = path.join(tmp, "nope.pem");
  expect(
    () =>
      new OvirtClient({
        name: "lab",
        url: `https://localhost:${port}/ovirt-engine/api`,
        username: "admin@internal",
        password: "pw",
        caFile: missing,
      }),
  ).toThrow(`engine "lab": cannot read the CA file ${missing}`);
});

test("insecure: true connects without a CA and warns, naming the engine", async () => {
  const r = await attempt("127.0.0.2", { insecure: true });
  expect(r.ok).toBe(true);
  expect(r.warnings).toHaveLength(1);
  expect(r.warnings[0]).toContain('engine "lab": TLS certificate verification is OFF (insecure: true)');
});

test("plain http is refused outright", () => {
  expect(
    () =>
      new OvirtClient({
        name: "lab",
        url: `http://localhost:${port}/ovirt-engine/api`,
        username: "admin@internal",
        password: "pw",
      }),
  ).toThrow(`engine "lab": http://localhost:${port}/ovirt-engine/api is not an https URL`);
});

describe("the config: insecure is off unless written as the boolean true", () => {
  const lab = { engine: "target", dataCenter: { name: "dc" }, clusters: [{ name: "c1" }] };
  const engine = { url: "https://engine.lab.test/ovirt-engine/api", password: "pw", caFile: "ca.pem" };

  test("default is verification on", () => {
    expect(loadStackConfig({ lab, engines: { target: engine } }).engineNames).toEqual(["target"]);
  });

  test.each([["true"], ["yes"], [1]])("insecure: %p is rejected", (value) => {
    let problems: string[] = [];
    try {
      loadStackConfig({ lab, engines: { target: { ...engine, insecure: value } } });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^engines\.target\.insecure: .*boolean/)]);
  });
});
