// Fault injection (simulator/http/fault-injection.ts): the spec syntax, seeded reproducibility,
// rates within bounds, the engine's exact locked / 500 / 503 answers, dropped and lost
// connections, latency, scope, and the admin-only runtime switch at /ovirt-lab/faults.
import { parseArgs, UsageError } from "../../simulator/cli";
import type { RunningEngine } from "../../simulator/engine";
import {
  FaultInjector,
  FaultSpecError,
  lockedTarget,
  parseFaultSpec,
  SERVICE_UNAVAILABLE_HTML,
} from "../../simulator/http/fault-injection";
import { ApiClient, entityOf, faultOf, originOf, startInProcess, tempStateDir } from "./support/engine";
import { httpsRequest } from "./support/http";

describe("the --faults spec", () => {
  test("parses every kind, latency with jitter, seed and scope", () => {
    expect(parseFaultSpec("locked=0.2,5xx=0.05,latency=200ms±50ms,drop=0.01,seed=42")).toEqual({
      locked: 0.2,
      error500: 0.025,
      error503: 0.025,
      drop: 0.01,
      lost: 0,
      latencyMs: 200,
      jitterMs: 50,
      seed: 42,
      scope: "api",
    });
    expect(parseFaultSpec("500=0.1,503=0.3,lost=0.5,latency=1.5s+-20ms,scope=all")).toMatchObject({
      error500: 0.1,
      error503: 0.3,
      lost: 0.5,
      latencyMs: 1500,
      jitterMs: 20,
      seed: 1,
      scope: "all",
    });
    expect(new FaultInjector("off").active).toBe(false);
    expect(new FaultInjector("").describe()).toBe("off");
    expect(new FaultInjector("locked=0.2,5xx=0.1,seed=3").describe()).toBe(
      "locked=0.2,500=0.05,503=0.05,seed=3",
    );
  });

  test.each([
    ["locked=2", "locked must be a probability between 0 and 1 (got '2')"],
    ["latency=fast", "latency must be a duration like 200ms or 1.5s (got 'fast')"],
    ["seed=-1", "seed must be an integer 0-4294967295 (got '-1')"],
    ["flood=0.1", "unknown fault 'flood' (known: locked, 5xx, 500, 503, drop, lost, latency, seed, scope)"],
    ["locked", "'locked' is not key=value"],
    ["drop=0.1,drop=0.2", "drop given twice"],
    ["scope=sso", "scope must be api or all (got 'sso')"],
  ])("rejects %s", (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(new FaultSpecError(message));
  });

  test("the command line takes --faults and names the problem in a usage error", () => {
    const base = ["--engine-version", "4.4", "--port", "0", "--state", "/tmp/x", "--admin-password", "pw"];
    expect(parseArgs([...base, "--faults", "locked=0.5,seed=9"]).faults).toBe("locked=0.5,seed=9");
    expect(parseArgs(base).faults).toBeUndefined();
    expect(() => parseArgs([...base, "--faults", "locked=x"])).toThrow(
      new UsageError("--faults: locked must be a probability between 0 and 1 (got 'x')"),
    );
  });
});

describe("decisions", () => {
  const run = (spec: string, n: number, method = "POST") => {
    const f = new FaultInjector(spec);
    return { seq: Array.from({ length: n }, () => f.decide(method)), stats: f.stats() };
  };

  test("the same seed gives the same sequence; another seed another one", () => {
    const spec = "locked=0.2,5xx=0.1,drop=0.05,lost=0.05,latency=100ms±50ms";
    const a = run(`${spec},seed=42`, 300);
    const b = run(`${spec},seed=42`, 300);
    const c = run(`${spec},seed=43`, 300);
    expect(a.seq).toEqual(b.seq);
    expect(c.seq).not.toEqual(a.seq);
    // Setting the spec again restarts the generator.
    const f = new FaultInjector(`${spec},seed=42`);
    const first = Array.from({ length: 50 }, () => f.decide("POST"));
    f.set(`${spec},seed=42`);
    expect(Array.from({ length: 50 }, () => f.decide("POST"))).toEqual(first);
    expect(f.stats().requests).toBe(50);
  });

  test("rates stay within bounds and latency within its jitter", () => {
    const n = 4000;
    const { seq, stats } = run("locked=0.2,5xx=0.1,drop=0.05,latency=200ms±50ms,seed=7", n);
    expect(stats.requests).toBe(n);
    expect(stats.dropped / n).toBeGreaterThan(0.035);
    expect(stats.dropped / n).toBeLessThan(0.065);
    const errors = stats.error500 + stats.error503;
    // 5xx is drawn for requests that were not dropped: 0.1 * 0.95.
    expect(errors / n).toBeGreaterThan(0.08);
    expect(errors / n).toBeLessThan(0.11);
    expect(stats.error500 / errors).toBeGreaterThan(0.4);
    expect(stats.error500 / errors).toBeLessThan(0.6);
    // locked: 0.2 of what was neither dropped nor failed.
    expect(stats.locked / n).toBeGreaterThan(0.15);
    expect(stats.locked / n).toBeLessThan(0.19);
    const delays = seq.map((d) => d.delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(150);
    expect(Math.max(...delays)).toBeLessThanOrEqual(250);
    expect(stats.delayMs / n).toBeGreaterThan(195);
    expect(stats.delayMs / n).toBeLessThan(205);
    // Every request gets at most one fault.
    for (const d of seq)
      expect([d.drop, d.error !== null, d.locked, d.lost].filter(Boolean).length).toBeLessThan(2);
  });

  test("locked only ever hits writes", () => {
    const { stats } = run("locked=1,seed=1", 100, "GET");
    expect(stats.locked).toBe(0);
    expect(run("locked=1,seed=1", 100, "DELETE").stats.locked).toBe(100);
  });
});

describe("the locked fault's action and type", () => {
  test.each([
    ["POST", "/ovirt-engine/api/datacenters", "create", "Data Center"],
    ["POST", "/ovirt-engine/api/v4/clusters", "create", "Cluster"],
    ["PUT", "/ovirt-engine/api/clusters/1", "edit", "Cluster"],
    ["DELETE", "/ovirt-engine/api/datacenters/1?force=true", "remove", "Data Center"],
    ["POST", "/ovirt-engine/api/hosts", "add", "Host"],
    ["POST", "/ovirt-engine/api/hosts/1/deactivate", "maintenance", "Host"],
    ["POST", "/ovirt-engine/api/vms/1/start", "run", "VM"],
    ["POST", "/ovirt-engine/api/vms/1/stop", "stop", "VM"],
    ["POST", "/ovirt-engine/api/datacenters/1/storagedomains", "attach", "Storage"],
    ["POST", "/ovirt-engine/api/datacenters/1/storagedomains/2/activate", "activate", "Storage"],
    ["DELETE", "/ovirt-engine/api/datacenters/1/storagedomains/2", "detach", "Storage"],
    ["POST", "/ovirt-engine/api/storagedomains/1/vms/2/register", "import", "VM"],
    ["POST", "/ovirt-engine/api/vms/1/nics", "add", "VM network interface"],
  ])("%s %s -> Cannot %s %s", (method, url, action, type) => {
    expect(lockedTarget(method, url)).toEqual({ action, type });
  });
});

describe("over HTTPS", () => {
  let engine: RunningEngine;
  let api: ApiClient;
  const stateDir = tempStateDir("faults");

  beforeAll(async () => {
    engine = await startInProcess("4.4", stateDir);
    api = await ApiClient.connect(engine);
  });
  afterEach(() => engine.faults.clear());
  afterAll(async () => {
    await engine?.close();
  });

  const dcBody = (name: string) => `<data_center><name>${name}</name><local>false</local></data_center>`;
  const dcNamed = async (name: string) => {
    const res = await api.get(`datacenters?search=${encodeURIComponent(`name=${name}`)}`);
    expect(res.status).toBe(200);
    return (res.body.match(/<data_center /g) ?? []).length;
  };

  test("locked: writes get the engine's 409 for their action and type, nothing is applied; reads pass", async () => {
    engine.faults.set("locked=1,seed=5");
    const post = await api.post("datacenters", dcBody("locked_dc"));
    expect(post.status).toBe(409);
    expect(faultOf(post)).toEqual({
      reason: "Operation Failed",
      detail:
        "[Cannot create Data Center. Related operation is currently in progress. Please try again later.]",
    });
    const json = await api.as("json").put("clusters/b7a4fa8e-0a40-11e9-a1ee-00163e6b9a3b", "{}");
    expect(json.status).toBe(409);
    expect(JSON.parse(json.body)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot edit Cluster. Related operation is currently in progress. Please try again later.]",
    });
    expect((await api.get("datacenters")).status).toBe(200);
    expect(engine.faults.stats()).toMatchObject({ locked: 2, requests: 3 });
    engine.faults.clear();
    expect(await dcNamed("locked_dc")).toBe(0);
  });

  test("500 is the engine's internal-error fault, 503 the proxy's page; SSO and health are spared", async () => {
    engine.faults.set("500=1");
    const res = await api.get("clusters");
    expect(res.status).toBe(500);
    expect(res.body).toBe(
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<fault>\n    <reason>Operation Failed</reason>\n</fault>\n',
    );
    expect(faultOf(res)).toEqual({ reason: "Operation Failed", detail: undefined });
    engine.faults.set("503=1");
    const unavailable = await api.post("datacenters", dcBody("unavailable_dc"));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers["content-type"]).toBe("text/html; charset=iso-8859-1");
    expect(unavailable.body).toBe(SERVICE_UNAVAILABLE_HTML);
    const health = await httpsRequest(`${originOf(engine)}/ovirt-engine/services/health`, {
      ca: engine.caPem,
    });
    expect(health.status).toBe(200);
    await expect(ApiClient.connect(engine)).resolves.toBeInstanceOf(ApiClient);
    engine.faults.clear();
    expect(await dcNamed("unavailable_dc")).toBe(0);
  });

  test("scope=all reaches health and SSO too", async () => {
    engine.faults.set("503=1,scope=all");
    const health = await httpsRequest(`${originOf(engine)}/ovirt-engine/services/health`, {
      ca: engine.caPem,
    });
    expect(health.status).toBe(503);
    await expect(ApiClient.connect(engine)).rejects.toThrow(/login failed: 503/);
  });

  test("drop: the connection dies without an answer and nothing is applied", async () => {
    engine.faults.set("drop=1");
    const err = (await api.post("datacenters", dcBody("dropped_dc")).catch((e: unknown) => e)) as {
      code?: string;
    };
    expect(err.code).toMatch(/^(ECONNRESET|EPIPE)$/);
    expect(engine.faults.stats().dropped).toBe(1);
    engine.faults.clear();
    expect(await dcNamed("dropped_dc")).toBe(0);
  });

  test("lost: the write is applied, then the connection dies instead of the answer", async () => {
    engine.faults.set("lost=1");
    await expect(api.post("datacenters", dcBody("lost_dc"))).rejects.toThrow(/socket hang up|ECONNRESET/);
    engine.faults.clear();
    expect(await dcNamed("lost_dc")).toBe(1);
  });

  test("latency with jitter delays the answer", async () => {
    engine.faults.set("latency=150ms±20ms");
    const t0 = Date.now();
    expect((await api.get("datacenters")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(125);
    expect(engine.faults.stats().delayMs).toBeGreaterThanOrEqual(130);
  });

  test("the same seed replays the same statuses over HTTP", async () => {
    const statuses = async () => {
      const out: number[] = [];
      for (let i = 0; i < 30; i++) out.push((await api.get("clusters")).status);
      return out;
    };
    engine.faults.set("5xx=0.4,seed=7");
    const first = await statuses();
    engine.faults.set("5xx=0.4,seed=7");
    expect(await statuses()).toEqual(first);
    expect(first.filter((s) => s >= 500).length).toBeGreaterThan(4);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(4);
  });

  test("/ovirt-lab/faults: admin only, switches faults at run time, rejects a bad spec", async () => {
    const url = `${originOf(engine)}/ovirt-lab/faults`;
    const auth = { authorization: `Bearer ${api.token}` };
    expect((await httpsRequest(url, { ca: engine.caPem })).status).toBe(401);
    expect((await httpsRequest(url, { ca: engine.caPem, method: "PUT", body: "locked=1" })).status).toBe(401);
    expect(engine.faults.active).toBe(false);

    const put = await httpsRequest(url, {
      ca: engine.caPem,
      method: "PUT",
      headers: { ...auth, "content-type": "text/plain" },
      body: "locked=1,seed=4",
    });
    expect(put.status).toBe(200);
    expect(JSON.parse(put.body)).toMatchObject({ spec: "locked=1,seed=4", active: true });
    expect((await api.delete("datacenters/5849b030-626e-47cb-ad90-3ce782d831b3")).status).toBe(409);
    // The switch itself is never faulted.
    const got = await httpsRequest(url, { ca: engine.caPem, headers: auth });
    expect(JSON.parse(got.body)).toMatchObject({ stats: { requests: 1, locked: 1 } });

    const json = await httpsRequest(url, {
      ca: engine.caPem,
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ spec: "latency=1ms" }),
    });
    expect(JSON.parse(json.body)).toMatchObject({ spec: "latency=1ms±0ms,seed=1" });

    const bad = await httpsRequest(url, { ca: engine.caPem, method: "PUT", headers: auth, body: "locked=7" });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: "locked must be a probability between 0 and 1 (got '7')" });

    const notText = await httpsRequest(url, {
      ca: engine.caPem,
      method: "PUT",
      headers: auth,
      body: JSON.stringify({ spec: 3 }),
    });
    expect(notText.status).toBe(400);
    expect(JSON.parse(notText.body)).toEqual({ error: 'a JSON body must be {"spec": "<spec>"}' });

    const off = await httpsRequest(url, { ca: engine.caPem, method: "DELETE", headers: auth });
    expect(JSON.parse(off.body)).toMatchObject({ spec: "off", active: false });
    const created = await api.post("datacenters", dcBody("after_switch_dc"));
    expect(created.status).toBe(201);
    expect(entityOf(created, "data_center").name).toBe("after_switch_dc");
  });
});

describe("launchEngine({ faults })", () => {
  test("starts with the spec from the option", async () => {
    const { launchEngine } = await import("../../simulator/engine");
    const engine = await launchEngine({
      version: "4.3",
      port: 0,
      stateDir: tempStateDir("faults-option"),
      adminPassword: "pw",
      timeScale: 0,
      hostname: "localhost",
      faults: "locked=1,seed=2",
    });
    try {
      expect(engine.faults.describe()).toBe("locked=1,seed=2");
      const api = await ApiClient.connect({ ...engine, adminPassword: "pw" });
      const res = await api.post("clusters", "<cluster><name>x</name></cluster>");
      expect(res.status).toBe(409);
      expect(faultOf(res).detail).toBe(
        "[Cannot create Cluster. Related operation is currently in progress. Please try again later.]",
      );
    } finally {
      await engine.close();
    }
  });
});
