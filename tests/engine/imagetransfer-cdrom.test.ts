// A VM's CD-ROM (/vms/{id}/cdroms): one device with the nil id, empty at first; media inserted by
// the id of an `iso` disk or the name of a file on an ISO domain, ejected with an empty id; bad
// media refused; `current=true` on a running VM changes only what it sees now.
import fs from "node:fs";
import path from "node:path";
import { ISO_IMAGE_UUID } from "../../simulator/api/imagetransfers/isofiles";
import { domainDir } from "../../simulator/dataplane/storage";
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, faultOf, startInProcess, tempStateDir } from "./support/engine";
import { dataPlaneOf, seedHost, statusIs, until } from "./storage-fixtures";

const NIL = "00000000-0000-0000-0000-000000000000";
let engine: RunningEngine;
let api: ApiClient;
let vmId = "";
let isoDiskId = "";
let dataDiskId = "";

beforeAll(async () => {
  const stateDir = tempStateDir("cdrom");
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
  const dc = await api.post(
    "datacenters",
    "<data_center><name>cd-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>cd-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  const clusterId = String(entityOf(cl, "cluster").id);
  seedHost(stateDir, "spaceman", clusterId, "up");
  const sd = await api.post(
    "storagedomains",
    `<storage_domain><name>cd-data</name><type>data</type><host><name>spaceman</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/cd</path></storage></storage_domain>`,
  );
  const sdId = String(entityOf(sd, "storage_domain").id);
  await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));
  const iso = await api.post(
    "storagedomains",
    `<storage_domain><name>cd-iso</name><type>iso</type><host><name>spaceman</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/cdiso</path></storage></storage_domain>`,
  );
  const isoSd = String(entityOf(iso, "storage_domain").id);
  const dir = path.join(
    domainDir(dataPlaneOf(stateDir), { connection: "depot.lab:/exports/cdiso" }, isoSd),
    "images",
    ISO_IMAGE_UUID,
  );
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "rescue.iso"), Buffer.alloc(2048));
  const disk = async (extra: string) => {
    const res = await api.post(
      "disks",
      `<disk><name>d${extra.length}</name>${extra}<format>raw</format><provisioned_size>1048576</provisioned_size>` +
        `<storage_domains><storage_domain id="${sdId}"/></storage_domains></disk>`,
    );
    return String(entityOf(res, "disk").id);
  };
  isoDiskId = await disk("<content_type>iso</content_type>");
  dataDiskId = await disk("");
  const vm = await api.post(
    "vms",
    `<vm><name>cd-vm</name><cluster id="${clusterId}"/><template><name>Blank</name></template></vm>`,
  );
  vmId = String(entityOf(vm, "vm").id);
});

afterAll(async () => {
  await engine?.close();
});

const fileOf = async (q = "") => {
  const res = await api.as("json").get(`vms/${vmId}/cdroms/${NIL}${q}`);
  expect(res.status).toBe(200);
  return (res.parsed().file as { id: string } | undefined)?.id;
};

test("one empty CD-ROM with the nil id", async () => {
  const res = await api.get(`vms/${vmId}/cdroms`);
  expect(res.status).toBe(200);
  expect(res.body).toContain(`<cdrom href="/ovirt-engine/api/vms/${vmId}/cdroms/${NIL}" id="${NIL}">`);
  expect(res.body).not.toContain("<file");
  expect(await fileOf()).toBeUndefined();
  expect((await api.get(`vms/${vmId}/cdroms/11111111-1111-1111-1111-111111111111`)).status).toBe(404);
});

test("insert an ISO disk, then an ISO domain file; eject", async () => {
  const put = await api.put(`vms/${vmId}/cdroms/${NIL}`, `<cdrom><file id="${isoDiskId}"/></cdrom>`);
  expect(put.status).toBe(200);
  expect(await fileOf()).toBe(isoDiskId);
  await api.put(`vms/${vmId}/cdroms/${NIL}`, `<cdrom><file id="rescue.iso"/></cdrom>`);
  expect(await fileOf()).toBe("rescue.iso");
  await api.put(`vms/${vmId}/cdroms/${NIL}`, `<cdrom><file id=""/></cdrom>`);
  expect(await fileOf()).toBeUndefined();
});

test("a data disk, an unknown file and a missing file id are refused", async () => {
  const data = await api.put(`vms/${vmId}/cdroms/${NIL}`, `<cdrom><file id="${dataDiskId}"/></cdrom>`);
  expect(data.status).toBe(400);
  expect(faultOf(data).detail).toBe(`The CD-ROM file id ${dataDiskId} is not the id of an ISO disk.`);
  const unknown = await api.put(`vms/${vmId}/cdroms/${NIL}`, `<cdrom><file id="nope.iso"/></cdrom>`);
  expect(unknown.status).toBe(400);
  const none = await api.put(`vms/${vmId}/cdroms/${NIL}`, `<cdrom/>`);
  expect(none.status).toBe(400);
  expect(faultOf(none).detail).toContain("cdrom.file.id");
});

test("current=true on a running VM changes only the running media", async () => {
  await api.put(`vms/${vmId}/cdroms/${NIL}`, `<cdrom><file id="${isoDiskId}"/></cdrom>`);
  expect((await api.post(`vms/${vmId}/start`, "<action/>")).status).toBe(200);
  await until(api, `vms/${vmId}`, statusIs("up"));
  await api.put(`vms/${vmId}/cdroms/${NIL}?current=true`, `<cdrom><file id="rescue.iso"/></cdrom>`);
  expect(await fileOf("?current=true")).toBe("rescue.iso");
  expect(await fileOf()).toBe(isoDiskId);
});
