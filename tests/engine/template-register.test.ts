// Moving a template between engines through its storage domain: the 4.3 engine writes the template's
// OVF into the domain when the template is ready; after the detach the 4.3 engine no longer has it,
// and the 4.4 engine, sharing the data plane, imports the domain, lists the template with
// ?unregistered=true and registers it (cluster mapping): same id, name and disk, event 180, job
// "Importing Template … from configuration to Cluster …"; the engine's texts for an id or a name in use.
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { ADMIN_PASSWORD, ApiClient, entityOf, tempStateDir } from "./support/engine";
import { seedHost, statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;
const GIB = 1024 ** 3;

let legacy: RunningEngine;
let target: RunningEngine;
let oldApi: ApiClient;
let newApi: ApiClient;
let dataPlane: string;
const ids: {
  oldDc?: string;
  oldCl?: string;
  newDc?: string;
  newCl?: string;
  sd?: string;
  tpl?: string;
  disk?: string;
} = {};

async function start(version: "4.3" | "4.4", stateDir: string): Promise<RunningEngine> {
  return launchEngine({
    version,
    port: 0,
    stateDir,
    adminPassword: ADMIN_PASSWORD,
    timeScale: 0,
    hostname: "localhost",
    dataPlane,
  });
}

async function site(api: ApiClient, stateDir: string, prefix: string) {
  const dc = await api.post(
    "datacenters",
    `<data_center><name>${prefix}-dc</name><local>false</local></data_center>`,
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>${prefix}-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  const clusterId = String(entityOf(cl, "cluster").id);
  seedHost(stateDir, `${prefix}-host`, clusterId, "up");
  return { dcId, clusterId };
}

const SD_BODY = (host: string) =>
  `<storage_domain><name>tpl-store</name><type>data</type><host><name>${host}</name></host>` +
  `<storage><type>nfs</type><address>depot.lab</address><path>/exports/tpl-store</path></storage></storage_domain>`;

const items = (res: { parsed: () => Obj }, key: string) => (res.parsed()[key] as Obj[] | undefined) ?? [];

beforeAll(async () => {
  dataPlane = tempStateDir("tpl-plane");
  const oldState = tempStateDir("tpl-legacy");
  const newState = tempStateDir("tpl-target");
  legacy = await start("4.3", oldState);
  target = await start("4.4", newState);
  oldApi = await ApiClient.connect(legacy);
  newApi = await ApiClient.connect(target);
  const a = await site(oldApi, oldState, "old");
  const b = await site(newApi, newState, "new");
  Object.assign(ids, { oldDc: a.dcId, oldCl: a.clusterId, newDc: b.dcId, newCl: b.clusterId });

  // The legacy side: a domain, a VM with a disk there, a template made from it.
  const sd = await oldApi.post("storagedomains", SD_BODY("old-host"));
  ids.sd = String(entityOf(sd, "storage_domain").id);
  await oldApi.post(`datacenters/${a.dcId}/storagedomains`, `<storage_domain id="${ids.sd}"/>`);
  await until(oldApi, `datacenters/${a.dcId}/storagedomains/${ids.sd}`, statusIs("active"));
  const vm = await oldApi.post(
    "vms",
    `<vm><name>golden-src</name><cluster id="${a.clusterId}"/><template><name>Blank</name></template></vm>`,
  );
  const vmId = String(entityOf(vm, "vm").id);
  await oldApi.post(
    `vms/${vmId}/diskattachments`,
    `<disk_attachment><bootable>true</bootable><interface>virtio_scsi</interface><disk><name>golden_os</name>` +
      `<provisioned_size>${GIB}</provisioned_size><format>raw</format>` +
      `<storage_domains><storage_domain id="${ids.sd}"/></storage_domains></disk></disk_attachment>`,
  );
  await until(oldApi, `vms/${vmId}`, statusIs("down"));
  const tpl = await oldApi.post("templates", `<template><name>golden</name><vm id="${vmId}"/></template>`);
  expect(tpl.status).toBe(201);
  ids.tpl = String(entityOf(tpl, "template").id);
  await until(oldApi, `templates/${ids.tpl}`, statusIs("ok"));
}, 60_000);

afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

test("the domain's templates: registered ones without the flag, none unregistered on their own engine", async () => {
  const listed = await oldApi.as("json").get(`storagedomains/${ids.sd}/templates`);
  expect(listed.status).toBe(200);
  expect(items(listed, "template").map((t) => [t.id, t.name])).toEqual([[ids.tpl, "golden"]]);
  expect(String(items(listed, "template")[0].href)).toBe(
    `/ovirt-engine/api/storagedomains/${ids.sd}/templates/${ids.tpl}`,
  );
  const unreg = await oldApi.as("json").get(`storagedomains/${ids.sd}/templates?unregistered=true`);
  expect(items(unreg, "template")).toEqual([]);
  const one = await oldApi.as("json").get(`storagedomains/${ids.sd}/templates/${ids.tpl}`);
  expect(one.parsed().name).toBe("golden");
  expect(
    (await oldApi.get(`storagedomains/${ids.sd}/templates/00000000-0000-0000-0000-0000000000ab`)).status,
  ).toBe(404);
});

test("detached from 4.3 and imported by 4.4: listed unregistered, registered with a cluster mapping", async () => {
  // Leave the legacy engine: maintenance, detach. The engine forgets the template (and its VM).
  await oldApi.post(`datacenters/${ids.oldDc}/storagedomains/${ids.sd}/deactivate`, "<action/>");
  await until(oldApi, `datacenters/${ids.oldDc}/storagedomains/${ids.sd}`, statusIs("maintenance"));
  expect((await oldApi.delete(`datacenters/${ids.oldDc}/storagedomains/${ids.sd}`)).status).toBe(200);
  expect((await oldApi.get(`templates/${ids.tpl}`)).status).toBe(404);
  const leftBehind = await oldApi.as("json").get(`storagedomains/${ids.sd}/templates?unregistered=true`);
  expect(items(leftBehind, "template").map((t) => t.name)).toEqual(["golden"]);

  const imported = await newApi.post("storagedomains", SD_BODY("new-host"));
  expect(String(entityOf(imported, "storage_domain").id)).toBe(ids.sd);
  await newApi.post(`datacenters/${ids.newDc}/storagedomains`, `<storage_domain id="${ids.sd}"/>`);
  await until(newApi, `datacenters/${ids.newDc}/storagedomains/${ids.sd}`, statusIs("active"));
  const unreg = await newApi.as("json").get(`storagedomains/${ids.sd}/templates?unregistered=true`);
  expect(items(unreg, "template").map((t) => [t.id, t.name, t.status])).toEqual([[ids.tpl, "golden", "ok"]]);

  const reg = await newApi.post(
    `storagedomains/${ids.sd}/templates/${ids.tpl}/register`,
    "<action><registration_configuration><cluster_mappings><registration_cluster_mapping>" +
      "<from><name>old-cl</name></from><to><name>new-cl</name></to>" +
      "</registration_cluster_mapping></cluster_mappings></registration_configuration></action>",
    { "correlation-id": "tpl-register" },
  );
  expect(reg.status).toBe(200);
  expect((reg.parsed().action as Obj).status).toBe("complete");
  const t = (await newApi.as("json").get(`templates/${ids.tpl}`)).parsed();
  expect([t.name, t.status, (t.cluster as Obj).id]).toEqual(["golden", "ok", ids.newCl]);
  const disks = (await newApi.as("json").get(`storagedomains/${ids.sd}/disks`)).parsed().disk as Obj[];
  expect(disks.map((d) => d.name)).toContain("golden_os");
  const after = await newApi.as("json").get(`storagedomains/${ids.sd}/templates?unregistered=true`);
  expect(items(after, "template")).toEqual([]);
  const jobs = await newApi.as("json").get("jobs?search=correlation_id%3Dtpl-register");
  expect(items(jobs, "job").map((j) => j.description)).toEqual([
    "Importing Template golden from configuration to Cluster new-cl",
  ]);
  const events = await newApi.as("json").get("events?search=correlation_id%3Dtpl-register");
  expect(items(events, "event").map((e) => [e.code, e.description])).toEqual([
    ["180", "Template golden has been successfully imported from the given configuration."],
  ]);
});

test("registering again: the engine's id-in-use text; an unknown template is 404", async () => {
  const again = await newApi.post(
    `storagedomains/${ids.sd}/templates/${ids.tpl}/register`,
    `<action><cluster id="${ids.newCl}"/></action>`,
  );
  expect(again.status).toBe(409);
  expect(((again.parsed().action as Obj).fault as Obj).detail).toBe(
    "[Cannot import Template. Template or VM with the same ID already exists in the system. Please remove the Template or VM (golden) from the system first]",
  );
  const missing = await newApi.post(
    `storagedomains/${ids.sd}/templates/00000000-0000-0000-0000-0000000000ab/register`,
    "<action/>",
  );
  expect(missing.status).toBe(404);
});

test("a template of the same name in the engine: the engine's name-in-use text", async () => {
  // Back on the legacy engine, which forgot the template but still sees it in the detached domain.
  const vm = await oldApi.post(
    "vms",
    `<vm><name>other-src</name><cluster id="${ids.oldCl}"/><template><name>Blank</name></template></vm>`,
  );
  const vmId = String(entityOf(vm, "vm").id);
  const tpl = await oldApi.post("templates", `<template><name>golden</name><vm id="${vmId}"/></template>`);
  expect(tpl.status).toBe(201);
  await until(oldApi, `templates/${String(entityOf(tpl, "template").id)}`, statusIs("ok"));
  const res = await oldApi.post(`storagedomains/${ids.sd}/templates/${ids.tpl}/register`, "<action/>");
  expect(res.status).toBe(409);
  expect((res.parsed().action as Obj).fault).toEqual({
    reason: "Operation Failed",
    detail:
      "[Import Template failed - Template Name already exists in the system. Please rename the Template in the system first]",
  });
});
