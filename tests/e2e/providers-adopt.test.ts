// `adopt: true` through the real Pulumi CLI: a data center, a cluster and a network made beforehand
// through the API are taken over by `pulumi up` with zero write requests in the engine's request log;
// the preview shows the adopt input on its create steps and `up` logs the take-over; outputs say
// `adopted: true`; the next preview shows what `up` would change; dropping `adopt` later is no change;
// destroy deletes adopted objects like any other, unless retainOnDelete says otherwise.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import { startEngine } from "../../testbed/engine-process";
import { list, sendJson, writesSince } from "../helpers/engine-api";
import { programStack, stepsOf, type ProgramResource, type ProgramStack } from "../helpers/stack";

type Engine = Awaited<ReturnType<typeof startEngine>>;
type Obj = Record<string, unknown>;

// Several CLI runs per test; on a shared, loaded machine each can take tens of seconds.
jest.setTimeout(600_000);

let engine: Engine;
let t: ProgramStack;
const ids: Record<string, string> = {};

function resources(adopt: boolean | undefined): ProgramResource[] {
  const a = adopt === undefined ? {} : { adopt };
  return [
    {
      kind: "DataCenter",
      name: "dc",
      args: { engine: "target", name: "ad_dc", description: "wanted", ...a },
      retainOnDelete: true,
    },
    { kind: "Cluster", name: "cl", args: { engine: "target", name: "ad_cl", dataCenterId: "@dc", ...a } },
    {
      kind: "Network",
      name: "net",
      args: { engine: "target", name: "ad_net", dataCenterId: "@dc", description: "by hand", ...a },
    },
  ];
}

async function made(path: string, body: Obj): Promise<string> {
  const res = await sendJson(engine, "POST", path, body);
  expect(res.status).toBe(201);
  return String((JSON.parse(res.body) as Obj).id);
}

const byName = async (collection: string, singular: string, name: string) =>
  (await list(engine, collection, singular)).find((e) => e.name === name);

beforeAll(async () => {
  engine = await startEngine({ version: "4.4", timeScale: 0 });
  ids.dc = await made("datacenters", { name: "ad_dc", local: false });
  ids.cl = await made("clusters", {
    name: "ad_cl",
    data_center: { id: ids.dc },
    cpu: { type: "Intel Nehalem Family" },
  });
  ids.net = await made("networks", { name: "ad_net", data_center: { id: ids.dc }, description: "by hand" });
  t = await programStack({ target: engine }, resources(true));
}, 300_000);

afterAll(async () => {
  await engine?.stop();
  if (t) fs.rmSync(t.workDir, { recursive: true, force: true });
});

test("preview plans creates that carry adopt: true, and sends no write", async () => {
  const events: EngineEvent[] = [];
  const from = engine.requests().length;
  await t.stack.preview({ onEvent: (e) => events.push(e) });
  const steps = stepsOf(events);
  expect(steps).toMatchObject({ "DataCenter:dc": "create", "Cluster:cl": "create", "Network:net": "create" });
  const adoptInputs = events
    .map((e) => e.resourcePreEvent?.metadata)
    .filter((m) => m && !m.type.startsWith("pulumi:"))
    .map((m) => (m?.new?.inputs as Obj | undefined)?.adopt);
  expect(adoptInputs).toEqual([true, true, true]);
  expect(writesSince(engine, from)).toEqual([]);
});

test("up takes them over with zero write requests; outputs say adopted, the log says adopting", async () => {
  const from = engine.requests().length;
  let output = "";
  const res = await t.stack.up({ onOutput: (s) => (output += s) });
  expect(res.summary.result).toBe("succeeded");
  expect(writesSince(engine, from)).toEqual([]);
  const outs = res.outputs.resourcesOut.value as Record<string, Obj>;
  expect(outs.dc).toEqual({ id: ids.dc, adopted: true });
  expect(outs.cl).toEqual({ id: ids.cl, adopted: true });
  expect(outs.net).toEqual({ id: ids.net, adopted: true });
  expect(output).toContain(`adopting existing data center ${ids.dc}`);
  expect(output).toContain(`adopting existing network ${ids.net}`);
  // The description differs from the engine's: not written by the take-over.
  expect((await byName("datacenters", "data_center", "ad_dc"))?.description).toBeUndefined();
});

test("the next preview shows what up would change, and up changes it in place", async () => {
  const events: EngineEvent[] = [];
  await t.stack.preview({ onEvent: (e) => events.push(e) });
  const changed = Object.entries(stepsOf(events)).filter(([, op]) => op !== "same");
  expect(changed).toEqual([["DataCenter:dc", "update"]]);
  const res = await t.stack.up();
  expect(res.summary.resourceChanges).toMatchObject({ update: 1 });
  expect((await byName("datacenters", "data_center", "ad_dc"))?.description).toBe("wanted");
  expect((res.outputs.resourcesOut.value as Record<string, Obj>).dc.adopted).toBe(true);
});

test("dropping adopt afterwards is no change; a refresh changes nothing", async () => {
  t.setResources(resources(undefined));
  const events: EngineEvent[] = [];
  await t.stack.preview({ onEvent: (e) => events.push(e) });
  expect(Object.values(stepsOf(events)).filter((op) => op !== "same")).toEqual([]);
  const refreshed = await t.stack.refresh();
  expect(Object.keys(refreshed.summary.resourceChanges ?? {})).toEqual(["same"]);
});

test("a missing object: up fails naming it, and creates nothing", async () => {
  const from = engine.requests().length;
  t.setResources([
    ...resources(true),
    {
      kind: "Cluster",
      name: "ghost",
      args: { engine: "target", name: "no_such_cl", dataCenterId: "@dc", adopt: true },
    },
  ]);
  let output = "";
  await expect(t.stack.up({ onOutput: (s) => (output += s) })).rejects.toThrow();
  expect(output).toContain('adopt: no cluster named no_such_cl on engine "target"');
  expect(writesSince(engine, from).filter((w) => w.method === "POST")).toEqual([]);
  t.setResources(resources(true));
});

test("destroy deletes adopted objects like any other; retainOnDelete keeps the data center", async () => {
  const res = await t.stack.destroy();
  expect(res.summary.result).toBe("succeeded");
  expect(await byName("clusters", "cluster", "ad_cl")).toBeUndefined();
  expect(await byName("networks", "network", "ad_net")).toBeUndefined();
  expect((await byName("datacenters", "data_center", "ad_dc"))?.id).toBe(ids.dc);
});
