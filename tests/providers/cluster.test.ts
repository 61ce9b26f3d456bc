// The cluster provider's methods called directly against a fresh embedded engine.
import type { KindProvider } from "../../providers/core/base";
import { setLogger } from "../../providers/ovirt/log";
import { clusterId } from "../../providers/ovirt/clusters";
import { newOperation } from "../../providers/ovirt/context";
import { dataCenterId } from "../../providers/ovirt/datacenters";
import { clientFor, resetRegistry } from "../../providers/ovirt/registry";
import { configure, provider } from "../../providers/runtime";
import { getJson, list } from "../helpers/engine-api";
import {
  access,
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  rejection,
  requestsSince,
  uniqueName,
  type Engine,
} from "./support";

const dcs = provider("datacenter");
const clusters = provider("cluster");
const log = captureLogger();
let engine: Engine;
let dc1 = "";
let dc2 = "";

async function up(p: KindProvider, news: Record<string, unknown>) {
  const checked = await p.check({}, news);
  expect(checked.failures).toBeUndefined();
  const inputs = checked.inputs as Record<string, unknown>;
  const created = await p.create(inputs);
  return { ...created, inputs, outs: created.outs as Record<string, unknown> };
}

beforeAll(async () => {
  engine = await freshEngine("4.4");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(log);
  dc1 = (await up(dcs, { engine: "target", name: uniqueName("cl_dc"), compatibilityVersion: "4.4" })).id;
  dc2 = (await up(dcs, { engine: "target", name: uniqueName("cl_dc"), compatibilityVersion: "4.4" })).id;
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
});

const named = async (name: string) =>
  (await list(access(engine), "clusters", "cluster")).filter((c) => c.name === name);
const ctx = () => newOperation("test", 30_000);

test("create makes one cluster with every input on the engine", async () => {
  const name = uniqueName("ocp");
  const res = await up(clusters, {
    engine: "target",
    name,
    dataCenterId: dc1,
    description: "OpenShift nodes",
    comment: "16 threads each",
    compatibilityVersion: "4.4",
    cpuType: "Intel Skylake Family",
    threadsAsCores: true,
    ksm: { enabled: true, mergeAcrossNodes: false },
    memoryOverCommitPercent: 150,
    ballooning: true,
    virtService: true,
    glusterService: false,
  });
  const found = await named(name);
  expect(found).toHaveLength(1);
  expect(found[0].id).toBe(res.id);
  expect(found[0]).toMatchObject({
    description: "OpenShift nodes",
    comment: "16 threads each",
    data_center: { id: dc1 },
    version: { major: "4", minor: "4" },
    cpu: { type: "Intel Skylake Family", architecture: "x86_64" },
    threads_as_cores: "true",
    ksm: { enabled: "true", merge_across_nodes: "false" },
    memory_policy: { over_commit: { percent: "150" } },
    ballooning_enabled: "true",
    virt_service: "true",
    gluster_service: "false",
  });
  expect(res.outs).toMatchObject(res.inputs);
});

test("read returns what create stored: a refresh shows no change", async () => {
  const res = await up(clusters, {
    engine: "target",
    name: uniqueName("c"),
    dataCenterId: dc1,
    threadsAsCores: true,
    ksm: { enabled: true },
  });
  const r = await clusters.read(res.id, { ...res.outs, __provider: "shim" });
  expect(r.id).toBe(res.id);
  expect(r.props).toEqual(res.outs);
  expect(r.inputs).toEqual(res.inputs);
});

test("read shows drift and the next diff wants to put it back", async () => {
  const res = await up(clusters, {
    engine: "target",
    name: uniqueName("c"),
    dataCenterId: dc1,
    memoryOverCommitPercent: 150,
  });
  await clientFor("target").clusters.update(ctx(), clusterId(res.id), {
    memory_policy: { over_commit: { percent: 200 } },
  });
  const r = await clusters.read(res.id, res.outs);
  expect(r.props?.memoryOverCommitPercent).toBe(200);
  expect(await clusters.diff(res.id, r.props, res.inputs)).toMatchObject({ changes: true, replaces: [] });
});

test("in-place update: one PUT, same id, the engine has the new values", async () => {
  const res = await up(clusters, {
    engine: "target",
    name: uniqueName("c"),
    dataCenterId: dc1,
    description: "v1",
  });
  const newName = uniqueName("c_renamed");
  const news = {
    ...res.inputs,
    name: newName,
    description: "v2",
    memoryOverCommitPercent: 200,
    threadsAsCores: true,
    ksm: { enabled: true },
  };
  const d = await clusters.diff(res.id, res.outs, news);
  expect(d).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  const from = engine.requests().length;
  const u = await clusters.update(res.id, res.outs, news);
  expect(requestsSince(engine, from).filter((r) => r.method === "PUT")).toHaveLength(1);
  const live = await getJson(access(engine), `clusters/${res.id}`);
  expect(live).toMatchObject({
    name: newName,
    description: "v2",
    threads_as_cores: "true",
    ksm: { enabled: "true" },
    memory_policy: { over_commit: { percent: "200" } },
  });
  expect(u.outs).toMatchObject({ name: newName, description: "v2", memoryOverCommitPercent: 200 });
});

test("moving to another data center is a replacement, old one deleted first", async () => {
  const name = uniqueName("c");
  const res = await up(clusters, { engine: "target", name, dataCenterId: dc1 });
  const news = { ...res.inputs, dataCenterId: dc2 };
  expect(await clusters.diff(res.id, res.outs, news)).toEqual({
    changes: true,
    replaces: ["dataCenterId"],
    deleteBeforeReplace: true,
  });
  // What Pulumi does with deleteBeforeReplace: delete, then create.
  await clusters.delete(res.id, res.outs);
  const created = await clusters.create(news);
  expect(created.id).not.toBe(res.id);
  const found = await named(name);
  expect(found).toHaveLength(1);
  expect((found[0].data_center as { id: string }).id).toBe(dc2);
});

test("create after a crash adopts the half-made cluster and finishes it", async () => {
  const name = uniqueName("c");
  const made = await clientFor("target").clusters.add(ctx(), {
    name,
    data_center: { id: dc1 },
    cpu: { architecture: "x86_64" },
    threads_as_cores: false,
  });
  const res = await up(clusters, {
    engine: "target",
    name,
    dataCenterId: dc1,
    threadsAsCores: true,
    memoryOverCommitPercent: 150,
  });
  expect(res.id).toBe(made.id);
  const found = await named(name);
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({
    threads_as_cores: "true",
    memory_policy: { over_commit: { percent: "150" } },
  });
});

test("a same-named cluster in another data center is not adopted, and nothing is duplicated", async () => {
  const name = uniqueName("c");
  const theirs = await clientFor("target").clusters.add(ctx(), {
    name,
    data_center: { id: dc1 },
    cpu: { architecture: "x86_64" },
  });
  const err = await rejection(up(clusters, { engine: "target", name, dataCenterId: dc2 }));
  expect(err.message).toContain(
    `cluster "${name}": engine "target" already has a cluster with this name (id ${theirs.id})`,
  );
  expect(err.message).toContain("not adopted");
  expect(await named(name)).toHaveLength(1);
});

test("a cluster in a data center that does not exist: the engine's refusal, with its text", async () => {
  const name = uniqueName("c");
  const err = await rejection(
    up(clusters, { engine: "target", name, dataCenterId: "00000000-0000-0000-0000-00000000dead" }),
  );
  expect(err.message).toContain('engine "target": POST /clusters failed:');
  expect(await named(name)).toHaveLength(0);
});

test("delete, then read says gone and a second delete is fine", async () => {
  const res = await up(clusters, { engine: "target", name: uniqueName("c"), dataCenterId: dc1 });
  await clusters.delete(res.id, res.outs);
  expect(await getJson(access(engine), `clusters/${res.id}`)).toBeUndefined();
  expect(await clusters.read(res.id, res.outs)).toEqual({ id: "" });
  await expect(clusters.delete(res.id, res.outs)).resolves.toBeUndefined();
});

test("the clusters of a data center can be listed through it", async () => {
  const name = uniqueName("c");
  const res = await up(clusters, { engine: "target", name, dataCenterId: dc2 });
  const inDc = await clientFor("target").clusters.listInDataCenter(ctx(), dataCenterId(dc2));
  expect(inDc.map((c) => c.id)).toContain(res.id);
});
