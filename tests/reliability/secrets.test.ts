// Issue 9.4: secrets never in plain text. A canary engine password and a canary cloud-init script
// and root password (ovirt-lab:secrets.vms) go through preview (and its --json), up and a second
// up; none of them may appear in the raw state file, the CLI's output (which carries the providers'
// log lines), the preview JSON, the PR-diff Markdown made from it, or the engine's request log.
// Every SSO login of a run is matched by a logout (tokens revoked when the provider process ends).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { startEngine, type EngineProcess } from "../../testbed/engine-process";
import { pulumiBin } from "../../testbed/paths";
import { offlineEnv } from "../../testbed/pulumi";
import { renderPreview, type Preview } from "../../tools/pr-diff";
import { labStack, type TestStack } from "../helpers/stack";

const PASSWORD = "Canary-Engine-Pw-93c1e7";
const SCRIPT = "runcmd: [echo canary-cloud-init-5b20f4]";
const ROOT_PW = "Canary-Root-Pw-0d8a62";
const CANARIES = [PASSWORD, SCRIPT, "canary-cloud-init-5b20f4", ROOT_PW];

const lab = {
  engine: "target",
  dataCenter: { name: "secret_dc", compatibilityVersion: "4.4" },
  clusters: [{ name: "oVirt_Cluster" }],
  vms: [
    {
      name: "web1",
      cluster: "oVirt_Cluster",
      memory: "1GiB",
      runState: "stopped",
      cloudInit: { hostname: "web1.lab.test", user: "root" },
    },
  ],
};

let engine: EngineProcess;
let t: TestStack;
let cliOutput = "";
let previewJson = "";

const found = (text: string) => CANARIES.filter((c) => text.includes(c));

beforeAll(async () => {
  engine = await startEngine({ version: "4.4", timeScale: 0, adminPassword: PASSWORD });
  t = await labStack({ target: engine }, lab);
  await t.stack.setConfig("ovirt-lab:secrets.vms.web1.customScript", { value: SCRIPT, secret: true }, true);
  await t.stack.setConfig("ovirt-lab:secrets.vms.web1.rootPassword", { value: ROOT_PW, secret: true }, true);
  const env = {
    ...process.env,
    ...offlineEnv({ backendDir: path.join(t.workDir, ".backend"), passphrase: "e2e-passphrase" }),
  };
  previewJson = execFileSync(
    path.join(pulumiBin, "pulumi"),
    ["preview", "--json", "--stack", "e2e", "--non-interactive"],
    { cwd: t.workDir, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const onOutput = (s: string) => (cliOutput += s);
  await t.stack.preview({ onOutput, diff: true });
  const up = await t.stack.up({ onOutput, diff: true });
  expect(up.summary.result).toBe("succeeded");
  const again = await t.stack.up({ onOutput, diff: true });
  expect(Object.keys(again.summary.resourceChanges ?? {})).toEqual(["same"]);
}, 300_000);

afterAll(async () => {
  await engine?.stop();
  if (t) fs.rmSync(t.workDir, { recursive: true, force: true });
});

test("the VM was made with its cloud-init (so the secrets really went through)", () => {
  const posts = engine.requests().filter((r) => r.method === "POST" && /\/api\/vms(\?|$)/.test(r.path));
  expect(posts.filter((r) => r.status < 300)).toHaveLength(1);
});

test("raw state file: no canary", () => {
  const file = path.join(t.workDir, ".backend", ".pulumi", "stacks", "ovirt-lab", "e2e.json");
  expect(found(fs.readFileSync(file, "utf8"))).toEqual([]);
});

test("stack config file: secrets only encrypted", () => {
  expect(found(fs.readFileSync(t.configFile, "utf8"))).toEqual([]);
});

test("CLI output of preview and up, with diffs and the providers' log lines: no canary", () => {
  expect(cliOutput.length).toBeGreaterThan(100);
  expect(found(cliOutput)).toEqual([]);
});

test("preview --json and the PR-diff Markdown made from it: no canary", () => {
  const preview = JSON.parse(previewJson) as Preview;
  expect(preview.steps?.length).toBeGreaterThan(0);
  expect(found(previewJson)).toEqual([]);
  const markdown = renderPreview(preview, "e2e");
  expect(markdown).toContain("web1");
  expect(found(markdown)).toEqual([]);
});

test("engine request log: no canary", () => {
  const text = fs.readFileSync(path.join(engine.stateDir, "requests.log"), "utf8");
  expect(text.length).toBeGreaterThan(0);
  expect(found(text)).toEqual([]);
});

test("every SSO token the runs obtained was revoked (one logout per login)", () => {
  const log = engine.requests();
  const logins = log.filter(
    (r) => r.method === "POST" && r.path.includes("/sso/oauth/token") && r.status === 200,
  );
  const logouts = log.filter((r) => r.path.includes("/services/sso-logout"));
  expect(logins.length).toBeGreaterThan(0);
  expect(logouts.length).toBe(logins.length);
});
