// `--seed FILE`: loads a lab description (seeds/schema.ts) into a fresh engine. Every object is made
// by the API's own route handlers (api/dispatch.ts), in the order a client would make them, with the
// engine's state machines run to their end at time scale 0 between calls (Scheduler.drain): the
// store, the jobs and events, the OVFs and the data plane are what the same POSTs over HTTPS leave.
// Only what a real lab has before any API call is written directly: the physical machines in the
// data plane (`registerHost`), the NFS exports, some content in the disk images, and the files an
// admin copied into an ISO domain (`iso_files`).
//
// A seed is applied once: the state records it (kind `seed`: name, sha256, time). Starting again
// with the same file is a no-op; another seed, or any state that is not fresh, is refused.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { EngineContext } from "../context";
import { registerHost } from "../dataplane/hosts";
import { storageDir, writeAtomic } from "../dataplane/storage";
import { ApiFault, EmptyAnswer } from "../http/faults";
import { Scheduler } from "../scheduler";
import type { Db } from "../store/database";
import type { Entity } from "../store/entities";
import { SETUP_IDS } from "../setup";
import { API_PREFIX, type Area, type RequestContext } from "../api/context";
import { Dispatcher } from "../api/dispatch";
import { deploysSettled } from "../api/hosts/deploy";
import { diskFile } from "../api/disks/files";
import type { Disk } from "../api/disks/model";
import { isoDir } from "../api/imagetransfers/isofiles";
import type { StorageDomain } from "../api/storagedomains/model";
import { SeedFile, type IsoFileSeedT, type Seed, type VmSeedT } from "./schema";

const GIB = 1024 ** 3;
const VM_BATCH = 250;

export class SeedError extends Error {}

export interface SeedRecord extends Entity {
  name: string;
  sha256: string;
  file: string;
  applied_at: number;
}

export interface SeedResult {
  /** False when the same seed had already been applied to this state (nothing was done). */
  applied: boolean;
  record: SeedRecord;
}

/** Reads and validates a seed file; errors name the file and the field. */
export function readSeed(file: string): { seed: Seed; text: string } {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new SeedError(`seed ${file}: cannot read it (${(err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new SeedError(`seed ${file}: not valid YAML (${(err as Error).message})`);
  }
  const parsed = SeedFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "(top level)";
    throw new SeedError(`seed ${file}: ${where}: ${issue.message}`);
  }
  return { seed: parsed.data, text };
}

/** What makes a state "not fresh": anything beyond engine-setup's rows. */
function contents(engine: EngineContext): string[] {
  const s = engine.store;
  const extra = (kind: "data_center" | "cluster" | "network" | "template", setupIds: string[]) =>
    s.list<Entity>(kind, (e) => !setupIds.includes(e.id)).length;
  const counts: Array<[string, number]> = [
    ["data centers", extra("data_center", [SETUP_IDS.defaultDataCenter])],
    ["clusters", extra("cluster", [SETUP_IDS.defaultCluster])],
    ["networks", extra("network", [SETUP_IDS.defaultManagementNetwork])],
    ["templates", extra("template", [SETUP_IDS.blankTemplate])],
    ["hosts", s.count("host")],
    ["storage domains", s.count("storage_domain")],
    ["Gluster volumes", s.count("gluster_volume")],
    ["VMs", s.count("vm")],
    ["disks", s.count("disk")],
  ];
  return counts.filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
}

interface Created {
  id: string;
  [key: string]: unknown;
}

class Seeder {
  private readonly dispatcher: Dispatcher;
  private readonly scheduler: Scheduler;
  private readonly ctx: EngineContext;
  private step = 0;
  private readonly ids = {
    cluster: new Map<string, string>(),
    host: new Map<string, string>(),
    hostAddress: new Map<string, string>(),
    network: new Map<string, string>(),
    profile: new Map<string, string>(),
    volume: new Map<string, { id: string; cluster: string; connection: string }>(),
    domain: new Map<string, string>(),
  };

  constructor(
    engine: EngineContext,
    db: Db,
    areas: readonly Area[],
    private readonly file: string,
    private readonly seed: Seed,
  ) {
    // A scheduler of its own at time scale 0, never started: its timers are drained after each call.
    this.scheduler = new Scheduler(db, 0);
    this.ctx = { ...engine, scheduler: this.scheduler };
    this.dispatcher = new Dispatcher(areas.flatMap((area) => area(this.ctx)));
  }

  private request(): RequestContext {
    this.step++;
    return {
      format: "json",
      bodyFormat: "json",
      origin: "https://localhost",
      correlationId: `seed-${this.step}`,
      query: {},
      allContent: false,
      filter: false,
      expect: undefined,
      render: { base: API_PREFIX, model44: this.ctx.personality.model44 },
    };
  }

  /** One API call; its answer as the JSON a client would read. Faults stop the seeding. */
  private call(what: string, method: "GET" | "POST", path: string, body?: unknown): Created {
    let answer;
    try {
      answer = this.dispatcher.call(
        this.request(),
        method,
        path,
        body === undefined ? undefined : JSON.stringify(body),
      );
    } catch (err) {
      if (err instanceof ApiFault)
        throw new SeedError(
          `seed ${this.file}: ${what}: ${err.status} ${err.reason}${err.detail ? ` ${err.detail}` : ""}`,
        );
      if (err instanceof EmptyAnswer) throw new SeedError(`seed ${this.file}: ${what}: ${err.status}`);
      throw err;
    }
    this.scheduler.drain();
    const node = answer.node;
    if (answer.status >= 400 || !node || node.kind !== "element")
      throw new SeedError(`seed ${this.file}: ${what}: answered ${answer.status}`);
    const id = node.attrs.find(([k]) => k === "id")?.[1] ?? "";
    return { id };
  }

  private get<T>(path: string): T {
    const answer = this.dispatcher.call(this.request(), "GET", path);
    return answer as unknown as T;
  }

  private entity<T>(kind: "host" | "vm" | "storage_domain" | "gluster_volume", id: string): T {
    const e = this.ctx.store.get<Entity>(kind, id);
    if (!e) throw new SeedError(`seed ${this.file}: ${kind} ${id} vanished`);
    return e as T;
  }

  private expectStatus(what: string, kind: "host" | "vm", id: string, want: string): void {
    const status = this.entity<{ status: string }>(kind, id).status;
    if (status !== want) throw new SeedError(`seed ${this.file}: ${what} ended ${status}, not ${want}`);
  }

  async run(): Promise<void> {
    const s = this.seed;
    const hostOs = s.engine_version === "4.3" ? "el7" : "el8";
    let dcId: string = SETUP_IDS.defaultDataCenter;
    if (s.data_center) {
      const [major, minor] = s.data_center.version.split(".").map(Number);
      dcId = this.call(`data center ${s.data_center.name}`, "POST", "/datacenters", {
        name: s.data_center.name,
        description: s.data_center.description,
        local: false,
        version: { major, minor },
      }).id;
    }
    for (const c of s.clusters) {
      const id = this.call(`cluster ${c.name}`, "POST", "/clusters", {
        name: c.name,
        description: c.description,
        data_center: { id: dcId },
        cpu: { type: c.cpu_type },
        threads_as_cores: c.threads_as_cores,
        gluster_service: c.gluster_service,
      }).id;
      this.ids.cluster.set(c.name, id);
    }
    for (const c of s.clusters) {
      for (const h of c.hosts) {
        // The machine exists before the engine knows it: installed OS, vdsm, CPU, memory.
        registerHost(this.ctx.dataPlane, h.address, hostOs, {
          rootPassword: h.root_password,
          cores: h.cores,
          threads: h.threads_per_core,
          memory: Math.round(h.memory_gib * GIB),
        });
        const pm = h.power_management;
        const id = this.call(`host ${h.name}`, "POST", "/hosts", {
          name: h.name,
          address: h.address,
          root_password: h.root_password,
          cluster: { id: this.ids.cluster.get(c.name) },
          ...(pm
            ? {
                power_management: {
                  enabled: true,
                  type: pm.type,
                  address: pm.address,
                  username: pm.username,
                  password: pm.password,
                },
              }
            : {}),
        }).id;
        if (this.ctx.hostDeploy === "ssh") {
          // Host-deploy runs over SSH (api/hosts/deploy.ts): wait for the session, then for the
          // transitions it starts.
          await deploysSettled(this.ctx);
          this.scheduler.drain();
        }
        this.expectStatus(`host ${h.name}`, "host", id, "up");
        this.ids.host.set(h.name, id);
        this.ids.hostAddress.set(h.name, h.address);
      }
    }
    for (const n of s.networks) {
      const id = this.call(`network ${n.name}`, "POST", "/networks", {
        name: n.name,
        description: n.description,
        data_center: { id: dcId },
        ...(n.vlan !== undefined ? { vlan: { id: n.vlan } } : {}),
        usages: { usage: ["vm"] },
      }).id;
      this.ids.network.set(n.name, id);
      for (const cl of n.clusters) {
        this.call(`network ${n.name} in cluster ${cl}`, "POST", `/clusters/${this.cluster(cl)}/networks`, {
          id,
          required: true,
        });
      }
    }
    for (const v of s.gluster_volumes) {
      const clusterId = this.cluster(v.cluster);
      const id = this.call(`Gluster volume ${v.name}`, "POST", `/clusters/${clusterId}/glustervolumes`, {
        name: v.name,
        volume_type: v.type,
        ...(v.type === "replicate" ? { replica_count: v.bricks.length } : {}),
        bricks: { brick: v.bricks.map((b) => ({ server_id: this.host(b.host), brick_dir: b.dir })) },
      }).id;
      for (const [option, value] of Object.entries(v.options)) {
        this.call(
          `Gluster volume ${v.name} option ${option}`,
          "POST",
          `/clusters/${clusterId}/glustervolumes/${id}/setoption`,
          { option: { name: option, value } },
        );
      }
      if (v.start)
        this.call(
          `start Gluster volume ${v.name}`,
          "POST",
          `/clusters/${clusterId}/glustervolumes/${id}/start`,
          {},
        );
      const connection = this.entity<{ connection: string }>("gluster_volume", id).connection;
      this.ids.volume.set(v.name, { id, cluster: clusterId, connection });
    }
    for (const d of s.storage_domains) {
      let storage: Record<string, unknown>;
      if (d.gluster_volume !== undefined) {
        const volume = this.ids.volume.get(d.gluster_volume);
        if (!volume)
          throw new SeedError(
            `seed ${this.file}: storage domain ${d.name}: no Gluster volume ${d.gluster_volume}`,
          );
        const [address, path] = volume.connection.split(":");
        storage = { type: "glusterfs", address, path, vfs_type: "glusterfs" };
      } else if (d.glusterfs !== undefined) {
        // An external volume: a directory of the data plane, or (glusterStorage "mount") the real
        // volume, mounted by the storage domain add below.
        if (this.ctx.glusterStorage !== "mount") {
          fs.mkdirSync(storageDir(this.ctx.dataPlane, d.glusterfs), { recursive: true });
        }
        const i = d.glusterfs.indexOf(":");
        storage = {
          type: "glusterfs",
          address: d.glusterfs.slice(0, i),
          path: d.glusterfs.slice(i + 1),
          vfs_type: "glusterfs",
        };
      } else {
        const nfs = d.nfs!;
        // The NFS server exports the directory before any domain is made on it.
        fs.mkdirSync(storageDir(this.ctx.dataPlane, nfs), { recursive: true });
        const i = nfs.indexOf(":");
        storage = { type: "nfs", address: nfs.slice(0, i), path: nfs.slice(i + 1) };
      }
      const id = this.call(`storage domain ${d.name}`, "POST", "/storagedomains", {
        name: d.name,
        description: d.description,
        type: d.type,
        host: { id: this.host(d.host) },
        storage,
      }).id;
      this.call(`attach storage domain ${d.name}`, "POST", `/datacenters/${dcId}/storagedomains`, { id });
      this.ids.domain.set(d.name, id);
      if (d.iso_files.length) {
        // Copied onto the export by the admin (the 4.3 way: engine-iso-uploader or cp).
        const dir = isoDir(this.ctx, this.entity<StorageDomain>("storage_domain", id));
        for (const f of d.iso_files) writeAtomic(path.join(dir, f.name), isoContent(f));
      }
    }
    // VMs (with their disks, NICs and start) are committed VM_BATCH at a time instead of row by
    // row: seeding thousands of VMs is otherwise bound by SQLite's fsyncs (synchronous=FULL).
    const vms: Array<[string, Omit<VmSeedT, "name">]> = [
      ...s.vms.map((vm): [string, Omit<VmSeedT, "name">] => [vm.name, vm]),
      ...s.vm_groups.flatMap((g) =>
        Array.from({ length: g.count }, (_, i): [string, Omit<VmSeedT, "name">] => [`${g.prefix}-${i}`, g]),
      ),
    ];
    for (let i = 0; i < vms.length; i += VM_BATCH) {
      this.ctx.store.transaction(() => {
        for (const [name, vm] of vms.slice(i, i + VM_BATCH)) this.vm(name, vm);
      });
    }
  }

  private cluster(name: string): string {
    const id = this.ids.cluster.get(name);
    if (!id) throw new SeedError(`seed ${this.file}: no cluster named ${name} in the seed`);
    return id;
  }

  private host(name: string): string {
    const id = this.ids.host.get(name);
    if (!id) throw new SeedError(`seed ${this.file}: no host named ${name} in the seed`);
    return id;
  }

  private domain(name: string): string {
    const id = this.ids.domain.get(name);
    if (!id) throw new SeedError(`seed ${this.file}: no storage domain named ${name} in the seed`);
    return id;
  }

  private profile(network: string): string {
    const cached = this.ids.profile.get(network);
    if (cached) return cached;
    const netId = this.ids.network.get(network);
    if (!netId) throw new SeedError(`seed ${this.file}: no network named ${network} in the seed`);
    // The profile the engine made with the network (same name).
    const answer = this.get<{ node: { children: Array<{ kind: string; items?: unknown[] }> } }>(
      `/networks/${netId}/vnicprofiles`,
    );
    const items = (answer.node.children.find((c) => c.kind === "repeated")?.items ?? []) as Array<{
      attrs: Array<[string, string]>;
    }>;
    const id = items[0]?.attrs.find(([k]) => k === "id")?.[1];
    if (!id) throw new SeedError(`seed ${this.file}: network ${network} has no vNIC profile`);
    this.ids.profile.set(network, id);
    return id;
  }

  private vm(name: string, vm: Omit<VmSeedT, "name">): void {
    const id = this.call(`VM ${name}`, "POST", "/vms", {
      name,
      description: vm.description,
      cluster: { id: this.cluster(vm.cluster) },
      template: { name: "Blank" },
      memory: Math.round(vm.memory_gib * GIB),
      cpu: { topology: { sockets: vm.cpus, cores: 1, threads: 1 } },
      os: { type: vm.os },
    }).id;
    vm.disks.forEach((d, i) => {
      const diskName = d.name ?? `${name}_Disk${i + 1}`;
      const att = this.call(`disk ${diskName} of VM ${name}`, "POST", `/vms/${id}/diskattachments`, {
        interface: d.interface,
        bootable: d.bootable,
        active: true,
        disk: {
          name: diskName,
          provisioned_size: Math.round(d.size_gib * GIB),
          format: d.format,
          sparse: true,
          storage_domains: { storage_domain: [{ id: this.domain(d.storage_domain) }] },
        },
      });
      if (d.format === "raw") this.writeContent(att.id, d.content ?? `ovirt-lab seed: ${name}/${diskName}\n`);
    });
    for (const n of vm.nics) {
      this.call(`NIC ${n.name} of VM ${name}`, "POST", `/vms/${id}/nics`, {
        name: n.name,
        interface: "virtio",
        vnic_profile: { id: this.profile(n.network) },
        ...(n.mac ? { mac: { address: n.mac } } : {}),
      });
    }
    if (vm.running) {
      this.call(`start VM ${name}`, "POST", `/vms/${id}/start`, {});
      this.expectStatus(`VM ${name}`, "vm", id, "up");
    }
  }

  /** Data in a raw image, as an installed guest leaves (the file keeps its provisioned size). */
  private writeContent(diskId: string, text: string): void {
    const disk = this.ctx.store.get<Disk>("disk", diskId);
    const file = disk && diskFile(this.ctx, disk);
    if (!file) return;
    const fd = fs.openSync(file, "r+");
    try {
      fs.writeSync(fd, Buffer.from(text, "utf8"), 0, undefined, 0);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}

const SECTOR = 2048;

/** `n` as ISO 9660's both-endian 32-bit number (little-endian, then big-endian). */
function both32(buf: Buffer, offset: number, n: number): void {
  buf.writeUInt32LE(n, offset);
  buf.writeUInt32BE(n, offset + 4);
}

/**
 * An ISO-like image of `size_mib` MiB: 16 empty sectors (the system area), a primary volume
 * descriptor (`CD001`, the volume id, the volume's size in 2048-byte blocks), the descriptor set
 * terminator, then bytes that are a function of the file name (an AES-CTR key stream), so that two
 * files differ and every seeding writes the same bytes.
 */
export function isoContent(f: IsoFileSeedT): Buffer {
  const buf = Buffer.alloc(f.size_mib * 2 ** 20);
  const volumeId = (
    f.volume_id ??
    f.name
      .replace(/\.iso$/, "")
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, "_")
  )
    .slice(0, 32)
    .padEnd(32, " ");
  const pvd = 16 * SECTOR;
  buf.fill(0x20, pvd + 8, pvd + 72); // system id and volume id: space-padded text
  buf.write("\x01CD001\x01", pvd, "latin1");
  buf.write("LINUX", pvd + 8, "latin1");
  buf.write(volumeId, pvd + 40, "latin1");
  both32(buf, pvd + 80, buf.length / SECTOR);
  buf.writeUInt16LE(1, pvd + 120); // volume set size
  buf.writeUInt16BE(1, pvd + 122);
  buf.writeUInt16LE(1, pvd + 124); // volume sequence number
  buf.writeUInt16BE(1, pvd + 126);
  buf.writeUInt16LE(SECTOR, pvd + 128); // logical block size
  buf.writeUInt16BE(SECTOR, pvd + 130);
  buf[pvd + 881] = 1; // file structure version
  buf.write("\xffCD001\x01", 17 * SECTOR, "latin1");
  const key = crypto.createHash("sha256").update(`ovirt-lab seed ISO ${f.name}`).digest();
  const stream = crypto.createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
  stream.update(Buffer.alloc(buf.length - 18 * SECTOR)).copy(buf, 18 * SECTOR);
  return buf;
}

/**
 * Applies `file` to the engine's state (called before the engine listens). Refuses a state that is
 * not fresh or carries another seed; does nothing when this very seed was applied already.
 */
export async function applySeed(
  engine: EngineContext,
  db: Db,
  areas: readonly Area[],
  file: string,
): Promise<SeedResult> {
  const { seed, text } = readSeed(file);
  const sha256 = crypto.createHash("sha256").update(text).digest("hex");
  if (seed.engine_version !== engine.personality.version) {
    throw new SeedError(
      `seed ${file} is for a ${seed.engine_version} engine; this engine is ${engine.personality.version}`,
    );
  }
  const previous = engine.store.list<SeedRecord>("seed");
  const same = previous.find((r) => r.sha256 === sha256);
  if (same) return { applied: false, record: same };
  if (previous.length > 0) {
    const p = previous[0];
    throw new SeedError(
      `seed ${file}: refused: this state already holds seed '${p.name}' (${p.file}, sha256 ${p.sha256.slice(0, 12)}); seed a fresh --state directory`,
    );
  }
  const found = contents(engine);
  if (found.length > 0) {
    throw new SeedError(
      `seed ${file}: refused: the state is not empty (${found.join(", ")}); a seed is loaded only into a fresh --state directory`,
    );
  }
  await new Seeder(engine, db, areas, file, seed).run();
  const record: SeedRecord = {
    id: crypto.randomUUID(),
    name: seed.seed,
    sha256,
    file,
    applied_at: Date.now(),
  };
  engine.store.insert("seed", record);
  return { applied: true, record };
}
