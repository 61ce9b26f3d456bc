// Issue 3's storage gaps on the seeded 4.3 lab: /storageconnections add, update and remove with the
// engine's rules and texts, and /storagedomains/{sd}/disks (the disks whose images are on a domain).
import path from "node:path";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { ADMIN_PASSWORD, ApiClient, entityOf, faultOf, tempStateDir } from "./support/engine";

type Obj = Record<string, unknown>;
const SEED = path.resolve(__dirname, "../../simulator/seeds/seed-lab-4.3.yaml");

let engine: RunningEngine;
let api: ApiClient;
let domains: Record<string, Obj>;

beforeAll(async () => {
  engine = await launchEngine({
    version: "4.3",
    port: 0,
    stateDir: tempStateDir("storage-gaps"),
    adminPassword: ADMIN_PASSWORD,
    timeScale: 0,
    hostname: "localhost",
    seed: SEED,
  });
  api = await ApiClient.connect(engine);
  const res = await api.as("json").get("storagedomains");
  domains = Object.fromEntries(
    ((JSON.parse(res.body) as { storage_domain: Obj[] }).storage_domain ?? []).map((d) => [
      String(d.name),
      d,
    ]),
  );
});

afterAll(async () => {
  await engine?.close();
});

const NFS = (p: string) =>
  `<storage_connection><type>nfs</type><address>rhvnode4.lab</address><path>${p}</path></storage_connection>`;

describe("/storageconnections", () => {
  let id: string;

  test("add: 201 with Location, then listed", async () => {
    const res = await api.post("storageconnections", NFS("/exports/spare"));
    expect(res.status).toBe(201);
    id = String(entityOf(res, "storage_connection").id);
    expect(res.headers.location).toMatch(new RegExp(`/ovirt-engine/api/storageconnections/${id}$`));
    expect(entityOf(res, "storage_connection")).toMatchObject({
      address: "rhvnode4.lab",
      path: "/exports/spare",
      type: "nfs",
      nfs_version: "auto",
    });
    expect((await api.get("storageconnections")).body).toContain(`id="${id}"`);
  });

  test("add: the same server:/path twice is a 409 with the engine's text", async () => {
    const res = await api.post("storageconnections", NFS("/exports/spare"));
    expect(res.status).toBe(409);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot add Storage Connection. Storage connection already exists.]",
    });
    // The domains' own connections count too.
    const iso = await api.post("storageconnections", NFS("/exports/iso").replace("rhvnode4", "rhvnode3"));
    expect(iso.status).toBe(409);
  });

  test("add: fields each type needs are named", async () => {
    const res = await api.post(
      "storageconnections",
      "<storage_connection><type>nfs</type><address>x.lab</address></storage_connection>",
    );
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Incomplete parameters",
      detail: "StorageConnection [path] required for add",
    });
    const gl = await api.post(
      "storageconnections",
      "<storage_connection><type>glusterfs</type><path>x.lab:/v</path></storage_connection>",
    );
    expect(faultOf(gl).detail).toBe("StorageConnection [vfs_type] required for add");
  });

  test("update: a connection no domain uses changes; one an active domain uses is refused", async () => {
    const res = await api.put(
      `storageconnections/${id}`,
      "<storage_connection><path>/exports/spare2</path></storage_connection>",
    );
    expect(res.status).toBe(200);
    expect(entityOf(res, "storage_connection").path).toBe("/exports/spare2");
    const isoConn = await api.as("json").get(`storagedomains/${String(domains.iso.id)}/storageconnections`);
    const connId = String(
      (JSON.parse(isoConn.body) as { storage_connection: Obj[] }).storage_connection[0].id,
    );
    const busy = await api.put(
      `storageconnections/${connId}`,
      "<storage_connection><path>/exports/iso2</path></storage_connection>",
    );
    expect(busy.status).toBe(409);
    expect(faultOf(busy).detail).toBe(
      "[Cannot edit Storage Connection. The data domains iso should be in maintenance or unattached.]",
    );
  });

  test("remove: refused while a domain uses it, then 200 and 404 for a free one", async () => {
    const isoConn = await api.as("json").get(`storagedomains/${String(domains.iso.id)}/storageconnections`);
    const connId = String(
      (JSON.parse(isoConn.body) as { storage_connection: Obj[] }).storage_connection[0].id,
    );
    const used = await api.delete(`storageconnections/${connId}`);
    expect(used.status).toBe(409);
    expect(faultOf(used).detail).toBe(
      "[Cannot remove Storage Connection. Storage connection parameters are used by the following storage domains : iso.]",
    );
    expect((await api.delete(`storageconnections/${id}`)).status).toBe(200);
    expect((await api.get(`storageconnections/${id}`)).status).toBe(404);
  });
});

describe("/storagedomains/{sd}/disks", () => {
  test("lists the disks on the domain with hrefs under it; get one; others are 404", async () => {
    const sd = String(domains.rhv4vol_data.id);
    const res = await api.as("json").get(`storagedomains/${sd}/disks`);
    expect(res.status).toBe(200);
    const disks = (JSON.parse(res.body) as { disk: Obj[] }).disk;
    const names = disks.map((d) => String(d.name)).sort();
    expect(names).toEqual([
      "gitlab_Disk1",
      "ipa2_Disk1",
      "nfs-backup_Disk1",
      "ocp-worker-0_Disk1",
      "ocp-worker-1_Disk1",
      "ocp-worker-2_Disk1",
      "satellite_pulp",
      "win2019_Disk1",
    ]);
    const pulp = disks.find((d) => d.name === "satellite_pulp")!;
    expect(pulp.href).toBe(`/ovirt-engine/api/storagedomains/${sd}/disks/${String(pulp.id)}`);
    const one = await api.as("json").get(`storagedomains/${sd}/disks/${String(pulp.id)}`);
    expect((JSON.parse(one.body) as Obj).provisioned_size).toBe(500 * 1024 ** 3);
    const other = String(domains.rhvquick_data.id);
    expect((await api.get(`storagedomains/${other}/disks/${String(pulp.id)}`)).status).toBe(404);
    expect((await api.get(`storagedomains/${sd}/disks?search=name%3Dsatellite_pulp`)).body).toContain(
      "satellite_pulp",
    );
  });
});

describe("rendered action links the lab uses", () => {
  test("cluster upgrade under /datacenters/{dc}/clusters/{id} works like /clusters/{id}; another DC is 404", async () => {
    const dcs = (JSON.parse((await api.as("json").get("datacenters")).body) as { data_center: Obj[] })
      .data_center;
    const dc = dcs.find((d) => d.name === "oVirt_DC")!;
    const def = dcs.find((d) => d.name === "Default")!;
    const cls = JSON.parse((await api.as("json").get(`datacenters/${String(dc.id)}/clusters`)).body) as {
      cluster: Obj[];
    };
    const cl = cls.cluster.find((c) => c.name === "oVirt_Cluster")!;
    const actions = ((cl.actions as Obj).link as Obj[]).map((l) => l.href);
    const href = `/ovirt-engine/api/datacenters/${String(dc.id)}/clusters/${String(cl.id)}/upgrade`;
    expect(actions).toContain(href);
    const start = await api.post(
      `datacenters/${String(dc.id)}/clusters/${String(cl.id)}/upgrade`,
      "<action><upgrade_action>start</upgrade_action></action>",
    );
    expect(start.status).toBe(200);
    expect(start.body).toContain("<status>complete</status>");
    const wrong = await api.post(
      `datacenters/${String(def.id)}/clusters/${String(cl.id)}/upgrade`,
      "<action><upgrade_action>finish</upgrade_action></action>",
    );
    expect(wrong.status).toBe(404);
    const finish = await api.post(
      `clusters/${String(cl.id)}/upgrade`,
      "<action><upgrade_action>finish</upgrade_action></action>",
    );
    expect(finish.status).toBe(200);
  });
});
