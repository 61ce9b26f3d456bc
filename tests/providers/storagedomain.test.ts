// The storage-domain provider against an embedded engine with a real (scaled) clock and its own data
// plane: create = add + attach + wait active; update in place; delete = maintenance + detach + remove
// without format (the data stays); create again imports the domain from storage with its id; a create
// interrupted mid-attach converges; storage changes replace the domain, old one first.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { KindProvider } from "../../providers/core/base";
import { newOperation } from "../../providers/ovirt/context";
import { dataCenterId } from "../../providers/ovirt/datacenters";
import { setLogger } from "../../providers/ovirt/log";
import { clientFor, resetRegistry } from "../../providers/ovirt/registry";
import { storageDomainId } from "../../providers/ovirt/storagedomains";
import { configure, provider } from "../../providers/runtime";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { domainDir, readMetadata } from "../../simulator/dataplane/storage";
import { getJson, list } from "../helpers/engine-api";
import { addHost } from "../engine/storage-fixtures";
import { ApiClient } from "../engine/support/engine";
import { captureLogger, configureRequest, rejection, uniqueName } from "./support";

const PASSWORD = "sd-provider-pw";
const dcs = provider("datacenter");
const clusters = provider("cluster");
const sds = provider("storagedomain");
const log = captureLogger();
let engine: RunningEngine;
let root: string;
let dataPlane: string;
let dcId = "";

const access = () => ({ url: engine.url, caPem: engine.caPem, adminPassword: PASSWORD });

async function up(p: KindProvider, news: Record<string, unknown>) {
  const checked = await p.check({}, news);
  expect(checked.failures).toBeUndefined();
  const inputs = checked.inputs as Record<string, unknown>;
  const created = await p.create(inputs);
  return { ...created, inputs, outs: created.outs as Record<string, unknown> };
}

const nfsArgs = (name: string, exportPath: string, extra: Record<string, unknown> = {}) => ({
  engine: "target",
  name,
  type: "data",
  storage: { type: "nfs", address: "depot.lab", path: exportPath },
  hostName: "calvin",
  dataCenterId: dcId,
  ...extra,
});

const dirOf = (id: string, exportPath: string) =>
  domainDir(dataPlane, { connection: `depot.lab:${exportPath}` }, id);

async function attachedStatus(sd: string): Promise<string | undefined> {
  const a = await getJson<{ status?: string }>(access(), `datacenters/${dcId}/storagedomains/${sd}`);
  return a?.status;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-sdprov-"));
  dataPlane = path.join(root, "dataplane");
  // A real clock, scaled: attach takes ~0.4 s (locked -> maintenance -> activating -> active).
  engine = await launchEngine({
    version: "4.4",
    port: 0,
    stateDir: path.join(root, "state"),
    adminPassword: PASSWORD,
    timeScale: 0.05,
    hostname: "localhost",
    dataPlane,
  });
  await configure(configureRequest({ target: { url: engine.url, caPem: engine.caPem, password: PASSWORD } }));
  setLogger(log);
  dcId = (await up(dcs, { engine: "target", name: uniqueName("sd_dc"), compatibilityVersion: "4.4" })).id;
  const cl = await up(clusters, {
    engine: "target",
    name: uniqueName("sd_cl"),
    dataCenterId: dcId,
    cpuType: "Intel Nehalem Family",
  });
  await addHost(await ApiClient.connect(access()), dataPlane, "calvin", cl.id);
}, 120_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

test("check names the field and the value before any request", async () => {
  const res = await sds.check(
    {},
    {
      engine: "target",
      name: "bad name",
      type: "images",
      storage: { type: "iscsi", address: "depot.lab", path: "exports/x", nfsVersion: "v9" },
      dataCenterId: dcId,
      warningLowSpace: 120,
    },
  );
  const reasons = (res.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
  expect(reasons).toEqual(
    expect.arrayContaining([
      expect.stringContaining('name "bad name" may only contain'),
      expect.stringContaining('type "images" is not one of "data", "iso", "export"'),
      expect.stringContaining('storage.type "iscsi" is not one of "glusterfs", "nfs"'),
      expect.stringContaining('storage.path "exports/x" must be an absolute path'),
      expect.stringContaining("hostName is required"),
      expect.stringContaining("warningLowSpace 120 is not a whole warning percentage between 0 and 100"),
    ]),
  );
});

describe("lifecycle", () => {
  const name = uniqueName("data1");
  const exportPath = "/exports/lifecycle";
  let res: Awaited<ReturnType<typeof up>>;

  test("create adds, attaches and waits until active: the first data domain is master", async () => {
    res = await up(sds, nfsArgs(name, exportPath, { comment: "spinning", warningLowSpace: 15 }));
    expect(res.outs).toMatchObject({
      name,
      status: "active",
      master: true,
      storageFormat: "v5",
      comment: "spinning",
    });
    expect(res.outs.imported).toBe(false);
    expect(res.outs.destroyDataOnDelete).toBe(false);
    expect(await attachedStatus(res.id)).toBe("active");
    const dc = await getJson<{ status: string }>(access(), `datacenters/${dcId}`);
    expect(dc?.status).toBe("up");
    expect(readMetadata(dirOf(res.id, exportPath))).toMatchObject({
      SDUUID: res.id,
      POOL_UUID: dcId,
      ROLE: "Master",
    });
  });

  test("read returns the inputs: no refresh noise", async () => {
    const r = await sds.read(res.id, res.outs);
    expect(r.inputs).toEqual(res.inputs);
    expect(r.props).toEqual(res.outs);
    expect(await sds.diff(res.id, r.props, res.inputs)).toMatchObject({ changes: false });
  });

  test("diff: thresholds update in place, storage replaces (old one first)", async () => {
    expect(await sds.diff(res.id, res.outs, { ...res.inputs, criticalSpace: 3 })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const moved = { ...res.inputs, storage: { type: "nfs", address: "depot.lab", path: "/exports/other" } };
    expect(await sds.diff(res.id, res.outs, moved)).toEqual({
      changes: true,
      replaces: ["storage"],
      deleteBeforeReplace: true,
    });
  });

  test("update changes name, comment and thresholds in place", async () => {
    const news = { ...res.inputs, comment: "SSD", criticalSpace: 3, name: `${name}r` };
    const u = await sds.update(res.id, res.outs, news);
    expect(u.outs).toMatchObject({ comment: "SSD", criticalSpace: 3, name: `${name}r`, status: "active" });
    const live = await getJson<Record<string, unknown>>(access(), `storagedomains/${res.id}`);
    expect(live).toMatchObject({ comment: "SSD", critical_space_action_blocker: "3", name: `${name}r` });
    res = { ...res, inputs: news, outs: u.outs as Record<string, unknown> };
  });

  test("delete: maintenance, detach, remove without format; the data stays on storage", async () => {
    await sds.delete(res.id, res.outs);
    expect(await getJson(access(), `storagedomains/${res.id}`)).toBeUndefined();
    expect(readMetadata(dirOf(res.id, exportPath))).toMatchObject({ SDUUID: res.id, POOL_UUID: "" });
    const dc = await getJson<{ status: string }>(access(), `datacenters/${dcId}`);
    expect(dc?.status).toBe("uninitialized");
    expect(log.infos.some((l) => l.includes("its data stays on storage"))).toBe(true);
  });

  test("create on the same storage imports the domain: same id, imported: true, said in the log", async () => {
    log.infos.length = 0;
    const again = await up(sds, nfsArgs(`${name}r`, exportPath));
    expect(again.id).toBe(res.id);
    expect(again.outs).toMatchObject({ imported: true, status: "active", master: true });
    expect(log.infos.some((l) => l.includes("was imported with its id and data"))).toBe(true);
    // Imported under the name the storage remembers; a resource with another name renames it.
    await sds.delete(again.id, again.outs);
    const renamed = await up(sds, nfsArgs(`${name}x`, exportPath));
    expect(renamed.id).toBe(res.id);
    expect(renamed.outs).toMatchObject({ imported: true, name: `${name}x` });
    await sds.delete(renamed.id, renamed.outs);
  });
});

test("a create interrupted mid-attach converges to one active domain", async () => {
  const name = uniqueName("crash");
  const args = nfsArgs(name, "/exports/crash");
  const checked = await sds.check({}, args);
  // The previous run added the domain and sent the attach, then died while it was locked.
  const client = clientFor("target");
  const ctx = newOperation("crashed-run", 30_000);
  const made = await client.storagedomains.add(ctx, {
    name,
    type: "data",
    host: { name: "calvin" },
    storage: { type: "nfs", address: "depot.lab", path: "/exports/crash" },
  });
  await client.storagedomains.attach(ctx, dataCenterId(dcId), storageDomainId(made.id!));
  expect(await attachedStatus(made.id!)).toBe("locked");
  const res = await sds.create(checked.inputs);
  expect(res.id).toBe(made.id);
  expect(res.outs).toMatchObject({ status: "active" });
  const all = (await list(access(), "storagedomains", "storage_domain")).filter((d) => d.name === name);
  expect(all).toHaveLength(1);
  await sds.delete(res.id, res.outs);
});

test("a create interrupted after its add imported a domain finds it by its storage", async () => {
  // A domain another engine left on storage under the name "legacy_name"...
  const first = await up(sds, nfsArgs("legacy_name", "/exports/moved"));
  await sds.delete(first.id, first.outs);
  // ...imported by a run that died right after the POST (the engine knows it under the old name).
  const ctx = newOperation("crashed-run", 30_000);
  const made = await clientFor("target").storagedomains.add(ctx, {
    name: "whatever",
    type: "data",
    host: { name: "calvin" },
    storage: { type: "nfs", address: "depot.lab", path: "/exports/moved" },
  });
  expect(made).toMatchObject({ id: first.id, name: "legacy_name" });
  const name = uniqueName("moved");
  const res = await up(sds, nfsArgs(name, "/exports/moved"));
  expect(res.id).toBe(first.id);
  expect(res.outs).toMatchObject({ name, status: "active" });
  expect(log.infos.some((l) => l.includes(`found the existing storage domain ${first.id}`))).toBe(true);
  await sds.delete(res.id, res.outs);
});

test("deleting every domain of a data center at once: the master waits for the others", async () => {
  const a = await up(sds, nfsArgs(uniqueName("pair_a"), "/exports/pair_a"));
  const b = await up(sds, nfsArgs(uniqueName("pair_b"), "/exports/pair_b"));
  expect([a.outs.master, b.outs.master]).toEqual([true, false]);
  await Promise.all([sds.delete(a.id, a.outs), sds.delete(b.id, b.outs)]);
  expect(await getJson(access(), `storagedomains/${a.id}`)).toBeUndefined();
  expect(await getJson(access(), `storagedomains/${b.id}`)).toBeUndefined();
  const dc = await getJson<{ status: string }>(access(), `datacenters/${dcId}`);
  expect(dc?.status).toBe("uninitialized");
});

test("destroyDataOnDelete formats the storage", async () => {
  const res = await up(
    sds,
    nfsArgs(uniqueName("scratch"), "/exports/scratch", { destroyDataOnDelete: true }),
  );
  expect(fs.existsSync(dirOf(res.id, "/exports/scratch"))).toBe(true);
  await sds.delete(res.id, res.outs);
  expect(fs.existsSync(dirOf(res.id, "/exports/scratch"))).toBe(false);
});

test("a domain with this name on other storage is not adopted", async () => {
  const name = uniqueName("twin");
  const first = await up(sds, nfsArgs(name, "/exports/twin1"));
  const err = await rejection(sds.create((await sds.check({}, nfsArgs(name, "/exports/twin2"))).inputs));
  expect(err.message).toContain(`already has a storage domain with this name (id ${first.id})`);
  await sds.delete(first.id, first.outs);
});

test("delete is refused by the engine while VMs run on the domain, with the engine's text", async () => {
  const res = await up(sds, nfsArgs(uniqueName("busy"), "/exports/busy"));
  const { putRow } = await import("../engine/storage-fixtures");
  const vm = {
    id: "7d1e0000-0000-4000-8000-000000000001",
    name: "ipa",
    status: "up",
    storage_domain: { id: res.id },
  };
  putRow(path.join(root, "state"), "vm", vm);
  const err = await rejection(sds.delete(res.id, res.outs));
  expect(err.message).toContain('VMs in a state other than "Down" were detected.');
  putRow(path.join(root, "state"), "vm", { ...vm, status: "down" });
  await sds.delete(res.id, res.outs);
  expect(await getJson(access(), `storagedomains/${res.id}`)).toBeUndefined();
});
