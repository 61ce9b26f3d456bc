// The 4.3 -> 4.4 move on two engines sharing one data plane: the seeded 4.3 lab
// (seeds/seed-lab-4.3.yaml) and a 4.4 engine with only its data center, cluster and VM network
// (seeds/empty-4.4.yaml).
// - A host: its VMs migrate to the other host of the cluster, maintenance, removal (the machine is
//   released), the OS reinstalled with EL8 (the reprovision CLI), added to the 4.4 cluster: up.
// - A data domain: its VMs stopped, maintenance, detach (its VMs, disks and NICs leave the 4.3
//   database; a VM with disks on another domain stays, without this domain's disk), removal
//   without format, import into the 4.4 engine from the same Gluster path, attach, active; the VMs
//   are listed unregistered and registered with cluster and vNIC profile mappings, keep their ids,
//   disks and MACs, and start. The image files are the same bytes throughout.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { readHost } from "../../simulator/dataplane/hosts";
import { domainDir } from "../../simulator/dataplane/storage";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { actionFault, items, waitStatus } from "./hosts-support";
import { ADMIN_PASSWORD, ApiClient, refId, tempStateDir } from "./support/engine";
import { statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;
const SEEDS = path.join(__dirname, "..", "..", "simulator", "seeds");
const CLI = path.join(__dirname, "..", "..", "dist", "simulator", "dataplane", "reprovision.js");

let dataPlane: string;
let legacy: RunningEngine;
let target: RunningEngine;
let api43: ApiClient;
let api44: ApiClient;

async function start(version: "4.3" | "4.4", seed: string): Promise<RunningEngine> {
  return launchEngine({
    version,
    port: 0,
    stateDir: tempStateDir(`move-${version}`),
    adminPassword: ADMIN_PASSWORD,
    timeScale: 0,
    hostname: "localhost",
    dataPlane,
    seed: path.join(SEEDS, seed),
  });
}

const ELEMENT: Record<string, string> = { datacenters: "data_center", storagedomains: "storage_domain" };

async function one(api: ApiClient, collection: string, name: string): Promise<Obj> {
  const res = await api.get(`${collection}?search=${encodeURIComponent(`name=${name}`)}`);
  const element = ELEMENT[collection] ?? collection.replace(/s$/, "");
  const found = (res.parsed()[element] as Obj[] | undefined) ?? [];
  if (found.length !== 1) throw new Error(`${collection} ${name}: ${found.length} found`);
  return found[0];
}

function list(res: { parsed: () => Obj }, element: string): Obj[] {
  return (res.parsed()[element] as Obj[] | undefined) ?? [];
}

/**
 * A fingerprint of every image file under a domain's images/ directory: size, mtime and the sha256 of
 * the first MiB (the images are sparse files of up to 500 GiB; the seed labels their start).
 */
function checksums(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const images = path.join(dir, "images");
  for (const disk of fs.readdirSync(images)) {
    for (const vol of fs.readdirSync(path.join(images, disk))) {
      const file = path.join(images, disk, vol);
      if (!fs.statSync(file).isFile()) continue;
      const st = fs.statSync(file);
      const head = Buffer.alloc(Math.min(st.size, 1024 * 1024));
      const fd = fs.openSync(file, "r");
      try {
        fs.readSync(fd, head, 0, head.length, 0);
      } finally {
        fs.closeSync(fd);
      }
      const sha = crypto.createHash("sha256").update(head).digest("hex");
      out[`${disk}/${vol}`] = `${st.size}:${st.mtimeMs}:${sha}`;
    }
  }
  return out;
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  dataPlane = tempStateDir("move-plane");
  legacy = await start("4.3", "seed-lab-4.3.yaml");
  target = await start("4.4", "empty-4.4.yaml");
  api43 = await ApiClient.connect(legacy, "json");
  api44 = await ApiClient.connect(target, "json");
}, 120_000);

afterAll(async () => {
  await legacy?.close();
  await target?.close();
});

test("a host moves: VMs migrated off calvin, maintenance, removal, EL8 reinstall, added to the 4.4 cluster, up", async () => {
  const calvin = await one(api43, "hosts", "calvin");
  const dogbert = await one(api43, "hosts", "dogbert");
  const calvinId = String(calvin.id);
  // 1. Migrate every VM running on calvin to dogbert (by id), waiting for each to be up there.
  const onCalvin = list(await api43.get(`vms?search=${encodeURIComponent("host=calvin")}`), "vm");
  expect(onCalvin.length).toBeGreaterThan(0);
  for (const v of onCalvin) {
    const r = await api43.post(
      `vms/${String(v.id)}/migrate`,
      JSON.stringify({ host: { id: String(dogbert.id) } }),
    );
    expect(r.status).toBe(200);
    await until(api43, `vms/${String(v.id)}`, (e) => e?.status === "up" && refId(e.host) === dogbert.id);
  }
  expect(list(await api43.get(`vms?search=${encodeURIComponent("host=calvin")}`), "vm")).toEqual([]);
  // 2. Maintenance, removal: the machine no longer belongs to the 4.3 engine.
  expect((await api43.post(`hosts/${calvinId}/deactivate`, "{}")).status).toBe(200);
  await waitStatus(api43, calvinId, ["maintenance"]);
  expect(readHost(dataPlane, "calvin.lab")!.managedBy?.hostId).toBe(calvinId);
  expect((await api43.delete(`hosts/${calvinId}`)).status).toBe(200);
  expect(readHost(dataPlane, "calvin.lab")!.managedBy).toBeUndefined();
  // 3. Reinstall the OS with EL8 (the root password stays the seed's).
  const out = execFileSync(
    process.execPath,
    [CLI, "--data-plane", dataPlane, "--address", "calvin.lab", "--os", "el8"],
    { encoding: "utf8" },
  );
  expect(out).toContain("calvin.lab: reinstalled with el8");
  // 4. Into the 4.4 engine's cluster (level 4.4): up, EL8, vdsm 4.40.
  const cluster44 = await one(api44, "clusters", "oVirt_Cluster");
  expect(cluster44.version).toEqual({ major: "4", minor: "4" });
  const added = await api44.post(
    "hosts",
    JSON.stringify({
      name: "calvin",
      address: "calvin.lab",
      root_password: "lab-root-pw",
      cluster: { id: String(cluster44.id) },
    }),
  );
  expect(added.status).toBe(201);
  const newId = String((added.parsed() as Obj).id);
  await waitStatus(api44, newId, ["up"]);
  const host = (await api44.get(`hosts/${newId}`)).parsed();
  expect(host).toMatchObject({ os: { version: { major: "8" } }, version: { major: "4", minor: "40" } });
  expect(readHost(dataPlane, "calvin.lab")!.managedBy?.hostId).toBe(newId);
});

test("a data domain moves: VMs stopped, maintenance, detach, removal, import, attach, register, start; images unchanged", async () => {
  const dc43 = await one(api43, "datacenters", "oVirt_DC");
  const sd = await one(api43, "storagedomains", "rhvquick_data");
  const sdId = String(sd.id);
  const onDomain = list(await api43.get(`storagedomains/${sdId}/vms`), "vm");
  const names = onDomain.map((v) => String(v.name)).sort();
  expect(names).toEqual(
    [
      "bastion",
      "fedora-ws",
      "ipa",
      "ocp-lb",
      "ocp-master-0",
      "ocp-master-1",
      "ocp-master-2",
      "satellite",
      "tower",
    ].sort(),
  );
  // Running VMs keep the domain active (the engine's text).
  const busy = await api43.post(`datacenters/${String(dc43.id)}/storagedomains/${sdId}/deactivate`, "{}");
  expect(busy.status).toBe(409);
  expect(actionFault(busy).detail).toBe(
    '[Cannot deactivate Storage. VMs in a state other than "Down" were detected.\n-Please ensure all VMs associated with this Storage Domain are stopped and in the Down state first.]',
  );
  // What the VMs are before they leave: NICs with MACs and disks, keyed by VM name.
  const before: Record<string, { id: string; macs: string[]; disks: string[] }> = {};
  for (const v of onDomain) {
    const nics = list(await api43.get(`vms/${String(v.id)}/nics`), "nic");
    const atts = list(await api43.get(`vms/${String(v.id)}/diskattachments`), "disk_attachment");
    before[String(v.name)] = {
      id: String(v.id),
      macs: nics.map((n) => String((n.mac as Obj).address)).sort(),
      disks: atts.map((a) => refId(a.disk)).sort(),
    };
  }
  // 1. Stop them.
  for (const v of onDomain) {
    if (v.status === "down") continue;
    expect((await api43.post(`vms/${String(v.id)}/stop`, "{}")).status).toBe(200);
  }
  for (const v of onDomain) await until(api43, `vms/${String(v.id)}`, statusIs("down"));
  // 2. Maintenance.
  expect(
    (await api43.post(`datacenters/${String(dc43.id)}/storagedomains/${sdId}/deactivate`, "{}")).status,
  ).toBe(200);
  await until(api43, `datacenters/${String(dc43.id)}/storagedomains/${sdId}`, statusIs("maintenance"));
  const storage = sd.storage as Obj;
  const dir = domainDir(
    dataPlane,
    { connection: `${String(storage.address)}:${String(storage.path)}` },
    sdId,
  );
  const sums = checksums(dir);
  expect(Object.keys(sums).length).toBeGreaterThanOrEqual(onDomain.length);
  // 3. Detach: the VMs whose disks are all here leave the 4.3 engine; satellite (a disk on
  //    rhv4vol_data too) stays with only that disk.
  expect((await api43.delete(`datacenters/${String(dc43.id)}/storagedomains/${sdId}`)).status).toBe(200);
  const left = list(await api43.get("vms"), "vm").map((v) => String(v.name));
  for (const n of names.filter((x) => x !== "satellite")) expect(left).not.toContain(n);
  expect(left).toContain("satellite");
  const satAtts = list(await api43.get(`vms/${before.satellite.id}/diskattachments`), "disk_attachment");
  expect(satAtts).toHaveLength(1);
  const pulp = (await api43.get(`disks/${refId(satAtts[0].disk)}`)).parsed();
  expect(pulp.alias).toBe("satellite_pulp");
  for (const d of before.ipa.disks) expect((await api43.get(`disks/${d}`)).status).toBe(404);
  expect((await api43.get(`vms/${before.ipa.id}/nics`)).status).toBe(404);
  expect(checksums(dir)).toEqual(sums);
  // 4. Removal without format, through a host of the 4.3 engine.
  expect((await api43.delete(`storagedomains/${sdId}?host=dogbert&format=false`)).status).toBe(200);
  expect(checksums(dir)).toEqual(sums);

  // 5. The 4.4 engine imports the domain from the same Gluster path (through calvin, now its host).
  const imported = await api44.post(
    "storagedomains",
    JSON.stringify({
      name: "rhvquick_data",
      type: "data",
      host: { name: "calvin" },
      storage: {
        type: "glusterfs",
        address: storage.address,
        path: storage.path,
        vfs_type: "glusterfs",
      },
    }),
  );
  expect(imported.status).toBe(201);
  expect((imported.parsed() as Obj).id).toBe(sdId);
  const dc44 = await one(api44, "datacenters", "lab44");
  const attach = await api44.post(
    `datacenters/${String(dc44.id)}/storagedomains`,
    JSON.stringify({ id: sdId }),
  );
  expect(attach.status).toBe(201);
  await until(api44, `datacenters/${String(dc44.id)}/storagedomains/${sdId}`, statusIs("active"));
  // 6. The VMs are there, unregistered.
  const unreg = list(await api44.get(`storagedomains/${sdId}/vms?unregistered=true`), "vm");
  expect(unreg.map((v) => String(v.name)).sort()).toEqual(names);
  // 7. Register two with mappings; same ids, disks, MACs; start one on calvin.
  const profile44 = list(await api44.get("vnicprofiles"), "vnic_profile").find((p) => p.name === "lab_vms")!;
  for (const name of ["ipa", "bastion"]) {
    const id = before[name].id;
    const reg = await api44.post(
      `storagedomains/${sdId}/vms/${id}/register`,
      JSON.stringify({
        registration_configuration: {
          cluster_mappings: {
            registration_cluster_mapping: [
              { from: { name: "oVirt_Cluster" }, to: { name: "oVirt_Cluster" } },
            ],
          },
          vnic_profile_mappings: {
            registration_vnic_profile_mapping: [
              { from: { name: "lab_vms", network: { name: "lab_vms" } }, to: { id: String(profile44.id) } },
            ],
          },
        },
      }),
    );
    expect(reg.status).toBe(200);
    const vm = (await api44.get(`vms/${id}`)).parsed();
    expect([vm.name, vm.status]).toEqual([name, "down"]);
    const nics = list(await api44.get(`vms/${id}/nics`), "nic");
    expect(nics.map((n) => String((n.mac as Obj).address)).sort()).toEqual(before[name].macs);
    expect(nics.map((n) => refId(n.vnic_profile))).toEqual(nics.map(() => String(profile44.id)));
    const atts = items(await api44.as("xml").get(`vms/${id}/diskattachments`), "disk_attachment");
    expect(atts.map((a) => refId(a.disk)).sort()).toEqual(before[name].disks);
  }
  expect(before.ipa.macs).toEqual(["56:6f:1a:00:00:01"]);
  expect((await api44.post(`vms/${before.ipa.id}/start`, "{}")).status).toBe(200);
  const running = await until(api44, `vms/${before.ipa.id}`, statusIs("up"));
  expect((await api44.get(`hosts/${refId(running!.host)}`)).parsed().name).toBe("calvin");
  expect(checksums(dir)).toEqual(sums);
  // The registered ones are listed no more.
  const still = list(await api44.get(`storagedomains/${sdId}/vms?unregistered=true`), "vm").map((v) =>
    String(v.name),
  );
  expect(still).not.toContain("ipa");
  expect(still).toContain("tower");
});
