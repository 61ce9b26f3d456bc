// The listing half of `discover` for legacy ISO domains: listIsoFiles over an engine process lists
// the images in an NFS ISO domain (what a lab would move to a 4.4 data domain as IsoImage
// resources) and refuses a data domain, naming its type. (The `discover` command itself does not
// exist yet.)
import fs from "node:fs";
import path from "node:path";
import { OvirtClient } from "../../providers/ovirt/client";
import { newOperation } from "../../providers/ovirt/context";
import { listIsoFiles } from "../../providers/ovirt/isofiles";
import { ISO_IMAGE_UUID } from "../../simulator/api/imagetransfers/isofiles";
import { domainDir } from "../../simulator/dataplane/storage";
import { ApiClient, entityOf } from "../engine/support/engine";
import { dataPlaneOf, seedHost } from "../engine/storage-fixtures";
import { freshEngine, type Engine } from "./support";

let engine: Engine;
let api: ApiClient;
let client: OvirtClient;
let isoId = "";

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
  engine = await freshEngine("4.4");
  api = await ApiClient.connect({
    url: engine.url,
    caPem: engine.caPem,
    adminPassword: engine.adminPassword,
  });
  client = new OvirtClient({
    url: engine.url,
    caPem: engine.caPem,
    username: "admin@internal",
    password: engine.adminPassword,
  });
  const dc = await api.post(
    "datacenters",
    "<data_center><name>d-dc</name><local>false</local></data_center>",
  );
  const cl = await api.post(
    "clusters",
    `<cluster><name>d-cl</name><data_center id="${String(entityOf(dc, "data_center").id)}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  seedHost(engine.stateDir, "moe", String(entityOf(cl, "cluster").id), "up");
  isoId = await addDomain("legacy-iso", "iso", "/exports/iso");
  await addDomain("newdata", "data", "/exports/newdata");
  const dir = path.join(
    domainDir(dataPlaneOf(engine.stateDir), { connection: "depot.lab:/exports/iso" }, isoId),
    "images",
    ISO_IMAGE_UUID,
  );
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "virtio-win.iso"), Buffer.alloc(4096, 1));
  fs.writeFileSync(path.join(dir, "CentOS-8.iso"), Buffer.alloc(4096, 2));
}, 120_000);

afterAll(async () => {
  await client?.close();
  await engine?.stop();
});

test("listIsoFiles lists an ISO domain by name and refuses a data domain, naming its type", async () => {
  const ctx = newOperation("test", 30_000);
  const files = await listIsoFiles(client.conn, client.storagedomains, ctx, "legacy-iso");
  expect(files).toEqual([
    { name: "CentOS-8.iso", storageDomainId: isoId, storageDomainName: "legacy-iso" },
    { name: "virtio-win.iso", storageDomainId: isoId, storageDomainName: "legacy-iso" },
  ]);
  expect(await listIsoFiles(client.conn, client.storagedomains, ctx, isoId)).toHaveLength(2);
  await expect(listIsoFiles(client.conn, client.storagedomains, ctx, "newdata")).rejects.toThrow(
    /storage domain newdata on engine ".*" is a data domain, not an ISO domain/,
  );
  await expect(listIsoFiles(client.conn, client.storagedomains, ctx, "nosuch")).rejects.toThrow(
    "has no storage domain named nosuch",
  );
});
