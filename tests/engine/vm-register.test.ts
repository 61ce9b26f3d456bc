// Moving a VM between engines through its storage domain: the 4.3 engine writes the VM's OVF into
// the domain; the 4.4 engine, sharing the data plane, imports the domain, lists the VM with
// ?unregistered=true and registers it with cluster and vNIC profile mappings: same id, name, disk
// and MACs, event 174.
import fs from "node:fs";
import path from "node:path";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { ADMIN_PASSWORD, ApiClient, entityOf, faultOf, refId, tempStateDir } from "./support/engine";
import { seedHost, statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;
const GIB = 1024 ** 3;

let legacy: RunningEngine;
let target: RunningEngine;
let oldApi: ApiClient;
let newApi: ApiClient;
let dataPlane: string;

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
  `<storage_domain><name>moving</name><type>data</type><host><name>${host}</name></host>` +
  `<storage><type>nfs</type><address>depot.lab</address><path>/exports/moving</path></storage></storage_domain>`;

beforeAll(async () => {
  dataPlane = tempStateDir("shared-plane");
  const oldState = tempStateDir("legacy");
  const newState = tempStateDir("target");
  legacy = await start("4.3", oldState);
  target = await start("4.4", newState);
  oldApi = await ApiClient.connect(legacy);
  newApi = await ApiClient.connect(target);
  const a = await site(oldApi, oldState, "old");
  const b = await site(newApi, newState, "new");
  Object.assign(ctx, { a, b });
}, 60_000);

const ctx: { a?: { dcId: string; clusterId: string }; b?: { dcId: string; clusterId: string } } = {};

afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

test("a VM written by the 4.3 engine is registered by the 4.4 engine with the same id, name, disk and MACs", async () => {
  const { a, b } = ctx as Required<typeof ctx>;
  // The legacy side: a domain, a VM with a NIC and a disk on it.
  const sd = await oldApi.post("storagedomains", SD_BODY("old-host"));
  expect(sd.status).toBe(201);
  const sdId = String(entityOf(sd, "storage_domain").id);
  await oldApi.post(`datacenters/${a.dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(oldApi, `datacenters/${a.dcId}/storagedomains/${sdId}`, statusIs("active"));
  const oldProfiles = (await oldApi.as("json").get("vnicprofiles")).parsed().vnic_profile as Obj[];
  const oldProfile = oldProfiles[0];
  const vmRes = await oldApi.post(
    "vms",
    `<vm><name>satellite</name><cluster id="${a.clusterId}"/><template><name>Blank</name></template><memory>4294967296</memory></vm>`,
  );
  const vmId = String(entityOf(vmRes, "vm").id);
  const nic = await oldApi.post(
    `vms/${vmId}/nics`,
    `<nic><name>nic1</name><vnic_profile id="${String(oldProfile.id)}"/></nic>`,
  );
  const mac = String((entityOf(nic, "nic").mac as Obj).address);
  const att = await oldApi.post(
    `vms/${vmId}/diskattachments`,
    `<disk_attachment><bootable>true</bootable><interface>virtio_scsi</interface><disk><name>satellite_os</name>` +
      `<provisioned_size>${GIB}</provisioned_size><format>raw</format>` +
      `<storage_domains><storage_domain id="${sdId}"/></storage_domains></disk></disk_attachment>`,
  );
  const diskId = refId(entityOf(att, "disk_attachment").disk);
  await until(oldApi, `disks/${diskId}`, statusIs("ok"));
  const onDomain = await oldApi.as("json").get(`storagedomains/${sdId}/vms`);
  expect(((onDomain.parsed().vm as Obj[]) ?? []).map((v) => v.id)).toEqual([vmId]);
  // Leave the legacy engine: maintenance, detach.
  const deact = await oldApi.post(`datacenters/${a.dcId}/storagedomains/${sdId}/deactivate`, "<action/>");
  expect(deact.status).toBe(200);
  await until(oldApi, `datacenters/${a.dcId}/storagedomains/${sdId}`, statusIs("maintenance"));
  expect((await oldApi.delete(`datacenters/${a.dcId}/storagedomains/${sdId}`)).status).toBe(200);

  // The target side: import the same path, attach, list and register.
  const imported = await newApi.post("storagedomains", SD_BODY("new-host"));
  expect(imported.status).toBe(201);
  expect(String(entityOf(imported, "storage_domain").id)).toBe(sdId);
  await newApi.post(`datacenters/${b.dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(newApi, `datacenters/${b.dcId}/storagedomains/${sdId}`, statusIs("active"));
  const unreg = await newApi.as("json").get(`storagedomains/${sdId}/vms?unregistered=true`);
  const listed = (unreg.parsed().vm as Obj[]) ?? [];
  expect(listed.map((v) => [v.id, v.name])).toEqual([[vmId, "satellite"]]);
  expect(String(listed[0].href)).toBe(`/ovirt-engine/api/storagedomains/${sdId}/vms/${vmId}`);

  const newProfiles = (await newApi.as("json").get("vnicprofiles")).parsed().vnic_profile as Obj[];
  const newProfile = newProfiles[0];
  const reg = await newApi.post(
    `storagedomains/${sdId}/vms/${vmId}/register`,
    `<action><registration_configuration>` +
      `<cluster_mappings><registration_cluster_mapping><from><name>old-cl</name></from><to><name>new-cl</name></to></registration_cluster_mapping></cluster_mappings>` +
      `<vnic_profile_mappings><registration_vnic_profile_mapping><from><name>${String(oldProfile.name)}</name></from>` +
      `<to id="${String(newProfile.id)}"/></registration_vnic_profile_mapping></vnic_profile_mappings>` +
      `</registration_configuration></action>`,
  );
  expect(reg.status).toBe(200);
  expect((reg.parsed().action as Obj).status).toBe("complete");
  const vm = (await newApi.as("json").get(`vms/${vmId}`)).parsed();
  expect(vm).toMatchObject({ id: vmId, name: "satellite", status: "down", memory: 4 * GIB });
  expect(refId(vm.cluster)).toBe(b.clusterId);
  const nics = (await newApi.as("json").get(`vms/${vmId}/nics`)).parsed().nic as Obj[];
  expect(nics.map((n) => [n.name, (n.mac as Obj).address, refId(n.vnic_profile)])).toEqual([
    ["nic1", mac, String(newProfile.id)],
  ]);
  const disk = (await newApi.as("json").get(`disks/${diskId}`)).parsed();
  expect(disk).toMatchObject({ alias: "satellite_os", status: "ok", provisioned_size: GIB });
  const events = (await newApi.as("json").get("events?search=type%3D174")).parsed().event as Obj[];
  expect(events.map((e) => e.description)).toEqual([
    "VM satellite has been successfully imported from the given configuration.",
  ]);
  // The image is the same file on the shared storage, and the VM can start on the new host.
  const img = path.join(dataPlane, "storage", "depot.lab:_exports_moving", sdId, "images", diskId);
  expect(fs.readdirSync(img)).toHaveLength(1);
  expect((await newApi.post(`vms/${vmId}/start`, "<action/>")).status).toBe(200);
  await until(newApi, `vms/${vmId}`, statusIs("up"));
  // Registered once: listed no more, and a second register is the engine's conflict.
  expect(
    (await newApi.as("json").get(`storagedomains/${sdId}/vms?unregistered=true`)).parsed().vm,
  ).toBeUndefined();
  const again = await newApi.post(`storagedomains/${sdId}/vms/${vmId}/register`, "<action/>");
  expect(again.status).toBe(409);
  expect(faultOf({ ...again, parsed: () => again.parsed().action as Obj }).detail).toBe(
    "[Import VM failed - VM ID already exists in the system. Please remove the VM (satellite) from the system first]",
  );
});
