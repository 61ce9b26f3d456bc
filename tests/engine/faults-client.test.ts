// Our own client (providers/ovirt through the data center and cluster providers) converges through
// injected faults: locked objects (409), 500/503, and answers lost after the engine applied the
// write. Each create ends with exactly one object, and the engine's request log shows why.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { KindProvider } from "../../providers/core/base";
import { resetRegistry } from "../../providers/ovirt/registry";
import { setLogger } from "../../providers/ovirt/log";
import { configure, provider } from "../../providers/runtime";
import type { RunningEngine } from "../../simulator/engine";
import { readRequestLog } from "../../simulator/http/request-log";
import { captureLogger, configureRequest } from "../providers/support";
import { ADMIN_PASSWORD, ApiClient, startInProcess } from "./support/engine";

const log = captureLogger();
let engine: RunningEngine;
let api: ApiClient;
// Our own directory, removed only after the client has logged out and the engine has stopped.
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-test-faults-client-"));

beforeAll(async () => {
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
  await configure(
    configureRequest({ target: { url: engine.url, caFile: engine.caFile, password: ADMIN_PASSWORD } }),
  );
  setLogger(log);
});

afterAll(async () => {
  await resetRegistry();
  await engine?.close();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

async function create(p: KindProvider, news: Record<string, unknown>): Promise<string> {
  const checked = await p.check({}, news);
  expect(checked.failures).toBeUndefined();
  return (await p.create(checked.inputs)).id;
}

/** Objects of a collection with this name, read without faults. */
async function named(collection: string, element: string, name: string): Promise<string[]> {
  const spec = engine.faults.describe();
  engine.faults.clear();
  const res = await api.get(`${collection}?search=${encodeURIComponent(`name=${name}`)}`);
  engine.faults.set(spec);
  expect(res.status).toBe(200);
  return [...res.body.matchAll(new RegExp(`<${element} href="[^"]*" id="([^"]+)"`, "g"))].map((m) => m[1]);
}

/** 2xx answers the engine gave to POSTs on a collection (whether or not the client received them). */
const created = (collection: string) =>
  readRequestLog(`${engine.stateDir}/requests.log`).filter(
    (r) => r.method === "POST" && r.path.split("?")[0].endsWith(`/api/${collection}`) && r.status === 201,
  ).length;

test("a data center and a cluster are created exactly once through 409s, 5xx and lost answers", async () => {
  // Seeded: with this seed the sequence of requests meets every kind of fault below.
  engine.faults.set("locked=0.35,5xx=0.3,lost=0.25,seed=9");
  const dcName = "faulty_dc";
  const dcId = await create(provider("datacenter"), {
    engine: "target",
    name: dcName,
    compatibilityVersion: "4.4",
  });
  const clusterName = "faulty_cluster";
  const clusterId = await create(provider("cluster"), {
    engine: "target",
    name: clusterName,
    dataCenterId: dcId,
    compatibilityVersion: "4.4",
    cpuType: "Intel Skylake Family",
  });

  const stats = engine.faults.stats();
  expect(stats.locked).toBeGreaterThan(0);
  expect(stats.error500 + stats.error503).toBeGreaterThan(0);
  expect(stats.lost).toBeGreaterThan(0);
  // The client said why it tried again.
  expect(log.infos.some((m) => m.includes("Related operation is currently in progress"))).toBe(true);
  // An add the engine applied but whose answer was lost, then found by name and adopted.
  expect(log.infos.some((m) => /POST \/(datacenters|clusters) failed: socket hang up/.test(m))).toBe(true);
  expect(log.infos.some((m) => m.includes("(made by an interrupted attempt)"))).toBe(true);

  expect(await named("datacenters", "data_center", dcName)).toEqual([dcId]);
  expect(await named("clusters", "cluster", clusterName)).toEqual([clusterId]);
  // The engine made each object once: no duplicate add ever succeeded.
  expect(created("datacenters")).toBe(1);
  expect(created("clusters")).toBe(1);
}, 120_000);
