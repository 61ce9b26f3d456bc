// Detaching a data domain (DetachStorageDomainFromPool): the engine's database forgets the VMs whose
// disks are all on the domain, their NICs and disk attachments, the domain's floating disks; a VM
// with a disk on another domain stays with that disk only; a delete-protected VM refuses the detach
// (ACTION_TYPE_FAILED_STORAGE_DELETE_PROTECTED). The OVFs and images stay on storage: the detached
// domain lists its VMs as unregistered, and the job and event are recorded.
import fs from "node:fs";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { domainDir, readOvfs } from "../../simulator/dataplane/storage";
import { jobsOf, eventsOf } from "./hosts-support";
import { ADMIN_PASSWORD, ApiClient, entityOf, faultOf, refId, tempStateDir } from "./support/engine";
import { addHost, statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;
const GIB = 1024 ** 3;

let engine: RunningEngine;
let api: ApiClient;
let dataPlane: string;
let dcId = "";
let clusterId = "";

const sdBody = (name: string) =>
  `<storage_domain><name>${name}</name><type>data</type><host><name>node</name></host>` +
  `<storage><type>nfs</type><address>depot.lab</address><path>/exports/${name}</path></storage></storage_domain>`;

async function domain(name: string): Promise<string> {
  const sd = await api.post("storagedomains", sdBody(name));
  expect(sd.status).toBe(201);
  const id = String(entityOf(sd, "storage_domain").id);
  await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${id}"/>`);
  await until(api, `datacenters/${dcId}/storagedomains/${id}`, statusIs("active"));
  return id;
}

async function vmWithDisks(
  name: string,
  domains: string[],
  extra = "",
): Promise<{ id: string; disks: string[] }> {
  const res = await api.post(
    "vms",
    `<vm><name>${name}</name><cluster id="${clusterId}"/><template><name>Blank</name></template>${extra}</vm>`,
  );
  expect(res.status).toBe(201);
  const id = String(entityOf(res, "vm").id);
  await api.post(`vms/${id}/nics`, `<nic><name>nic1</name></nic>`);
  const disks: string[] = [];
  for (const [i, sd] of domains.entries()) {
    const att = await api.post(
      `vms/${id}/diskattachments`,
      `<disk_attachment><bootable>${i === 0}</bootable><interface>virtio_scsi</interface><disk><name>${name}_d${i}</name>` +
        `<provisioned_size>${GIB}</provisioned_size><format>raw</format>` +
        `<storage_domains><storage_domain id="${sd}"/></storage_domains></disk></disk_attachment>`,
    );
    expect(att.status).toBe(201);
    const diskId = refId(entityOf(att, "disk_attachment").disk);
    await until(api, `disks/${diskId}`, statusIs("ok"));
    disks.push(diskId);
  }
  return { id, disks };
}

async function toMaintenance(sd: string) {
  expect((await api.post(`datacenters/${dcId}/storagedomains/${sd}/deactivate`, "<action/>")).status).toBe(
    200,
  );
  await until(api, `datacenters/${dcId}/storagedomains/${sd}`, statusIs("maintenance"));
}

beforeAll(async () => {
  const stateDir = tempStateDir("detach");
  dataPlane = tempStateDir("detach-plane");
  engine = await launchEngine({
    version: "4.3",
    port: 0,
    stateDir,
    adminPassword: ADMIN_PASSWORD,
    timeScale: 0,
    hostname: "localhost",
    dataPlane,
  });
  api = await ApiClient.connect(engine);
  const dc = await api.post("datacenters", "<data_center><name>dc</name><local>false</local></data_center>");
  dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  clusterId = String(entityOf(cl, "cluster").id);
  await addHost(api, dataPlane, "node", clusterId);
}, 60_000);

afterAll(async () => {
  await engine?.close();
});

test("detach removes the domain's VMs, NICs, attachments and floating disks from the engine, not from storage", async () => {
  const keep = await domain("keep");
  const leave = await domain("leave");
  const only = await vmWithDisks("only-here", [leave]);
  const both = await vmWithDisks("both", [keep, leave]);
  const elsewhere = await vmWithDisks("elsewhere", [keep]);
  const floating = await api.post(
    "disks",
    `<disk><name>loose</name><provisioned_size>${GIB}</provisioned_size><format>raw</format>` +
      `<storage_domains><storage_domain id="${leave}"/></storage_domains></disk>`,
  );
  expect(floating.status).toBe(201);
  const looseId = String(entityOf(floating, "disk").id);
  await until(api, `disks/${looseId}`, statusIs("ok"));
  // A delete-protected VM with all its disks here refuses the detach, before anything else.
  const guarded = await vmWithDisks("guarded", [leave], "<delete_protected>true</delete_protected>");
  await toMaintenance(leave);
  const refused = await api.delete(`datacenters/${dcId}/storagedomains/${leave}`);
  expect({ status: refused.status, ...faultOf(refused) }).toEqual({
    status: 409,
    reason: "Operation Failed",
    detail: "[Cannot detach Storage. The following VMs/Templates are delete protected: guarded.]",
  });
  expect(
    (await api.put(`vms/${guarded.id}`, "<vm><delete_protected>false</delete_protected></vm>")).status,
  ).toBe(200);

  const dir = domainDir(dataPlane, { connection: "depot.lab:/exports/leave" }, leave);
  const images = fs.readdirSync(`${dir}/images`).sort();
  const cid = "detach-leave";
  const detached = await api.delete(`datacenters/${dcId}/storagedomains/${leave}`, { "correlation-id": cid });
  expect(detached.status).toBe(200);

  // Gone from the engine: the VMs with all disks here, their NICs, attachments and disks.
  for (const v of [only, guarded]) {
    expect((await api.get(`vms/${v.id}`)).status).toBe(404);
    for (const d of v.disks) expect((await api.get(`disks/${d}`)).status).toBe(404);
  }
  expect((await api.get(`disks/${looseId}`)).status).toBe(404);
  // A VM with a disk on another domain stays, with that disk only.
  const atts = (await api.as("json").get(`vms/${both.id}/diskattachments`)).parsed().disk_attachment as Obj[];
  expect(atts.map((a) => refId(a.disk))).toEqual([both.disks[0]]);
  expect((await api.get(`disks/${both.disks[1]}`)).status).toBe(404);
  expect((await api.get(`vms/${elsewhere.id}`)).status).toBe(200);
  const names = ((await api.as("json").get("vms")).parsed().vm as Obj[]).map((v) => v.name).sort();
  expect(names).toEqual(["both", "elsewhere"]);

  // Storage untouched: images and OVFs, so the domain lists those VMs as unregistered.
  expect(fs.readdirSync(`${dir}/images`).sort()).toEqual(images);
  expect([...readOvfs(dir).keys()].sort()).toEqual([only.id, both.id, guarded.id].sort());
  const unreg = (await api.as("json").get(`storagedomains/${leave}/vms?unregistered=true`)).parsed()
    .vm as Obj[];
  expect(unreg.map((v) => v.name).sort()).toEqual(["guarded", "only-here"]);
  const sd = entityOf(await api.get(`storagedomains/${leave}`), "storage_domain");
  expect(sd.status).toBe("unattached");

  expect((await jobsOf(api, cid)).map((j) => [j.description, j.status])).toEqual([
    ["Detaching Storage Domain leave from Data Center dc", "finished"],
  ]);
  expect((await eventsOf(api, cid)).map((e) => e.description)).toEqual([
    "Storage Domain leave was detached from Data Center dc by admin@internal-authz",
  ]);
});
