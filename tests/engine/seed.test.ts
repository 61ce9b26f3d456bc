// `--seed`: the seed post's 4.3 lab (simulator/seeds/seed-lab-4.3.yaml) loaded into a fresh engine
// through the API's own handlers: everything is listed with its status, the data plane holds the
// machines, volumes, domains and images, a restart keeps it, and seeding again is a no-op (same
// seed) or refused (another seed, a state that is not fresh). `follow` is exercised on the lab.
import fs from "node:fs";
import path from "node:path";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { readHost } from "../../simulator/dataplane/hosts";
import { readSeed } from "../../simulator/seeds/apply";
import { ADMIN_PASSWORD, ApiClient, tempStateDir } from "./support/engine";

type Obj = Record<string, unknown>;
const SEED = path.resolve(__dirname, "../../simulator/seeds/seed-lab-4.3.yaml");
const EMPTY44 = path.resolve(__dirname, "../../simulator/seeds/empty-4.4.yaml");

function start(stateDir: string, seed?: string, version: "4.3" | "4.4" = "4.3"): Promise<RunningEngine> {
  return launchEngine({
    version,
    port: 0,
    stateDir,
    adminPassword: ADMIN_PASSWORD,
    timeScale: 1,
    hostname: "localhost",
    seed,
  });
}

async function list(api: ApiClient, apiPath: string, key: string): Promise<Obj[]> {
  const res = await api.as("json").get(apiPath);
  expect(res.status).toBe(200);
  return ((JSON.parse(res.body) as Obj)[key] as Obj[] | undefined) ?? [];
}

const byName = (items: Obj[]) => Object.fromEntries(items.map((i) => [String(i.name), i]));

let stateDir: string;
let engine: RunningEngine;
let api: ApiClient;

beforeAll(async () => {
  stateDir = tempStateDir("seed");
  engine = await start(stateDir, SEED);
  api = await ApiClient.connect(engine);
});

afterAll(async () => {
  await engine?.close();
});

describe("seed-lab-4.3.yaml", () => {
  test("it is applied once and recorded", () => {
    expect(engine.seed?.applied).toBe(true);
    expect(engine.seed?.record.name).toBe("lab-4.3");
    expect(engine.seed?.record.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test("data center, clusters and hosts: up, EL7 with vdsm 4.30, managed by this engine", async () => {
    const dcs = byName(await list(api, "datacenters", "data_center"));
    expect(dcs.oVirt_DC.status).toBe("up");
    expect(dcs.oVirt_DC.version).toMatchObject({ major: "4", minor: "3" });
    const clusters = byName(await list(api, "clusters", "cluster"));
    expect(Object.keys(clusters).sort()).toEqual(["Default", "oVirt_Cluster", "ocpcluster"]);
    const hosts = await list(api, "hosts", "host");
    expect(hosts.map((h) => h.name).sort()).toEqual([
      "calvin",
      "dogbert",
      "rhvnode3",
      "rhvnode4",
      "rhvnode5",
    ]);
    for (const h of hosts) {
      expect(h.status).toBe("up");
      const machine = readHost(path.join(stateDir, "dataplane"), String(h.address))!;
      expect(machine.os).toBe("el7");
      expect(machine.vdsm.full_version).toMatch(/^vdsm-4\.30\./);
      expect(machine.managedBy?.hostId).toBe(h.id);
    }
    const h = byName(hosts);
    expect((h.calvin.cluster as Obj).id).toBe(clusters.oVirt_Cluster.id);
    expect((h.rhvnode4.cluster as Obj).id).toBe(clusters.ocpcluster.id);
    const calvin = readHost(path.join(stateDir, "dataplane"), "calvin.lab")!;
    expect(calvin.cpu.cores * calvin.cpu.threads).toBe(4);
    expect(calvin.memory).toBe(32 * 1024 ** 3);
    const node3 = readHost(path.join(stateDir, "dataplane"), "rhvnode3.lab")!;
    expect(node3.cpu.cores * node3.cpu.threads).toBe(16);
    expect(node3.memory).toBe(256 * 1024 ** 3);
    expect(h.rhvnode3.power_management).toMatchObject({ enabled: "true" });
    expect(h.calvin.power_management).not.toMatchObject({ enabled: "true" });
    const agents = await api.as("json").get(`hosts/${String(h.rhvnode3.id)}/fenceagents`);
    expect((JSON.parse(agents.body) as { agent: Obj[] }).agent[0]).toMatchObject({
      type: "ipmilan",
      address: "rhvnode3-lom.lab",
      username: "admin",
    });
    expect(agents.body).not.toContain("lom-pw");
  });

  test("Gluster volumes (replica 3, up) and the storage domains on them, one master", async () => {
    const clusters = byName(await list(api, "clusters", "cluster"));
    const vols = byName(
      await list(api, `clusters/${String(clusters.ocpcluster.id)}/glustervolumes`, "gluster_volume"),
    );
    expect(Object.keys(vols).sort()).toEqual(["rhv4vol", "rhvquick"]);
    for (const v of Object.values(vols)) {
      expect(v).toMatchObject({ volume_type: "replicate", replica_count: "3", status: "up" });
    }
    const dc = byName(await list(api, "datacenters", "data_center")).oVirt_DC;
    const sds = byName(await list(api, `datacenters/${String(dc.id)}/storagedomains`, "storage_domain"));
    expect(Object.keys(sds).sort()).toEqual(["export", "iso", "rhv4vol_data", "rhvquick_data"]);
    for (const sd of Object.values(sds)) expect(sd.status).toBe("active");
    expect(sds.rhv4vol_data).toMatchObject({ type: "data", master: "true" });
    expect(sds.rhvquick_data.master).toBe("false");
    expect(sds.iso).toMatchObject({ type: "iso", storage: { type: "nfs", path: "/exports/iso" } });
    expect(sds.export).toMatchObject({ type: "export" });
    expect((sds.rhvquick_data.storage as Obj).type).toBe("glusterfs");
  });

  test("VMs: the permanent ones and the OpenShift group, statuses, NICs with MACs, disks with content", async () => {
    const vms = byName(await list(api, "vms", "vm"));
    const seed = readSeed(SEED).seed;
    const names = [
      ...seed.vms.map((v) => v.name),
      ...seed.vm_groups.flatMap((g) => Array.from({ length: g.count }, (_, i) => `${g.prefix}-${i}`)),
    ];
    expect(Object.keys(vms).sort()).toEqual(names.sort());
    expect(names.length).toBe(16);
    expect(vms.ipa.status).toBe("up");
    expect(vms.satellite.status).toBe("up");
    expect(vms["nfs-backup"].status).toBe("down");
    expect(vms["ocp-master-0"].status).toBe("down");
    expect(vms.ipa.memory).toBe(4 * 1024 ** 3);

    // follow inlines the sub-collections (JSON here, XML below).
    const res = await api.as("json").get(`vms/${String(vms.satellite.id)}?follow=disk_attachments.disk,nics`);
    const sat = JSON.parse(res.body) as Obj;
    const nics = (sat.nics as Obj).nic as Obj[];
    expect(nics.map((n) => n.name)).toEqual(["nic1"]);
    expect((nics[0].mac as Obj).address).toMatch(/^56:6f:/);
    const atts = (sat.disk_attachments as Obj).disk_attachment as Obj[];
    expect(atts).toHaveLength(2);
    const disks = atts.map((a) => a.disk as Obj);
    expect(disks.map((d) => d.name).sort()).toEqual(["satellite_Disk1", "satellite_pulp"]);
    for (const d of disks) expect(d.status).toBe("ok");

    const ipa = (await api.get(`vms/${String(vms.ipa.id)}?follow=nics`)).body;
    expect(ipa).toContain("<address>56:6f:1a:00:00:01</address>");

    // The image file holds data, at its provisioned size.
    const disk = disks.find((d) => d.name === "satellite_pulp")!;
    const sdId = String(((disk.storage_domains as Obj).storage_domain as Obj[])[0].id);
    const images = findFile(path.join(stateDir, "dataplane", "storage"), String(disk.image_id));
    expect(images).toContain(sdId);
    expect(fs.statSync(images).size).toBe(500 * 1024 ** 3);
    const head = Buffer.alloc(64);
    const fd = fs.openSync(images, "r");
    fs.readSync(fd, head, 0, 64, 0);
    fs.closeSync(fd);
    expect(head.toString("utf8")).toContain("ovirt-lab seed: satellite/satellite_pulp");
  });

  test("the seeded VMs are in their domains' OVF stores", async () => {
    const sds = await list(api, "storagedomains", "storage_domain");
    const data = sds.find((s) => s.name === "rhv4vol_data")!;
    const ovfDir = findDir(path.join(stateDir, "dataplane", "storage"), String(data.id));
    const ovfs = fs.readdirSync(path.join(ovfDir, "master", "vms"));
    const vms = byName(await list(api, "vms", "vm"));
    expect(ovfs).toContain(`${String(vms["ipa2"].id)}.ovf`);
  });

  test("a restart keeps the lab; the same seed again is a no-op", async () => {
    const before = (await list(api, "vms", "vm")).map((v) => `${String(v.name)}=${String(v.status)}`).sort();
    await engine.close();
    engine = await start(stateDir, SEED);
    api = await ApiClient.connect(engine);
    expect(engine.seed?.applied).toBe(false);
    const after = (await list(api, "vms", "vm")).map((v) => `${String(v.name)}=${String(v.status)}`).sort();
    expect(after).toEqual(before);
    expect((await list(api, "hosts", "host")).every((h) => h.status === "up")).toBe(true);
  });

  test("another seed on a seeded state is refused, naming the seed already there", async () => {
    const other = path.join(tempStateDir("seed-other"), "other.yaml");
    fs.writeFileSync(other, fs.readFileSync(SEED, "utf8").replace("seed: lab-4.3", "seed: other"));
    await expect(start(tempStateDir("unused"), other).then((e) => e.close())).resolves.toBeUndefined();
    await engine.close();
    await expect(start(stateDir, other)).rejects.toThrow(
      /refused: this state already holds seed 'lab-4.3' .*seed a fresh --state directory/,
    );
    engine = await start(stateDir);
  });
});

describe("seeding refusals and errors", () => {
  test("a state with objects made through the API is refused with what it holds", async () => {
    const dir = tempStateDir("seed-busy");
    const e = await start(dir);
    const c = await ApiClient.connect(e);
    expect(
      (await c.post("datacenters", "<data_center><name>mine</name><local>false</local></data_center>"))
        .status,
    ).toBe(201);
    await e.close();
    await expect(start(dir, SEED)).rejects.toThrow(
      /refused: the state is not empty \(1 data centers, 1 networks\); a seed is loaded only into a fresh --state directory/,
    );
  });

  test("a seed for the other engine version is refused", async () => {
    await expect(start(tempStateDir("seed-44"), SEED, "4.4")).rejects.toThrow(
      /is for a 4\.3 engine; this engine is 4\.4/,
    );
  });

  test("a bad seed file names the field", async () => {
    const bad = path.join(tempStateDir("seed-bad"), "bad.yaml");
    fs.writeFileSync(bad, "seed: x\nengine_version: '4.4'\nclusters:\n  - name: c\n");
    await expect(start(tempStateDir("seed-bad2"), bad, "4.4")).rejects.toThrow(
      /bad\.yaml: clusters\.0\.cpu_type: /,
    );
  });

  test("empty-4.4.yaml gives a 4.4 engine its data center, cluster and network only", async () => {
    const e = await start(tempStateDir("seed-empty"), EMPTY44, "4.4");
    try {
      const c = await ApiClient.connect(e);
      expect((await list(c, "datacenters", "data_center")).map((d) => d.name).sort()).toEqual([
        "Default",
        "lab44",
      ]);
      expect((await list(c, "vms", "vm")).length).toBe(0);
    } finally {
      await e.close();
    }
  });
});

function findFile(root: string, name: string): string {
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.name === name && entry.isFile()) return path.join(entry.parentPath, entry.name);
  }
  throw new Error(`${name} not found under ${root}`);
}

function findDir(root: string, name: string): string {
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (entry.name === name && entry.isDirectory()) return path.join(entry.parentPath, entry.name);
  }
  throw new Error(`${name} not found under ${root}`);
}
