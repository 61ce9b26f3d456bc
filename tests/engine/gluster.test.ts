// Gluster volumes under clusters: create, start/stop with the engine's texts, options, bricks,
// remove only when stopped, events 4000/4004/4006, the shapes of the samples, and the volume's data
// being the storage a glusterfs storage domain on `server:/volume` uses.
import fs from "node:fs";
import path from "node:path";
import type { RunningEngine } from "../../simulator/engine";
import { readMetadata, storageDir } from "../../simulator/dataplane/storage";
import { ApiClient, entityOf, faultOf, sample, startInProcess, tempStateDir } from "./support/engine";
import { compareShapes, subShape, xmlShape } from "./support/structure";
import { addHost, dataPlaneOf } from "./storage-fixtures";

type Obj = Record<string, unknown>;

let engine: RunningEngine;
let api: ApiClient;
let stateDir: string;
let clusterId: string;
let h1: string;
let h2: string;
let h3: string;
let volId: string;

const volumeBody = (name: string, servers: string[]) =>
  `<gluster_volume><name>${name}</name><volume_type>replicate</volume_type><replica_count>${servers.length}</replica_count>` +
  `<bricks>${servers.map((s) => `<brick><server_id>${s}</server_id><brick_dir>/gluster_bricks/${name}</brick_dir></brick>`).join("")}</bricks>` +
  `<options><option><name>storage.owner-uid</name><value>36</value></option></options></gluster_volume>`;

beforeAll(async () => {
  stateDir = tempStateDir("gluster");
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
  const dc = await api.post("datacenters", "<data_center><name>gdc</name><local>false</local></data_center>");
  const cl = await api.post(
    "clusters",
    `<cluster><name>gcl</name><data_center id="${String(entityOf(dc, "data_center").id)}"/><cpu><type>Intel Nehalem Family</type></cpu><gluster_service>true</gluster_service></cluster>`,
  );
  clusterId = String(entityOf(cl, "cluster").id);
  h1 = await addHost(api, dataPlaneOf(stateDir), "gluster1", clusterId);
  h2 = await addHost(api, dataPlaneOf(stateDir), "gluster2", clusterId);
  h3 = await addHost(api, dataPlaneOf(stateDir), "gluster3", clusterId);
});

afterAll(async () => {
  await engine?.close();
});

const vols = () => `clusters/${clusterId}/glustervolumes`;

async function events(code: number): Promise<Obj[]> {
  const res = await api.as("json").get(`events?search=type%3D${code}`);
  if (res.status !== 200) return [];
  return (JSON.parse(res.body) as { event?: Obj[] }).event ?? [];
}

test("create: down, with its bricks, options, and event 4000", async () => {
  const res = await api.post(vols(), volumeBody("rhv4vol", [h1, h2, h3]));
  expect(res.status).toBe(201);
  const v = entityOf(res, "gluster_volume");
  volId = String(v.id);
  expect(res.headers.location).toBe(`${new URL(engine.url).origin}/ovirt-engine/api/${vols()}/${volId}`);
  expect(v.href).toBe(`/ovirt-engine/api/${vols()}/${volId}`);
  expect(v).toMatchObject({ name: "rhv4vol", status: "down", volume_type: "replicate", replica_count: 3 });
  expect(fs.existsSync(storageDir(dataPlaneOf(stateDir), "gluster1.lab:/rhv4vol"))).toBe(true);
  const created = await events(4000);
  expect(created.map((e) => e.description)).toContain("Gluster Volume rhv4vol created on cluster gcl.");
});

test("mandatory members and a name in use", async () => {
  let res = await api.post(vols(), "<gluster_volume><volume_type>distribute</volume_type></gluster_volume>");
  expect(res.status).toBe(400);
  expect(faultOf(res).detail).toBe("Parameter 'gluster_volume.name' is mandatory but was not provided.");
  res = await api.post(
    vols(),
    "<gluster_volume><name>x</name><volume_type>distribute</volume_type></gluster_volume>",
  );
  expect(faultOf(res).detail).toBe("Parameter 'gluster_volume.bricks' is mandatory but was not provided.");
  res = await api.post(vols(), volumeBody("rhv4vol", [h1]));
  expect(res.status).toBe(409);
  expect(faultOf(res).detail).toBe("[Cannot create Gluster Volume. Volume name rhv4vol already exists.]");
});

test("start and stop, with the already started / stopped texts and events 4004 / 4006", async () => {
  let res = await api.post(`${vols()}/${volId}/start`, "<action/>");
  expect(res.status).toBe(200);
  expect((res.parsed().action as Obj).status).toBe("complete");
  expect(entityOf(await api.get(`${vols()}/${volId}`), "gluster_volume").status).toBe("up");
  res = await api.post(`${vols()}/${volId}/start`, "<action/>");
  expect(res.status).toBe(409);
  expect(((res.parsed().action as Obj).fault as Obj).detail).toBe(
    "[Cannot start Gluster Volume. Gluster Volume rhv4vol already started.]",
  );
  res = await api.delete(`${vols()}/${volId}`);
  expect(res.status).toBe(409);
  expect(faultOf(res).detail).toBe("[Cannot remove Gluster Volume. Gluster Volume rhv4vol is up.]");
  res = await api.post(`${vols()}/${volId}/stop`, "<action/>");
  expect(res.status).toBe(200);
  res = await api.post(`${vols()}/${volId}/stop`, "<action/>");
  expect(((res.parsed().action as Obj).fault as Obj).detail).toBe(
    "[Cannot stop Gluster Volume. Gluster Volume rhv4vol already stopped.]",
  );
  expect((await events(4004)).map((e) => e.description)).toContain(
    "Gluster Volume rhv4vol of cluster gcl started.",
  );
  expect((await events(4006)).map((e) => e.description)).toContain(
    "Gluster Volume rhv4vol stopped on cluster gcl.",
  );
});

test("setoption and resetoption", async () => {
  let res = await api.post(
    `${vols()}/${volId}/setoption`,
    "<action><option><name>performance.io-cache</name><value>off</value></option></action>",
  );
  expect(res.status).toBe(200);
  const options = async () => {
    const v = JSON.parse((await api.as("json").get(`${vols()}/${volId}`)).body) as {
      options?: { option: Obj[] };
    };
    return (v.options?.option ?? []).map((o) => `${String(o.name)}=${String(o.value)}`);
  };
  expect(await options()).toEqual(["storage.owner-uid=36", "performance.io-cache=off"]);
  res = await api.post(
    `${vols()}/${volId}/resetoption`,
    "<action><option><name>storage.owner-uid</name></option></action>",
  );
  expect(res.status).toBe(200);
  expect(await options()).toEqual(["performance.io-cache=off"]);
  res = await api.post(`${vols()}/${volId}/setoption`, "<action><option><name>x</name></option></action>");
  expect(res.status).toBe(400);
  expect(((res.parsed().action as Obj).fault as Obj).detail).toBe(
    "Parameter 'action.option.value' is mandatory but was not provided.",
  );
});

test("shapes: the volume like gluster_volume.xml, the bricks like gluster_bricks.xml", async () => {
  const v = await api.get(`${vols()}/${volId}`);
  const diff = compareShapes(xmlShape(sample("gluster_volume.xml")), xmlShape(v.body));
  expect(diff.missing).toEqual([]);
  expect(diff.extra).toEqual([
    "actions",
    "actions/link",
    "actions/link/href",
    "actions/link/rel",
    "cluster",
    "cluster/href",
    "cluster/id",
    "href",
  ]);
  const bricks = await api.get(`${vols()}/${volId}/glusterbricks`);
  expect(compareShapes(xmlShape(sample("gluster_bricks.xml")), xmlShape(bricks.body))).toEqual({
    missing: [],
    extra: [],
  });
  const one = subShape(xmlShape(bricks.body), "brick");
  expect(one.has("server_id")).toBe(true);
  const listed = (bricks.parsed().bricks as { brick: Obj[] }).brick;
  expect(listed.map((b) => b.name)).toEqual([
    "gluster1.lab:/gluster_bricks/rhv4vol",
    "gluster2.lab:/gluster_bricks/rhv4vol",
    "gluster3.lab:/gluster_bricks/rhv4vol",
  ]);
});

test("a glusterfs storage domain on the volume lives in the volume's storage", async () => {
  await api.post(`${vols()}/${volId}/start`, "<action/>");
  const res = await api.post(
    "storagedomains",
    "<storage_domain><name>rhv4vol</name><type>data</type><host><name>gluster1</name></host>" +
      "<storage><type>glusterfs</type><address>gluster1.lab</address><path>/rhv4vol</path><vfs_type>glusterfs</vfs_type></storage></storage_domain>",
  );
  expect(res.status).toBe(201);
  const sdId = String(entityOf(res, "storage_domain").id);
  const dir = path.join(storageDir(dataPlaneOf(stateDir), "gluster1.lab:/rhv4vol"), sdId);
  expect(readMetadata(dir)?.TYPE).toBe("GLUSTERFS");
});

test("remove a stopped volume; its data stays", async () => {
  const made = await api.post(vols(), volumeBody("scratch", [h2]));
  const id = String(entityOf(made, "gluster_volume").id);
  const res = await api.delete(`${vols()}/${id}`);
  expect(res.status).toBe(200);
  expect((await api.get(`${vols()}/${id}`)).status).toBe(404);
  expect(fs.existsSync(storageDir(dataPlaneOf(stateDir), "gluster2.lab:/scratch"))).toBe(true);
});
