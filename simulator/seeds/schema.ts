// The seed file: a lab described in YAML (simulator/seeds/*.yaml), validated with messages that name
// the field. seeds/apply.ts turns it into the API calls a client would make.
import { z } from "zod";

const name = z.string().min(1);
const gib = z.number().positive();

const PowerManagementSeed = z.strictObject({
  type: z.string().min(1),
  address: z.string().min(1),
  username: z.string().min(1),
  password: z.string().min(1),
});

const HostSeed = z.strictObject({
  name,
  address: z.string().min(1),
  root_password: z.string().min(1),
  /** The machine: physical cores and threads per core (threads = cores x threads_per_core). */
  cores: z.number().int().positive(),
  threads_per_core: z.number().int().positive().default(1),
  memory_gib: gib,
  power_management: PowerManagementSeed.optional(),
});

const ClusterSeed = z.strictObject({
  name,
  description: z.string().optional(),
  cpu_type: z.string().min(1),
  threads_as_cores: z.boolean().default(false),
  gluster_service: z.boolean().default(false),
  hosts: z.array(HostSeed).default([]),
});

const NetworkSeed = z.strictObject({
  name,
  description: z.string().optional(),
  vlan: z.number().int().min(0).max(4094).optional(),
  /** Clusters the network is attached to (required there). */
  clusters: z.array(name).default([]),
});

const GlusterVolumeSeed = z.strictObject({
  name,
  cluster: name,
  /** `replicate` with replica_count = number of bricks, or `distribute`. */
  type: z.enum(["replicate", "distribute"]).default("replicate"),
  bricks: z.array(z.strictObject({ host: name, dir: z.string().startsWith("/") })).min(1),
  options: z.record(z.string(), z.string()).default({}),
  start: z.boolean().default(true),
});

/**
 * A file in an ISO domain: `size_mib` MiB of ISO 9660-like content (a primary volume descriptor
 * naming `volume_id`, then bytes derived from the file name), the same on every seeding.
 */
const IsoFileSeed = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*\.iso$/, "must be a file name ending in .iso"),
  size_mib: z.number().int().min(1).max(64),
  volume_id: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,32}$/, "must be 1-32 of A-Z, a-z, 0-9, _ . - (an ISO volume id)")
    .optional(),
});

const StorageDomainSeed = z
  .strictObject({
    name,
    description: z.string().optional(),
    type: z.enum(["data", "iso", "export"]),
    /** The host that creates the domain (by name). */
    host: name,
    /** A Gluster volume of this seed, by name. */
    gluster_volume: name.optional(),
    /** An NFS export `server:/path`. */
    nfs: z
      .string()
      .regex(/^[^:/]+:\/.+/, "must be server:/path")
      .optional(),
    /** An external Gluster volume `server:/volume` (not one of this seed's gluster_volumes). */
    glusterfs: z
      .string()
      .regex(/^[^:/\s]+:\/[^\s]+$/, "must be server:/volume")
      .optional(),
    /** An ISO domain's images, as an admin copied them onto its export before the move. */
    iso_files: z.array(IsoFileSeed).default([]),
  })
  .refine((s) => [s.gluster_volume, s.nfs, s.glusterfs].filter((v) => v !== undefined).length === 1, {
    message: "give exactly one of gluster_volume, glusterfs or nfs",
  })
  .refine((s) => s.iso_files.length === 0 || s.type === "iso", {
    message: "only an ISO domain has iso_files",
    path: ["iso_files"],
  })
  .refine((s) => new Set(s.iso_files.map((f) => f.name)).size === s.iso_files.length, {
    message: "iso_files names must be distinct",
    path: ["iso_files"],
  });

const DiskSeed = z.strictObject({
  name: name.optional(),
  size_gib: gib,
  storage_domain: name,
  bootable: z.boolean().default(false),
  interface: z.enum(["virtio", "virtio_scsi", "ide", "sata"]).default("virtio_scsi"),
  format: z.enum(["raw", "cow"]).default("raw"),
  /** Text written at the start of the image file (a raw disk only); defaults to a label. */
  content: z.string().optional(),
});

const NicSeed = z.strictObject({
  name,
  /** The network whose default vNIC profile the NIC uses. */
  network: name,
  mac: z
    .string()
    .regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, "must be a lower-case MAC address")
    .optional(),
});

const VmShape = {
  cluster: name,
  description: z.string().optional(),
  memory_gib: gib,
  cpus: z.number().int().positive().default(1),
  os: z.string().default("other"),
  running: z.boolean().default(false),
  disks: z.array(DiskSeed).default([]),
  nics: z.array(NicSeed).default([]),
};

const VmSeed = z.strictObject({ name, ...VmShape });

/** `count` VMs named `<prefix>-<n>` (n from 0), e.g. an on-demand OpenShift group. */
const VmGroupSeed = z.strictObject({ prefix: name, count: z.number().int().min(1).max(10_000), ...VmShape });

export const SeedFile = z.strictObject({
  /** The seed's name, recorded in the state when applied. */
  seed: name,
  /** The engine version it is for. */
  engine_version: z.enum(["4.3", "4.4"]),
  data_center: z
    .strictObject({ name, description: z.string().optional(), version: z.string().regex(/^4\.\d$/) })
    .optional(),
  clusters: z.array(ClusterSeed).default([]),
  networks: z.array(NetworkSeed).default([]),
  gluster_volumes: z.array(GlusterVolumeSeed).default([]),
  storage_domains: z.array(StorageDomainSeed).default([]),
  vms: z.array(VmSeed).default([]),
  vm_groups: z.array(VmGroupSeed).default([]),
});

export type Seed = z.infer<typeof SeedFile>;
export type VmSeedT = z.infer<typeof VmSeed>;
export type IsoFileSeedT = z.infer<typeof IsoFileSeed>;
