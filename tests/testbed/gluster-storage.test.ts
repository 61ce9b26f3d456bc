// glusterStorage "mount" against a real replica-3 Gluster volume on the testbed's gs1-gs3 (needs
// root; when the testbed cannot start these tests fail with its message). The engines run as
// processes (dist/simulator/main.js) at time scale 0, each with its own data plane: the glusterfs
// domain is a FUSE mount at oVirt's path, disk images are made by qemu-img, and what the engine
// writes is read back from the three bricks. The decisive test: a second engine with a different
// data plane imports the domain, with its VMs and disks, from the volume alone.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parseArgs } from "../../simulator/cli";
import { readSeed } from "../../simulator/seeds/apply";
import { glusterMountPoint, unmountAll } from "../../simulator/dataplane/mounts";
import { domainDir, mountName } from "../../simulator/dataplane/storage";
import { startEngine, type EngineProcess } from "../../testbed/engine-process";
import { shellQuote, withSession } from "../../providers/ssh/client";
import {
  ensureTestbed,
  glusterServers,
  hostSrvDir,
  releaseTestbed,
  rootTarget,
  testbedScript,
  type GlusterServer,
} from "../../testbed/hosts/testbed";
import { ApiClient, entityOf, faultOf, refId } from "../engine/support/engine";
import { addHost, statusIs, until } from "../engine/storage-fixtures";

type Obj = Record<string, unknown>;
const run = promisify(execFile);
const USER = "gluster-storage-test";
const GIB = 1024 ** 3;
const GS = Object.keys(glusterServers) as GlusterServer[];
const GS1 = glusterServers.gs1;
const VOLUME = `olt_sd_${process.pid}`;
const CONNECTION = `${GS1}:/${VOLUME}`;
/** The seed test's own volume (a second domain on VOLUME would be an import of the first). */
const SEED_VOLUME = `olt_seed_${process.pid}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-gluster-storage-"));
const planeA = path.join(tmp, "plane-a");
const planeB = path.join(tmp, "plane-b");
const planeC = path.join(tmp, "plane-c");
const engines: EngineProcess[] = [];
const volumes: string[] = [];

const gluster = (args: string) =>
  withSession(rootTarget(GS1), (s) => s.run(`gluster --mode=script ${args}`, 60_000));

const brick = (gs: GlusterServer, volume = VOLUME) => path.join(hostSrvDir(gs), "gluster", volume, "brick");

/** A started replica-3 volume over gs1-gs3 with oVirt's `group virt` options. */
async function createVolume(name: string): Promise<void> {
  for (const gs of GS) fs.mkdirSync(path.dirname(brick(gs, name)), { recursive: true });
  const bricks = Object.values(glusterServers)
    .map((a) => `${a}:/srv/gluster/${name}/brick`)
    .join(" ");
  volumes.push(name);
  await gluster(`volume create ${name} replica 3 ${bricks} force`);
  await gluster(`volume set ${name} group virt`);
  await gluster(`volume start ${name}`);
}

/** The glusterfs FUSE mounts whose mount point is `dir` (from /proc/mounts). */
function mountsAt(dir: string): string[] {
  return fs
    .readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .filter((l) => {
      const [, target, fstype] = l.split(" ");
      return target === dir && fstype === "fuse.glusterfs";
    });
}

async function qemuInfo(file: string): Promise<Obj> {
  const { stdout } = await run("qemu-img", ["info", "--output=json", "-U", file], { timeout: 30_000 });
  return JSON.parse(stdout) as Obj;
}

/** With `group virt` the volume is sharded: a brick keeps a file's real size in this xattr. */
async function shardSize(file: string): Promise<number> {
  const { stdout } = await run("getfattr", ["-n", "trusted.glusterfs.shard.file-size", "-e", "hex", file], {
    timeout: 30_000,
  });
  const hex = /=0x([0-9a-f]+)/.exec(stdout)?.[1];
  if (!hex) throw new Error(`no shard size on ${file}: ${stdout}`);
  return Number(BigInt(`0x${hex.slice(0, 16)}`));
}

async function engine(dataPlane: string, stateDir?: string): Promise<EngineProcess> {
  const e = await startEngine({ version: "4.4", timeScale: 0, dataPlane, stateDir, glusterStorage: "mount" });
  engines.push(e);
  return e;
}

interface Site {
  api: ApiClient;
  dc: string;
  cluster: string;
  host: string;
}

async function site(e: EngineProcess, dataPlane: string, prefix: string): Promise<Site> {
  const api = await ApiClient.connect(e);
  const dc = await api.post(
    "datacenters",
    `<data_center><name>${prefix}-dc</name><local>false</local></data_center>`,
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>${prefix}-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  const cluster = String(entityOf(cl, "cluster").id);
  const host = `${prefix}-host`;
  await addHost(api, dataPlane, host, cluster);
  return { api, dc: dcId, cluster, host };
}

const sdBody = (name: string, host: string, volumePath = `/${VOLUME}`) =>
  `<storage_domain><name>${name}</name><type>data</type><host><name>${host}</name></host>` +
  `<storage><type>glusterfs</type><address>${GS1}</address><path>${volumePath}</path>` +
  `<vfs_type>glusterfs</vfs_type></storage></storage_domain>`;

const state: { a?: Site; aEngine?: EngineProcess; sdId?: string; vmId?: string; raw?: Obj; cow?: Obj } = {};

beforeAll(async () => {
  await ensureTestbed(USER);
  await createVolume(VOLUME);
  state.aEngine = await engine(planeA);
  state.a = await site(state.aEngine, planeA, "a");
}, 300_000);

afterAll(async () => {
  for (const e of engines) await e.stop();
  for (const plane of [planeA, planeB, planeC]) unmountAll(plane);
  for (const name of volumes) {
    await gluster(`volume stop ${name} force`).catch(() => undefined);
    await gluster(`volume delete ${name}`).catch(() => undefined);
    // Gluster keeps its xattrs and .glusterfs/ on a brick path: the directories go entirely.
    await Promise.all(
      Object.values(glusterServers).map((a) =>
        withSession(rootTarget(a), (s) => s.run(`rm -rf /srv/gluster/${shellQuote(name)}`, 30_000)),
      ),
    );
  }
  await releaseTestbed(USER);
  fs.rmSync(tmp, { recursive: true, force: true });
}, 180_000);

test("the command line takes --gluster-storage (directory by default)", () => {
  const base = ["--engine-version", "4.4", "--port", "0", "--state", "/tmp/x", "--admin-password", "pw"];
  expect(parseArgs(base).glusterStorage).toBeUndefined();
  expect(parseArgs([...base, "--gluster-storage", "mount"]).glusterStorage).toBe("mount");
  expect(parseArgs([...base, "--gluster-storage=directory"]).glusterStorage).toBe("directory");
  expect(() => parseArgs([...base, "--gluster-storage", "nfs"])).toThrow(
    "--gluster-storage must be one of directory, mount (got 'nfs')",
  );
});

test("a glusterfs data domain is a FUSE mount at oVirt's path; its metadata is on all three bricks", async () => {
  const { api, dc, host } = state.a!;
  const made = await api.post("storagedomains", sdBody("gluster-data", host));
  expect(made.status).toBe(201);
  const sdId = String(entityOf(made, "storage_domain").id);
  state.sdId = sdId;
  const point = path.join(planeA, "rhev", "data-center", "mnt", "glusterSD", `${GS1}:_${VOLUME}`);
  expect(glusterMountPoint(planeA, CONNECTION)).toBe(point);
  const entries = mountsAt(point);
  expect(entries).toHaveLength(1);
  expect(entries[0].startsWith(`${CONNECTION} ${point} fuse.glusterfs `)).toBe(true);
  expect(fs.readlinkSync(path.join(planeA, "storage", mountName(CONNECTION)))).toBe(point);
  await api.post(`datacenters/${dc}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(api, `datacenters/${dc}/storagedomains/${sdId}`, statusIs("active"));
  for (const gs of GS) {
    const md = fs.readFileSync(path.join(brick(gs), sdId, "dom_md", "metadata"), "utf8");
    expect(md).toContain(`SDUUID=${sdId}\n`);
    expect(md).toContain("DESCRIPTION=gluster-data\n");
    expect(md).toContain("TYPE=GLUSTERFS\n");
    expect(md).toContain(`REMOTE_PATH=${CONNECTION}\n`);
  }
}, 120_000);

test("raw and cow disks are made by qemu-img on the volume; images and the VM's OVF are on every brick", async () => {
  const { api, cluster } = state.a!;
  const sdId = state.sdId!;
  const vm = await api.post(
    "vms",
    `<vm><name>gvm</name><cluster id="${cluster}"/><template><name>Blank</name></template><memory>1073741824</memory></vm>`,
  );
  const vmId = String(entityOf(vm, "vm").id);
  state.vmId = vmId;
  const disks: Record<"raw" | "cow", Obj> = {} as Record<"raw" | "cow", Obj>;
  for (const [format, size, alias] of [
    ["raw", GIB, "gvm_raw"],
    ["cow", 3 * GIB, "gvm_cow"],
  ] as const) {
    const att = await api.post(
      `vms/${vmId}/diskattachments`,
      `<disk_attachment><bootable>${format === "raw"}</bootable><interface>virtio_scsi</interface><active>true</active>` +
        `<disk><name>${alias}</name><provisioned_size>${size}</provisioned_size><format>${format}</format>` +
        `<sparse>true</sparse><storage_domains><storage_domain id="${sdId}"/></storage_domains></disk></disk_attachment>`,
    );
    expect(att.status).toBe(201);
    const diskId = refId(entityOf(att, "disk_attachment").disk);
    await until(api, `disks/${diskId}`, (d) => d?.status === "ok" || d?.status === "illegal");
    disks[format] = (await api.as("json").get(`disks/${diskId}`)).parsed();
    expect(disks[format]).toMatchObject({ status: "ok", provisioned_size: size, format });
  }
  state.raw = disks.raw;
  state.cow = disks.cow;
  const rel = (d: Obj) => path.join(sdId, "images", String(d.id), String(d.image_id));
  // Through the mount: what qemu-img made.
  const dir = domainDir(planeA, { connection: CONNECTION }, sdId);
  expect(await qemuInfo(path.join(planeA, "storage", mountName(CONNECTION), rel(disks.raw)))).toMatchObject({
    format: "raw",
    "virtual-size": GIB,
  });
  expect(
    await qemuInfo(path.join(dir, "images", String(disks.cow.id), String(disks.cow.image_id))),
  ).toMatchObject({
    format: "qcow2",
    "virtual-size": 3 * GIB,
    "format-specific": { data: { compat: "1.1" } },
  });
  for (const gs of GS) {
    const raw = path.join(brick(gs), rel(disks.raw));
    const cow = path.join(brick(gs), rel(disks.cow));
    expect((await qemuInfo(raw)).format).toBe("raw");
    // Sharded volume: the brick's base file holds the first shard; the size is in the shard xattr.
    expect(await shardSize(raw)).toBe(GIB);
    expect(await qemuInfo(cow)).toMatchObject({ format: "qcow2", "virtual-size": 3 * GIB });
    const ovf = fs.readFileSync(path.join(brick(gs), sdId, "master", "vms", `${vmId}.ovf`), "utf8");
    expect(ovf).toContain(String(disks.raw.id));
    expect(ovf).toContain(String(disks.cow.id));
  }
}, 120_000);

test("a disk grows with qemu-img resize on the mount", async () => {
  const { api } = state.a!;
  const cow = state.cow!;
  const put = await api.put(
    `disks/${String(cow.id)}`,
    `<disk><provisioned_size>${4 * GIB}</provisioned_size></disk>`,
  );
  expect(put.status).toBe(200);
  await until(
    api,
    `disks/${String(cow.id)}`,
    (d) => d?.status === "ok" && Number(d.provisioned_size) === 4 * GIB,
  );
  for (const gs of GS) {
    const file = path.join(brick(gs), state.sdId!, "images", String(cow.id), String(cow.image_id));
    expect(await qemuInfo(file)).toMatchObject({ format: "qcow2", "virtual-size": 4 * GIB });
  }
}, 60_000);

test("a volume that does not exist is the engine's mount fault, and nothing is created", async () => {
  const { api, host } = state.a!;
  const before = (await api.as("json").get("storagedomains")).parsed().storage_domain as Obj[];
  const missing = `/nosuch_${process.pid}`;
  const res = await api.post("storagedomains", sdBody("nowhere", host, missing));
  expect(res.status).toBe(400);
  expect(faultOf(res)).toEqual({
    reason: "Operation Failed",
    detail: "[Problem while trying to mount target]",
  });
  const after = (await api.as("json").get("storagedomains")).parsed().storage_domain as Obj[];
  expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
  const conn = `${GS1}:${missing}`;
  expect(mountsAt(glusterMountPoint(planeA, conn))).toEqual([]);
  expect(fs.existsSync(glusterMountPoint(planeA, conn))).toBe(false);
  expect(fs.existsSync(path.join(planeA, "storage", mountName(conn)))).toBe(false);
  const conns = (await api.as("json").get("storageconnections")).parsed().storage_connection as Obj[];
  expect(conns.filter((c) => c.path === missing)).toEqual([]);
}, 120_000);

test("a restarted engine reuses the mount of the data plane", async () => {
  const old = state.aEngine!;
  const point = glusterMountPoint(planeA, CONNECTION);
  await old.stop();
  // Engines never unmount (the mount belongs to the data plane).
  expect(mountsAt(point)).toHaveLength(1);
  const again = await engine(planeA, old.stateDir);
  state.aEngine = again;
  const api = await ApiClient.connect(again);
  state.a = { ...state.a!, api };
  expect(mountsAt(point)).toHaveLength(1);
  const sd = (await api.as("json").get(`storagedomains/${state.sdId!}`)).parsed();
  expect(sd.name).toBe("gluster-data");
  // And it writes through that mount: a new disk lands on the bricks.
  const att = await api.post(
    `vms/${state.vmId!}/diskattachments`,
    `<disk_attachment><interface>virtio_scsi</interface><active>true</active><disk><name>gvm_extra</name>` +
      `<provisioned_size>${GIB}</provisioned_size><format>cow</format><storage_domains><storage_domain id="${state.sdId!}"/>` +
      `</storage_domains></disk></disk_attachment>`,
  );
  const diskId = refId(entityOf(att, "disk_attachment").disk);
  await until(api, `disks/${diskId}`, statusIs("ok"));
  const extra = (await api.as("json").get(`disks/${diskId}`)).parsed();
  for (const gs of GS) {
    expect(fs.readdirSync(path.join(brick(gs), state.sdId!, "images", diskId))).toEqual([
      String(extra.image_id),
    ]);
  }
  // Removing it deletes its image directory on the volume.
  expect((await api.delete(`disks/${diskId}`)).status).toBe(200);
  for (const gs of GS) expect(fs.existsSync(path.join(brick(gs), state.sdId!, "images", diskId))).toBe(false);
}, 120_000);

test("an engine with another data plane imports the domain from the volume: name, VMs and disks", async () => {
  const { api, dc, host } = state.a!;
  const sdId = state.sdId!;
  const vmId = state.vmId!;
  await api.post(`datacenters/${dc}/storagedomains/${sdId}/deactivate`, "<action/>");
  await until(api, `datacenters/${dc}/storagedomains/${sdId}`, statusIs("maintenance"));
  expect((await api.delete(`datacenters/${dc}/storagedomains/${sdId}`)).status).toBe(200);
  expect((await api.delete(`storagedomains/${sdId}?host=${host}&format=false`)).status).toBe(200);

  const b = await site(await engine(planeB), planeB, "b");
  // Nothing of the domain is in plane B but the mount.
  expect(fs.existsSync(path.join(planeB, "storage"))).toBe(false);
  const imported = await b.api.post("storagedomains", sdBody("ignored-for-imports", b.host));
  expect(imported.status).toBe(201);
  const sd = entityOf(imported, "storage_domain");
  expect([sd.id, sd.name]).toEqual([sdId, "gluster-data"]);
  expect(mountsAt(glusterMountPoint(planeB, CONNECTION))).toHaveLength(1);
  await b.api.post(`datacenters/${b.dc}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(b.api, `datacenters/${b.dc}/storagedomains/${sdId}`, statusIs("active"));
  const unreg = (await b.api.as("json").get(`storagedomains/${sdId}/vms?unregistered=true`)).parsed();
  expect(((unreg.vm as Obj[]) ?? []).map((v) => [v.id, v.name])).toEqual([[vmId, "gvm"]]);
  const reg = await b.api.post(
    `storagedomains/${sdId}/vms/${vmId}/register`,
    `<action><registration_configuration><cluster_mappings><registration_cluster_mapping>` +
      `<from><name>a-cl</name></from><to><name>b-cl</name></to>` +
      `</registration_cluster_mapping></cluster_mappings></registration_configuration></action>`,
  );
  expect(reg.status).toBe(200);
  const atts = (await b.api.as("json").get(`vms/${vmId}/diskattachments`)).parsed().disk_attachment as Obj[];
  expect(atts.map((a) => a.id).sort()).toEqual([String(state.raw!.id), String(state.cow!.id)].sort());
  const cow = (await b.api.as("json").get(`disks/${String(state.cow!.id)}`)).parsed();
  expect(cow).toMatchObject({ alias: "gvm_cow", format: "cow", provisioned_size: 4 * GIB });
  // The same image files, read through engine B's own mount.
  const viaB = path.join(domainDir(planeB, { connection: CONNECTION }, sdId), "images", String(cow.id));
  expect(await qemuInfo(path.join(viaB, String(cow.image_id)))).toMatchObject({
    format: "qcow2",
    "virtual-size": 4 * GIB,
  });
}, 180_000);

const seedYaml = (storage: string) => `seed: gluster-mount
engine_version: "4.4"
data_center: { name: gdc, version: "4.4" }
clusters:
  - name: gcl
    cpu_type: Intel Skylake Server Family
    hosts:
      - { name: gnode, address: gnode.lab, root_password: node-pw, cores: 2, memory_gib: 8 }
storage_domains:
  - { name: gseed, type: data, host: gnode, ${storage} }
vms:
  - name: gsvm
    cluster: gcl
    memory_gib: 1
    disks:
      - { name: gsvm_os, size_gib: 1, storage_domain: gseed, format: raw, content: "hello from the seed" }
`;

test("a seed names an external volume with glusterfs: exactly one of three storage kinds", () => {
  const file = path.join(tmp, "both.yaml");
  fs.writeFileSync(file, seedYaml(`glusterfs: "${GS1}:/x", nfs: "depot.lab:/exports/x"`));
  expect(() => readSeed(file)).toThrow(
    `seed ${file}: storage_domains.0: give exactly one of gluster_volume, glusterfs or nfs`,
  );
  fs.writeFileSync(file, seedYaml(`glusterfs: "no-path"`));
  expect(() => readSeed(file)).toThrow(`seed ${file}: storage_domains.0.glusterfs: must be server:/volume`);
});

test("in mount mode a seed's domain, images (with their content) and OVFs land on the real volume", async () => {
  await createVolume(SEED_VOLUME);
  const file = path.join(tmp, "seed.yaml");
  fs.writeFileSync(file, seedYaml(`glusterfs: "${GS1}:/${SEED_VOLUME}"`));
  const e = await startEngine({
    version: "4.4",
    timeScale: 0,
    dataPlane: planeC,
    seed: file,
    glusterStorage: "mount",
  });
  engines.push(e);
  expect(mountsAt(glusterMountPoint(planeC, `${GS1}:/${SEED_VOLUME}`))).toHaveLength(1);
  const api = await ApiClient.connect(e);
  const sd = (
    (await api.as("json").get("storagedomains?search=name%3Dgseed")).parsed().storage_domain as Obj[]
  )[0];
  const vm = ((await api.as("json").get("vms?search=name%3Dgsvm")).parsed().vm as Obj[])[0];
  const att = (
    (await api.as("json").get(`vms/${String(vm.id)}/diskattachments`)).parsed().disk_attachment as Obj[]
  )[0];
  const disk = (await api.as("json").get(`disks/${refId(att.disk)}`)).parsed();
  const rel = path.join(String(sd.id), "images", String(disk.id), String(disk.image_id));
  for (const gs of GS) {
    const root = brick(gs, SEED_VOLUME);
    expect(fs.readFileSync(path.join(root, String(sd.id), "dom_md", "metadata"), "utf8")).toContain(
      "DESCRIPTION=gseed\n",
    );
    const image = path.join(root, rel);
    expect((await qemuInfo(image)).format).toBe("raw");
    expect(await shardSize(image)).toBe(GIB);
    expect(fs.readFileSync(image).subarray(0, 19).toString()).toBe("hello from the seed");
    expect(
      fs.readFileSync(path.join(root, String(sd.id), "master", "vms", `${String(vm.id)}.ovf`), "utf8"),
    ).toContain(String(disk.id));
  }
}, 120_000);

test("unmountAll leaves no mount of the data plane", async () => {
  for (const e of engines) await e.stop();
  for (const [plane, connection] of [
    [planeA, CONNECTION],
    [planeB, CONNECTION],
    [planeC, `${GS1}:/${SEED_VOLUME}`],
  ]) {
    const point = glusterMountPoint(plane, connection);
    expect(unmountAll(plane)).toEqual([point]);
    expect(mountsAt(point)).toEqual([]);
    expect(fs.existsSync(path.join(plane, "storage", mountName(connection)))).toBe(false);
    expect(unmountAll(plane)).toEqual([]);
  }
}, 60_000);

test("testbed.sh unmount-gluster (what stop runs first) lazily unmounts testbed volumes", async () => {
  const dir = path.join(tmp, "by-hand");
  fs.mkdirSync(dir);
  await run("mount", ["-t", "glusterfs", CONNECTION, dir], { timeout: 60_000 });
  expect(mountsAt(dir)).toHaveLength(1);
  const { stdout } = await run("bash", [testbedScript, "unmount-gluster", tmp], { timeout: 60_000 });
  expect(stdout.trim().split("\n")).toEqual([dir]);
  expect(mountsAt(dir)).toEqual([]);
}, 90_000);
