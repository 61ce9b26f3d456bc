// The per-run read cache and request coalescing (providers/ovirt/connection.ts snapshot and
// in-flight GETs), proven with the engine's request log: a refresh of N objects lists each kind
// once instead of one GET per object, writes drop the listing, and gone objects are still gone.
import { OvirtClient } from "../../providers/ovirt/client";
import { setLogger } from "../../providers/ovirt/log";
import { newOperation } from "../../providers/ovirt/context";
import { clientFor, resetRegistry } from "../../providers/ovirt/registry";
import { configure, provider } from "../../providers/runtime";
import {
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  uniqueName,
  type Engine,
} from "./support";

const dcs = provider("datacenter");
let engine: Engine;
const N = 60;
const made: Array<{ id: string; outs: Record<string, unknown> }> = [];

beforeAll(async () => {
  engine = await freshEngine("4.4");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(captureLogger());
  for (let i = 0; i < N; i++) {
    const checked = await dcs.check({}, { engine: "target", name: uniqueName("rc"), description: `dc ${i}` });
    const r = await dcs.create(checked.inputs);
    made.push({ id: r.id, outs: r.outs as Record<string, unknown> });
  }
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
});

/** A fresh provider process: no client, no cache (what every `pulumi refresh` starts with). */
async function newProcess(): Promise<void> {
  await resetRegistry();
  await configure(configureRequest({ target: engineEntry(engine) }));
}

const apiRequests = (from: number) =>
  engine
    .requests()
    .slice(from)
    .filter((r) => r.path.includes("/ovirt-engine/api"));

test(`a refresh of ${N} data centers costs at most N/50 + 10 requests, and reads the same as GET by id`, async () => {
  await newProcess();
  const from = engine.requests().length;
  const reads = await Promise.all(made.map((m) => dcs.read(m.id, m.outs)));
  const sent = engine.requests().slice(from); // SSO login included
  expect(sent.length).toBeLessThanOrEqual(N / 50 + 10);
  expect(sent.filter((r) => r.method === "GET" && r.path.endsWith("/datacenters"))).toHaveLength(1);
  reads.forEach((r, i) => {
    expect(r.id).toBe(made[i].id);
    expect(r.props).toMatchObject({ name: made[i].outs.name, description: made[i].outs.description });
  });
});

test("sequential reads in one run are served from the one listing", async () => {
  await newProcess();
  const from = engine.requests().length;
  for (const m of made.slice(0, 20)) await dcs.read(m.id, m.outs);
  expect(apiRequests(from).filter((r) => r.method === "GET")).toHaveLength(1);
});

test("a write of the kind drops the listing: the next read sees the change", async () => {
  await newProcess();
  const first = made[0];
  await dcs.read(first.id, first.outs);
  const news = { engine: "target", name: first.outs.name, description: "changed by the cache test" };
  const { outs } = await dcs.update(first.id, first.outs, (await dcs.check(first.outs, news)).inputs);
  const r = await dcs.read(first.id, outs);
  expect(r.props?.description).toBe("changed by the cache test");
  first.outs = r.props as Record<string, unknown>;
});

test("an object removed outside Pulumi is gone on refresh; the others are still read from the listing", async () => {
  const victim = made.pop()!;
  // Removed by another client (another process) before the refresh.
  const other = new OvirtClient({
    url: engine.url,
    caPem: engine.caPem,
    username: "admin@internal",
    password: engine.adminPassword,
  });
  await other.datacenters.remove(newOperation("test", 60_000), victim.id as never);
  await other.close();
  await newProcess();
  const from = engine.requests().length;
  const reads = await Promise.all([victim, ...made].map((m) => dcs.read(m.id, m.outs)));
  expect(reads[0].id).toBe("");
  expect(reads.slice(1).map((r) => r.id)).toEqual(made.map((m) => m.id));
  // The listing, then one GET by id for the one missing from it (404).
  const gets = apiRequests(from).filter((r) => r.method === "GET");
  expect(gets.map((r) => r.status).sort()).toEqual([200, 404]);
});

test("identical GETs in flight at once are sent once", async () => {
  await newProcess();
  const c = clientFor("target");
  const ctx = newOperation("test", 60_000);
  const from = engine.requests().length;
  const answers = await Promise.all(
    Array.from({ length: 10 }, () => c.datacenters.tryGet(ctx, made[0].id as never)),
  );
  expect(answers.every((a) => a?.id === made[0].id)).toBe(true);
  expect(apiRequests(from).filter((r) => r.method === "GET")).toHaveLength(1);
});
