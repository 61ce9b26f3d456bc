// The engine as a process (`node dist/simulator/main.js`, via testbed/engine-process.ts): the CLI,
// the CA it serves, the request log, clean shutdown, and state that survives kill -9.
// Needs `npm run build` first (it runs what dist/ holds); fails, rather than skips, without it.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startEngine, type EngineProcess } from "../../testbed/engine-process";
import { ApiClient, originOf, tempStateDir } from "./support/engine";
import { httpsRequest } from "./support/http";

const ROOT = path.resolve(__dirname, "..", "..");
const MAIN = path.join(ROOT, "dist", "simulator", "main.js");

type Obj = Record<string, unknown>;

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` before these tests`);
});

/** Runs main.js with `args` until it exits; for argument errors. */
function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("command line", () => {
  const base = ["--port", "0", "--state", "/tmp/unused", "--admin-password", "pw"];
  test.each([
    [["--port", "0"], "missing --engine-version, --state, --admin-password"],
    [["--engine-version", "4.5", ...base], "--engine-version must be one of 4.3, 4.4 (got '4.5')"],
    [
      ["--engine-version", "4.4", "--port", "http", "--state", "s", "--admin-password", "pw"],
      "--port must be an integer 0-65535",
    ],
    [
      ["--engine-version", "4.4", ...base, "--time-scale", "-1"],
      "--time-scale must be a number >= 0 (got '-1')",
    ],
    [["--engine-version", "4.4", ...base, "--colour", "red"], "unknown option --colour"],
    [
      ["--engine-version", "4.4", ...base, "--host-deploy", "ansible"],
      "--host-deploy must be one of simulated, ssh (got 'ansible')",
    ],
    [
      ["--engine-version", "4.4", ...base, "--gluster-storage", "fuse"],
      "--gluster-storage must be one of directory, mount (got 'fuse')",
    ],
  ])("%j is refused", async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`error: ${message}`);
    expect(stderr).toContain("usage: npm run engine --");
  });

  test("SIGTERM stops the engine cleanly", async () => {
    const stateDir = tempStateDir("sigterm");
    const child = spawn(
      process.execPath,
      [MAIN, "--engine-version", "4.3", "--port", "0", "--state", stateDir, "--admin-password", "pw"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("CA certificate: ")) resolve();
      }),
    );
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe("ovirt-lab embedded engine 4.3.10.4-1.el7 listening");
    expect(lines[1]).toMatch(/^API URL: https:\/\/localhost:\d+\/ovirt-engine\/api$/);
    expect(lines[2]).toBe(`CA certificate: ${path.join(stateDir, "pki", "ca.pem")}`);
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });
});

describe("engine process", () => {
  let engine: EngineProcess;
  const stateDir = tempStateDir("process");

  beforeAll(async () => {
    engine = await startEngine({ version: "4.4", stateDir, timeScale: 0 });
  });
  afterAll(async () => {
    await engine?.stop();
  });

  test("serves its CA without authentication, and that CA verifies the server", async () => {
    const origin = originOf(engine);
    for (const p of [
      "/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA",
      "/ca.crt",
    ]) {
      const res = await httpsRequest(`${origin}${p}`, { ca: engine.caPem });
      expect(res.status).toBe(200);
      expect(res.body).toBe(engine.caPem);
    }
    // The downloaded PEM is what a client then trusts: with it the TLS handshake verifies...
    const health = await httpsRequest(`${origin}/ovirt-engine/services/health`, { ca: engine.caPem });
    expect(health.body).toBe("DB Up!Welcome to Health Status!");
    // ...without it, it does not.
    await expect(httpsRequest(`${origin}/ovirt-engine/services/health`)).rejects.toThrow(
      /self[- ]signed|unable to (get|verify)/i,
    );
  });

  test("the request log lists every request, without bodies or credentials", async () => {
    const api = await ApiClient.connect(engine);
    const before = engine.requests().length;
    const created = await api.post(
      "datacenters",
      "<data_center><name>logged</name><local>false</local></data_center>",
      {
        "correlation-id": "log-test-1",
      },
    );
    expect(created.status).toBe(201);
    await api.get("datacenters?search=name%3Dlogged");
    await httpsRequest(`${engine.url}/clusters`, { ca: engine.caPem });
    const seen = engine.requests().slice(before);
    expect(seen.map((r) => [r.method, r.path, r.status, r.correlation_id])).toEqual([
      ["POST", "/ovirt-engine/api/datacenters", 201, "log-test-1"],
      [
        "GET",
        "/ovirt-engine/api/datacenters?search=name%3Dlogged",
        200,
        expect.stringMatching(/^[0-9a-f-]{36}$/),
      ],
      ["GET", "/ovirt-engine/api/clusters", 401, null],
    ]);
    const raw = fs.readFileSync(path.join(engine.stateDir, "requests.log"), "utf8");
    expect(raw).not.toContain(api.token);
    expect(raw).not.toContain(engine.adminPassword);
    expect(raw).not.toContain("<data_center>");
    expect(
      engine.requests().some((r) => r.method === "POST" && r.path === "/ovirt-engine/sso/oauth/token"),
    ).toBe(true);
  });

  test("acknowledged writes survive kill -9; the CA and tokens too", async () => {
    const api = await ApiClient.connect(engine, "json");
    const dc = (await api.post("datacenters", JSON.stringify({ name: "durable", local: false }))).parsed();
    const cl = await api.post("clusters", JSON.stringify({ name: "durable-cl", data_center: { id: dc.id } }));
    expect(cl.status).toBe(201);
    const renamed = await api.put(
      `clusters/${String(cl.parsed().id)}`,
      JSON.stringify({ description: "after kill" }),
    );
    expect(renamed.status).toBe(200);
    const caBefore = engine.caPem;

    engine.kill9();
    engine = await startEngine({
      version: "4.4",
      stateDir,
      timeScale: 0,
      adminPassword: engine.adminPassword,
    });

    expect(engine.caPem).toBe(caBefore);
    const again = new ApiClient(engine, api.token, "json");
    const got = await again.get(`clusters/${String(cl.parsed().id)}`);
    expect(got.status).toBe(200);
    const body = got.parsed();
    expect(body.name).toBe("durable-cl");
    expect(body.description).toBe("after kill");
    expect((body.data_center as Obj).id).toBe(dc.id);
    expect((await again.get(`datacenters/${String(dc.id)}`)).status).toBe(200);
  });

  test("a state directory belongs to one engine version", async () => {
    await expect(startEngine({ version: "4.3", stateDir })).rejects.toThrow(
      "the state directory belongs to a 4.4 engine; start it with --engine-version 4.4 or use another --state",
    );
  });
});
