// Legacy ISO domains: /storagedomains/{id}/files lists the images in the domain's fixed ISO image
// directory (images/11111111-1111-1111-1111-111111111111), XML and JSON, one file by name, 404 for
// an unknown one, nothing for a data domain. (The client's listIsoFiles: tests/providers/isoimage-discover.)
import fs from "node:fs";
import path from "node:path";
import { ISO_IMAGE_UUID } from "../../simulator/api/imagetransfers/isofiles";
import { domainDir } from "../../simulator/dataplane/storage";
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, startInProcess, tempStateDir } from "./support/engine";
import { dataPlaneOf, seedHost } from "./storage-fixtures";

let engine: RunningEngine;
let api: ApiClient;
let stateDir: string;
let isoId = "";
let dataId = "";

async function addDomain(name: string, type: "iso" | "data", exportPath: string): Promise<string> {
  const res = await api.post(
    "storagedomains",
    `<storage_domain><name>${name}</name><type>${type}</type><host><name>moe</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>${exportPath}</path></storage></storage_domain>`,
  );
  expect(res.status).toBe(201);
  return String(entityOf(res, "storage_domain").id);
}

beforeAll(async () => {
  stateDir = tempStateDir("isofiles");
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
  const dc = await api.post(
    "datacenters",
    "<data_center><name>if-dc</name><local>false</local></data_center>",
  );
  const cl = await api.post(
    "clusters",
    `<cluster><name>if-cl</name><data_center id="${String(entityOf(dc, "data_center").id)}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  seedHost(stateDir, "moe", String(entityOf(cl, "cluster").id), "up");
  isoId = await addDomain("legacy-iso", "iso", "/exports/iso");
  dataId = await addDomain("newdata", "data", "/exports/newdata");
  const dir = path.join(
    domainDir(dataPlaneOf(stateDir), { connection: "depot.lab:/exports/iso" }, isoId),
    "images",
    ISO_IMAGE_UUID,
  );
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "virtio-win.iso"), Buffer.alloc(4096, 1));
  fs.writeFileSync(path.join(dir, "CentOS-8.iso"), Buffer.alloc(4096, 2));
  fs.mkdirSync(path.join(dir, "not-a-file"));
});

afterAll(async () => {
  await engine?.close();
});

test("the files of an ISO domain, in XML: id = name, the domain linked", async () => {
  const res = await api.get(`storagedomains/${isoId}/files`);
  expect(res.status).toBe(200);
  expect(res.body).toContain(
    `<file href="/ovirt-engine/api/storagedomains/${isoId}/files/CentOS-8.iso" id="CentOS-8.iso">`,
  );
  const files = (res.parsed().files as { file: Array<Record<string, unknown>> }).file;
  expect(files.map((f) => f.name)).toEqual(["CentOS-8.iso", "virtio-win.iso"]);
  expect((files[0].storage_domain as Record<string, string>)["@id"]).toBe(isoId);
});

test("JSON, one file by name, 404 for an unknown name, nothing on a data domain", async () => {
  const json = await api.as("json").get(`storagedomains/${isoId}/files`);
  expect((json.parsed().file as Array<{ id: string }>).map((f) => f.id)).toEqual([
    "CentOS-8.iso",
    "virtio-win.iso",
  ]);
  const one = await api.as("json").get(`storagedomains/${isoId}/files/virtio-win.iso`);
  expect(one.status).toBe(200);
  expect(one.parsed().name).toBe("virtio-win.iso");
  expect((await api.get(`storagedomains/${isoId}/files/nope.iso`)).status).toBe(404);
  const data = await api.as("json").get(`storagedomains/${dataId}/files`);
  expect(data.status).toBe(200);
  expect(data.parsed().file).toBeUndefined();
});
