// The data center provider's methods called directly against a fresh embedded engine, the way the
// Pulumi engine calls them (check first, then create/read/update/delete with checked inputs).
import type { KindProvider } from "../../providers/core/base";
import { setLogger } from "../../providers/ovirt/log";
import { newOperation } from "../../providers/ovirt/context";
import { dataCenterId } from "../../providers/ovirt/datacenters";
import { clientFor, closeAll, resetRegistry } from "../../providers/ovirt/registry";
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
const log = captureLogger();
let engine: Engine;

beforeAll(async () => {
  engine = await freshEngine("4.4");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(log);
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
});

/** What `pulumi up` does for a new resource: check, then create with the checked inputs. */
async function up(p: KindProvider, news: Record<string, unknown>) {
  const checked = await p.check({}, news);
  expect(checked.failures).toBeUndefined();
  const inputs = checked.inputs as Record<string, unknown>;
  const created = await p.create(inputs);
  return { ...created, inputs, outs: created.outs as Record<string, unknown> };
}

const named = async (name: string) =>
  (await list(access(engine), "datacenters", "data_center")).filter((d) => d.name === name);

test("create makes one data center with the inputs; outputs add status and supported versions", async () => {
  const name = uniqueName("dc");
  const inputs = {
    engine: "target",
    name,
    description: "made by a provider test",
    comment: "c1",
    compatibilityVersion: "4.4",
    quotaMode: "disabled",
  };
  const res = await up(dcs, inputs);
  const found = await named(name);
  expect(found).toHaveLength(1);
  expect(found[0].id).toBe(res.id);
  expect(found[0]).toMatchObject({
    description: "made by a provider test",
    comment: "c1",
    local: "false",
    quota_mode: "disabled",
    version: { major: "4", minor: "4" },
  });
  expect(res.outs).toMatchObject({ ...inputs, local: false });
  expect(typeof res.outs.status).toBe("string");
  expect(res.outs.supportedVersions).toContain("4.4");
  expect(JSON.stringify(res.outs)).not.toContain(engine.adminPassword);
});

test("read returns what create stored: a refresh shows no change", async () => {
  const res = await up(dcs, { engine: "target", name: uniqueName("dc"), description: "d" });
  const r = await dcs.read(res.id, { ...res.outs, __provider: "shim" });
  expect(r.id).toBe(res.id);
  expect(r.props).toEqual(res.outs);
  expect(r.inputs).toEqual(res.inputs);
});

test("read shows drift made outside Pulumi in both outputs and inputs", async () => {
  const res = await up(dcs, { engine: "target", name: uniqueName("dc"), description: "as coded" });
  const ctx = newOperation("test", 30_000);
  await clientFor("target").datacenters.update(ctx, dataCenterId(res.id), {
    description: "edited in the UI",
  });
  const r = await dcs.read(res.id, res.outs);
  expect(r.props?.description).toBe("edited in the UI");
  expect(r.inputs?.description).toBe("edited in the UI");
  // And the next up puts it back.
  const d = await dcs.diff(res.id, r.props, res.inputs);
  expect(d).toMatchObject({ changes: true, replaces: [] });
});

test("update PUTs only when something differs from the live object", async () => {
  const res = await up(dcs, {
    engine: "target",
    name: uniqueName("dc"),
    description: "v1",
    compatibilityVersion: "4.3",
  });
  let from = engine.requests().length;
  await dcs.update(res.id, res.outs, res.inputs);
  expect(requestsSince(engine, from).filter((r) => r.method === "PUT")).toEqual([]);

  from = engine.requests().length;
  const news = { ...res.inputs, description: "v2", compatibilityVersion: "4.4" };
  const u = await dcs.update(res.id, res.outs, news);
  const puts = requestsSince(engine, from).filter((r) => r.method === "PUT");
  expect(puts).toHaveLength(1);
  expect(puts[0].path).toContain(`/datacenters/${res.id}`);
  const live = await getJson(access(engine), `datacenters/${res.id}`);
  expect(live).toMatchObject({ description: "v2", version: { major: "4", minor: "4" } });
  expect(u.outs).toMatchObject({ description: "v2", compatibilityVersion: "4.4" });
});

test("rename in place keeps the id", async () => {
  const res = await up(dcs, { engine: "target", name: uniqueName("dc") });
  const newName = uniqueName("dc_renamed");
  expect((await dcs.diff(res.id, res.outs, { ...res.inputs, name: newName })).replaces).toEqual([]);
  await dcs.update(res.id, res.outs, { ...res.inputs, name: newName });
  expect((await named(newName)).map((d) => d.id)).toEqual([res.id]);
});

test("create after a crash adopts the half-made data center instead of making a second one", async () => {
  const name = uniqueName("dc");
  // The previous run's POST reached the engine, then the process died before Pulumi recorded the id.
  const made = await clientFor("target").datacenters.add(newOperation("crashed-run", 30_000), {
    name,
    local: false,
    description: "half made",
  });
  const res = await up(dcs, { engine: "target", name, description: "finished" });
  expect(res.id).toBe(made.id);
  const found = await named(name);
  expect(found).toHaveLength(1);
  expect(found[0].description).toBe("finished");
  expect(log.infos.some((l) => l.includes(`adopting the existing data center ${made.id}`))).toBe(true);
});

test("two concurrent creates of one name end with one data center", async () => {
  const name = uniqueName("dc");
  const inputs = (await dcs.check({}, { engine: "target", name })).inputs;
  const [a, b] = await Promise.all([dcs.create(inputs), dcs.create(inputs)]);
  expect(a.id).toBe(b.id);
  expect(await named(name)).toHaveLength(1);
});

test("delete removes it; read then reports it gone; a second delete is fine", async () => {
  const res = await up(dcs, { engine: "target", name: uniqueName("dc") });
  await dcs.delete(res.id, res.outs);
  expect(await getJson(access(engine), `datacenters/${res.id}`)).toBeUndefined();
  expect(await dcs.read(res.id, res.outs)).toEqual({ id: "" });
  await expect(dcs.delete(res.id, res.outs)).resolves.toBeUndefined();
});

test("update of an object deleted outside Pulumi says what to do", async () => {
  const res = await up(dcs, { engine: "target", name: uniqueName("dc") });
  await dcs.delete(res.id, res.outs);
  const err = await rejection(dcs.update(res.id, res.outs, { ...res.inputs, description: "x" }));
  expect(err.message).toContain("no longer exists");
  expect(err.message).toContain("pulumi refresh");
});

test("the engine's own refusal reaches the user with its text", async () => {
  // A level the engine does not support passes check (it is a version) but not the engine.
  const name = uniqueName("dc");
  const err = await rejection(up(dcs, { engine: "target", name, compatibilityVersion: "3.6" }));
  expect(err.message).toContain('engine "target": POST /datacenters failed:');
  expect(["validation", "conflict"]).toContain(err.kind);
  expect(await named(name)).toHaveLength(0);
});

test("all of this took one SSO login, and closing logs out", async () => {
  // (The test's own reader logs in per call, so the engine's log is only checked in a window without it.)
  let from = engine.requests().length;
  const res = await up(dcs, { engine: "target", name: uniqueName("dc"), description: "v1" });
  await dcs.read(res.id, res.outs);
  await dcs.update(res.id, res.outs, { ...res.inputs, description: "v2" });
  await dcs.delete(res.id, res.outs);
  expect(requestsSince(engine, from).filter((r) => r.path.includes("/sso/oauth/token"))).toEqual([]);
  expect(clientFor("target").conn.loginCount).toBe(1);
  from = engine.requests().length;
  await closeAll();
  expect(requestsSince(engine, from).filter((r) => r.path.includes("/sso-logout"))).toHaveLength(1);
});
