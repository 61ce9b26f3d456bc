// The storage move of the 4.3 -> 4.4 migration on the shared data plane: a data domain made and used
// by a 4.3 engine is put in maintenance, detached and removed there without format; a 4.4 engine
// started with the same --data-plane imports it from the same path with its id, name and OVF store.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { domainDir, readOvfs, writeOvf } from "../../simulator/dataplane/storage";
import { ADMIN_PASSWORD, ApiClient, entityOf, faultOf, tempStateDir } from "./support/engine";
import { addHost, statusIs, until } from "./storage-fixtures";

const body = (name: string, host: string) =>
  `<storage_domain><name>${name}</name><type>data</type><host><name>${host}</name></host>` +
  `<storage><type>glusterfs</type><path>gluster1.lab:/rhv4vol</path><vfs_type>glusterfs</vfs_type></storage></storage_domain>`;

let dataPlane: string;
const engines: RunningEngine[] = [];

async function engineWithDc(version: "4.3" | "4.4"): Promise<{ api: ApiClient; dc: string }> {
  const stateDir = tempStateDir(`imp-${version}`);
  const engine = await launchEngine({
    version,
    port: 0,
    stateDir,
    adminPassword: ADMIN_PASSWORD,
    timeScale: 0,
    hostname: "localhost",
    dataPlane,
  });
  engines.push(engine);
  const api = await ApiClient.connect(engine);
  const dc = await api.post("datacenters", "<data_center><name>lab</name><local>false</local></data_center>");
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>oVirt_Cluster</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  // One engine manages a machine at a time: each engine gets its own host.
  await addHost(api, dataPlane, `node${version.replace(".", "")}`, String(entityOf(cl, "cluster").id));
  return { api, dc: dcId };
}

beforeAll(() => {
  dataPlane = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-dataplane-"));
});

afterAll(async () => {
  for (const e of engines) await e.close();
  fs.rmSync(dataPlane, { recursive: true, force: true });
});

test("a domain detached from the 4.3 engine is imported by the 4.4 engine with its id, name and VMs", async () => {
  const legacy = await engineWithDc("4.3");
  const made = await legacy.api.post("storagedomains", body("rhv4vol", "node43"));
  expect(made.status).toBe(201);
  const sdId = String(entityOf(made, "storage_domain").id);
  await legacy.api.post(`datacenters/${legacy.dc}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(legacy.api, `datacenters/${legacy.dc}/storagedomains/${sdId}`, statusIs("active"));
  // The VM area writes VM definitions into the domain's OVF store.
  const dir = domainDir(dataPlane, { connection: "gluster1.lab:/rhv4vol" }, sdId);
  writeOvf(dir, "0a1b2c3d-0000-4000-8000-000000000001", "<ovf:Envelope>ipa</ovf:Envelope>");

  // While the 4.3 engine still has it, the 4.4 engine can import it from storage too (DR), but this
  // lab moves it cleanly: maintenance, detach, remove without format.
  await legacy.api.post(`datacenters/${legacy.dc}/storagedomains/${sdId}/deactivate`, "<action/>");
  await until(legacy.api, `datacenters/${legacy.dc}/storagedomains/${sdId}`, statusIs("maintenance"));
  expect((await legacy.api.delete(`datacenters/${legacy.dc}/storagedomains/${sdId}`)).status).toBe(200);
  expect((await legacy.api.delete(`storagedomains/${sdId}?host=node43&format=false`)).status).toBe(200);

  const target = await engineWithDc("4.4");
  const imported = await target.api.post("storagedomains", body("ignored-for-imports", "node44"));
  expect(imported.status).toBe(201);
  const sd = entityOf(imported, "storage_domain");
  expect(sd.id).toBe(sdId);
  expect(sd.name).toBe("rhv4vol");
  expect(sd.status).toBe("unattached");
  const again = await target.api.post("storagedomains", body("rhv4vol", "node44"));
  expect(faultOf(again).detail).toBe("[Cannot add Storage. The Storage Domain already exists.]");

  await target.api.post(`datacenters/${target.dc}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  const active = await until(
    target.api,
    `datacenters/${target.dc}/storagedomains/${sdId}`,
    statusIs("active"),
  );
  expect(active?.master).toBe("true");
  expect([...readOvfs(dir).keys()]).toEqual(["0a1b2c3d-0000-4000-8000-000000000001"]);
});
