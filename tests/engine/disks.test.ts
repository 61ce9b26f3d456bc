// Disks and disk attachments over HTTP: inline disks on a storage domain (locked -> ok), the image
// files on the shared data plane (raw: sparse file of the provisioned size; cow: a qcow2 header),
// grow and the refused shrink, /disks add/get/remove, the VM's OVF in the domain, and templates
// (Blank, add from a VM: locked -> ok, a VM from a template, removal rules). Shapes against samples.
import fs from "node:fs";
import path from "node:path";
import { diskFile, qcowVirtualSize } from "../../simulator/api/disks/files";
import { ovfToDefinition } from "../../simulator/dataplane/ovf";
import { domainDir, readOvfs } from "../../simulator/dataplane/storage";
import type { RunningEngine } from "../../simulator/engine";
import { SETUP_IDS } from "../../simulator/setup";
import { ApiClient, entityOf, faultOf, refId, sample, startInProcess, tempStateDir } from "./support/engine";
import { compareShapes, jsonShape, xmlShape } from "./support/structure";
import { dataPlaneOf, seedHost, statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;
const GIB = 1024 ** 3;
const CONNECTION = "depot.lab:/exports/vmdata";

let engine: RunningEngine;
let api: ApiClient;
let stateDir: string;
let clusterId: string;
let sdId: string;

async function addVm(name: string, template = "Blank"): Promise<string> {
  const res = await api.post(
    "vms",
    `<vm><name>${name}</name><cluster id="${clusterId}"/><template><name>${template}</name></template></vm>`,
  );
  expect(res.status).toBe(201);
  return String(entityOf(res, "vm").id);
}

function attachBody(size: number, format: "raw" | "cow", extra = "") {
  return (
    `<disk_attachment><bootable>true</bootable><interface>virtio_scsi</interface>` +
    `<disk><provisioned_size>${size}</provisioned_size><format>${format}</format>${extra}` +
    `<storage_domains><storage_domain id="${sdId}"/></storage_domains></disk></disk_attachment>`
  );
}

/** The image file of a disk, as the engine lays it out. */
function imageOf(disk: Obj): string {
  const file = diskFile(
    {
      dataPlane: dataPlaneOf(stateDir),
      store: { get: () => ({ id: sdId, connection: CONNECTION }) },
    } as never,
    {
      id: String(disk.id),
      image_id: String(disk.image_id),
      storage_domains: [{ id: sdId }],
    } as never,
  );
  return file!;
}

beforeAll(async () => {
  stateDir = tempStateDir("disks");
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
  const dc = await api.post(
    "datacenters",
    "<data_center><name>disk-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>disk-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  clusterId = String(entityOf(cl, "cluster").id);
  seedHost(stateDir, "calvin", clusterId, "up");
  const sd = await api.post(
    "storagedomains",
    `<storage_domain><name>vmdata</name><type>data</type><host><name>calvin</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/vmdata</path></storage></storage_domain>`,
  );
  expect(sd.status).toBe(201);
  sdId = String(entityOf(sd, "storage_domain").id);
  const att = await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  expect(att.status).toBe(201);
  await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));
});

afterAll(async () => {
  await engine?.close();
});

describe("disk attachments", () => {
  test("an inline raw disk is locked, then ok, and is a sparse file of its provisioned size", async () => {
    const vm = await addVm("d1");
    const res = await api.post(`vms/${vm}/diskattachments`, attachBody(GIB, "raw"));
    expect(res.status).toBe(201);
    const att = entityOf(res, "disk_attachment");
    expect(String(att.bootable)).toBe("true");
    expect(att.interface).toBe("virtio_scsi");
    const diskId = refId(att.disk);
    expect(String(att.id)).toBe(diskId);
    const disk = await until(api, `disks/${diskId}`, statusIs("ok"));
    expect(disk!.alias).toBe("d1_Disk1");
    expect(disk!.provisioned_size).toBe(GIB);
    expect(disk!.format).toBe("raw");
    expect(disk!.sparse).toBe("true");
    const file = imageOf(disk!);
    expect(file).toBe(
      path.join(
        domainDir(dataPlaneOf(stateDir), { connection: CONNECTION }, sdId),
        "images",
        diskId,
        String(disk!.image_id),
      ),
    );
    expect(fs.statSync(file).size).toBe(GIB);
  });

  test("a cow disk is a qcow2 header carrying the virtual size; it grows, never shrinks", async () => {
    const vm = await addVm("d2");
    const res = await api.post(
      `vms/${vm}/diskattachments`,
      attachBody(2 * GIB, "cow", "<name>d2_boot</name>"),
    );
    const diskId = refId(entityOf(res, "disk_attachment").disk);
    const disk = await until(api, `disks/${diskId}`, statusIs("ok"));
    expect(disk!.alias).toBe("d2_boot");
    expect(disk!.qcow_version).toBe("qcow2_v3");
    const file = imageOf(disk!);
    expect(fs.statSync(file).size).toBeLessThan(4096);
    expect(qcowVirtualSize(file)).toBe(2 * GIB);
    let upd = await api.put(
      `vms/${vm}/diskattachments/${diskId}`,
      `<disk_attachment><disk><provisioned_size>${3 * GIB}</provisioned_size></disk></disk_attachment>`,
    );
    expect(upd.status).toBe(200);
    const grown = await until(
      api,
      `disks/${diskId}`,
      (d) => d?.status === "ok" && d.provisioned_size === 3 * GIB,
    );
    expect(qcowVirtualSize(imageOf(grown!))).toBe(3 * GIB);
    upd = await api.put(
      `vms/${vm}/diskattachments/${diskId}`,
      `<disk_attachment><disk><provisioned_size>${GIB}</provisioned_size></disk></disk_attachment>`,
    );
    expect(upd.status).toBe(400);
    expect(faultOf(upd)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot edit Virtual Disk. New disk size must be larger than the current disk size.]",
    });
  });

  test("removing the VM removes its disks and their files", async () => {
    const vm = await addVm("d3");
    const res = await api.post(`vms/${vm}/diskattachments`, attachBody(GIB, "raw"));
    const diskId = refId(entityOf(res, "disk_attachment").disk);
    const disk = await until(api, `disks/${diskId}`, statusIs("ok"));
    const file = imageOf(disk!);
    expect(fs.existsSync(file)).toBe(true);
    expect((await api.delete(`vms/${vm}`)).status).toBe(200);
    expect((await api.get(`disks/${diskId}`)).status).toBe(404);
    expect(fs.existsSync(file)).toBe(false);
  });

  test("mandatory members and an unknown storage domain", async () => {
    const vm = await addVm("d4");
    let res = await api.post(
      `vms/${vm}/diskattachments`,
      "<disk_attachment><disk><format>raw</format></disk></disk_attachment>",
    );
    expect(faultOf(res).detail).toBe(
      "Parameter 'disk_attachment.interface' is mandatory but was not provided.",
    );
    res = await api.post(
      `vms/${vm}/diskattachments`,
      "<disk_attachment><interface>virtio</interface><disk><format>raw</format>" +
        '<storage_domains><storage_domain id="' +
        SETUP_IDS.defaultCluster +
        '"/></storage_domains></disk></disk_attachment>',
    );
    expect(faultOf(res).detail).toBe(
      "Parameter 'disk_attachment.disk.provisioned_size' is mandatory but was not provided.",
    );
    res = await api.post(
      `vms/${vm}/diskattachments`,
      `<disk_attachment><interface>virtio</interface><disk><format>raw</format><provisioned_size>1024</provisioned_size>` +
        `<storage_domains><storage_domain id="${SETUP_IDS.defaultCluster}"/></storage_domains></disk></disk_attachment>`,
    );
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe("[Cannot add Virtual Disk. Storage Domain doesn't exist.]");
    const idle = await api.post(
      "storagedomains",
      `<storage_domain><name>idle</name><type>data</type><host><name>calvin</name></host>` +
        `<storage><type>nfs</type><address>depot.lab</address><path>/exports/idle</path></storage></storage_domain>`,
    );
    res = await api.post(
      `vms/${vm}/diskattachments`,
      `<disk_attachment><interface>virtio</interface><disk><format>raw</format><provisioned_size>1024</provisioned_size>` +
        `<storage_domains><storage_domain id="${String(entityOf(idle, "storage_domain").id)}"/></storage_domains></disk></disk_attachment>`,
    );
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe(
      "[Cannot add Virtual Disk. The relevant Storage Domain's status is Unattached.]",
    );
  });

  test("the VM's definition is written as an OVF into its domain", async () => {
    const vm = await addVm("ovf1");
    await api.post(`vms/${vm}/nics`, "<nic><name>nic1</name></nic>");
    const res = await api.post(`vms/${vm}/diskattachments`, attachBody(GIB, "raw"));
    await until(api, `disks/${refId(entityOf(res, "disk_attachment").disk)}`, statusIs("ok"));
    const ovfs = readOvfs(domainDir(dataPlaneOf(stateDir), { connection: CONNECTION }, sdId));
    const def = ovfToDefinition(ovfs.get(vm)!);
    expect(def?.vm.name).toBe("ovf1");
    expect(def?.nics.map((n) => n.name)).toEqual(["nic1"]);
    expect(def?.disks).toHaveLength(1);
    expect(ovfs.get(vm)).toContain("<Name>ovf1</Name>");
    await api.delete(`vms/${vm}`);
    expect(readOvfs(domainDir(dataPlaneOf(stateDir), { connection: CONNECTION }, sdId)).has(vm)).toBe(false);
  });
});

describe("/disks", () => {
  test("add, get, search and remove a floating disk", async () => {
    const res = await api.post(
      "disks",
      `<disk><name>floating</name><format>raw</format><provisioned_size>${GIB}</provisioned_size>` +
        `<storage_domains><storage_domain><name>vmdata</name></storage_domain></storage_domains></disk>`,
    );
    expect(res.status).toBe(201);
    const disk = entityOf(res, "disk");
    expect(disk.status).toBe("locked");
    const id = String(disk.id);
    const ok = await until(api, `disks/${id}`, statusIs("ok"));
    expect(fs.statSync(imageOf(ok!)).size).toBe(GIB);
    const found = await api.as("json").get("disks?search=alias%3Dfloating");
    expect(((found.parsed().disk as Obj[]) ?? []).map((d) => d.id)).toEqual([id]);
    expect((await api.delete(`disks/${id}`)).status).toBe(200);
    expect(fs.existsSync(imageOf(ok!))).toBe(false);
    const missing = await api.post(
      "disks",
      `<disk><name>x</name><provisioned_size>1</provisioned_size></disk>`,
    );
    expect(faultOf(missing).detail).toBe("Parameter 'disk.format' is mandatory but was not provided.");
  });

  test("disks and attachments have the shapes of samples/disks.xml and vm_diskattachments.xml", async () => {
    const vm = await addVm("shape-d");
    const res = await api.post(`vms/${vm}/diskattachments`, attachBody(GIB, "cow"));
    const diskId = refId(entityOf(res, "disk_attachment").disk);
    await until(api, `disks/${diskId}`, statusIs("ok"));
    const disks = await api.get("disks?search=alias%3Dshape-d_Disk1");
    const dDiff = compareShapes(xmlShape(sample("disks.xml")), xmlShape(disks.body));
    expect(dDiff).toEqual({
      missing: [
        "disk/disk_profile",
        "disk/disk_profile/href",
        "disk/disk_profile/id",
        "disk/quota",
        "disk/quota/href",
        "disk/quota/id",
      ],
      extra: [],
    });
    const atts = await api.get(`vms/${vm}/diskattachments`);
    expect(compareShapes(xmlShape(sample("vm_diskattachments.xml")), xmlShape(atts.body))).toEqual({
      missing: [],
      extra: [],
    });
    for (const p of ["disks?search=alias%3Dshape-d_Disk1", `vms/${vm}/diskattachments`]) {
      const xml = await api.get(p);
      const json = await api.as("json").get(p);
      expect(compareShapes(xmlShape(xml.body), jsonShape(json.body))).toEqual({ missing: [], extra: [] });
    }
  });
});

describe("templates", () => {
  test("a template copies the VM's disks; a VM made from it is image_locked until its copies are ok", async () => {
    const vm = await addVm("base-d");
    const att = await api.post(
      `vms/${vm}/diskattachments`,
      attachBody(2 * GIB, "cow", "<name>base-d_os</name>"),
    );
    const srcDisk = refId(entityOf(att, "disk_attachment").disk);
    await until(api, `disks/${srcDisk}`, statusIs("ok"));
    const t = await api.post("templates", `<template><name>base-t</name><vm id="${vm}"/></template>`);
    const tid = String(entityOf(t, "template").id);
    await until(api, `templates/${tid}`, statusIs("ok"));
    const copies = (await api.as("json").get("disks?search=alias%3Dbase-d_os")).parsed().disk as Obj[];
    expect(copies).toHaveLength(2);
    const res = await api.post(
      "vms",
      `<vm><name>from-base</name><cluster id="${clusterId}"/><template id="${tid}"/></vm>`,
    );
    expect(res.status).toBe(201);
    expect(entityOf(res, "vm").status).toBe("image_locked");
    const child = String(entityOf(res, "vm").id);
    await until(api, `vms/${child}`, statusIs("down"));
    const atts = (await api.as("json").get(`vms/${child}/diskattachments`)).parsed().disk_attachment as Obj[];
    expect(atts.map((a) => [a.bootable, a.interface])).toEqual([["true", "virtio_scsi"]]);
    const copy = (await api.as("json").get(`disks/${refId(atts[0].disk)}`)).parsed();
    expect(copy).toMatchObject({
      alias: "base-d_os",
      status: "ok",
      provisioned_size: 2 * GIB,
      format: "cow",
    });
    expect(copy.id).not.toBe(srcDisk);
    expect(qcowVirtualSize(imageOf(copy))).toBe(2 * GIB);
    await api.delete(`vms/${child}`);
    expect((await api.delete(`templates/${tid}`)).status).toBe(200);
    const left = (await api.as("json").get("disks?search=alias%3Dbase-d_os")).parsed().disk as Obj[];
    expect(left.map((d) => d.id)).toEqual([srcDisk]);
  });

  test("Blank is listed with the nil id", async () => {
    const res = await api.as("json").get("templates");
    const blank = ((res.parsed().template as Obj[]) ?? []).find((t) => t.name === "Blank");
    expect(blank?.id).toBe(SETUP_IDS.blankTemplate);
    expect(blank?.status).toBe("ok");
    expect(blank?.memory).toBe(GIB);
    const xml = await api.get(`templates/${SETUP_IDS.blankTemplate}`);
    const json = await api.as("json").get(`templates/${SETUP_IDS.blankTemplate}`);
    expect(compareShapes(xmlShape(xml.body), jsonShape(json.body))).toEqual({ missing: [], extra: [] });
  });

  test("a template from a VM is locked, then ok; a VM made from it copies its configuration", async () => {
    const vm = await addVm("golden");
    await api.put(`vms/${vm}`, "<vm><memory>2147483648</memory><os><type>rhel_8x64</type></os></vm>");
    const res = await api.post("templates", `<template><name>golden-t</name><vm id="${vm}"/></template>`);
    expect(res.status).toBe(201);
    const t = entityOf(res, "template");
    expect(t.status).toBe("locked");
    await until(api, `templates/${String(t.id)}`, statusIs("ok"));
    await until(api, `vms/${vm}`, statusIs("down"));
    const child = await addVm("from-golden", "golden-t");
    const c = (await api.as("json").get(`vms/${child}`)).parsed();
    expect(c.memory).toBe(2 * GIB);
    expect((c.os as Obj).type).toBe("rhel_8x64");
    expect(refId(c.template)).toBe(String(t.id));
    const del = await api.delete(`templates/${String(t.id)}`);
    expect(del.status).toBe(409);
    expect(faultOf(del).detail).toBe(
      "[Cannot delete Template. Template is being used by the following VMs: from-golden.]",
    );
    const blank = await api.delete(`templates/${SETUP_IDS.blankTemplate}`);
    expect(faultOf(blank).detail).toBe("[Cannot remove Template. Removing Blank Template is not allowed.]");
    await api.delete(`vms/${child}`);
    expect((await api.delete(`templates/${String(t.id)}`)).status).toBe(200);
  });
});
