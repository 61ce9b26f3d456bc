// The stack config's schema: one typed description of the lab, validated as a whole before any
// resource is declared. Messages name the path of the bad value (see validate.ts); references
// between objects (a host's cluster, a domain's volume, a VM's networks) are checked here too.
import { z } from "zod";
import { Size } from "./units";

/** oVirt entity names: letters, digits, '_' and '-' (the engine's rule for most objects). */
const entityName = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, "may only contain letters, digits, '_' and '-'")
  .max(40, "is longer than 40 characters");

/** VM names may also hold dots (FQDN-style names are common). */
const vmName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, "may only contain letters, digits, '.', '_' and '-'")
  .max(64, "is longer than 64 characters");

/** A compatibility level such as "4.4". */
const level = z.string().regex(/^\d+\.\d+$/, 'is not a compatibility level like "4.4"');

const hostAddress = z
  .string()
  .regex(/^[A-Za-z0-9.:-]+$/, "is not a host name or IP address")
  .min(1);

export const DataCenterSpec = z
  .object({
    name: entityName,
    description: z.string().optional(),
    comment: z.string().optional(),
    local: z.boolean().default(false),
    compatibilityVersion: level.optional(),
  })
  .strict();

export const ClusterSpec = z
  .object({
    name: entityName,
    description: z.string().optional(),
    comment: z.string().optional(),
    compatibilityVersion: level.optional(),
    cpuType: z.string().min(1).optional(),
    threadsAsCores: z
      .boolean()
      .optional()
      .describe("Count hyperthreads as cores when scheduling (the seed lab does)."),
    ksm: z.boolean().optional().describe("Kernel same-page merging."),
    memoryOverCommitPercent: z
      .number()
      .int()
      .min(100)
      .max(1000)
      .optional()
      .describe("Memory over-commit in percent of physical memory (100 = none)."),
    ballooning: z.boolean().optional(),
  })
  .strict();

export const PowerManagementSpec = z
  .object({
    // Fence agent types the engine knows (a subset of providers/host PM_TYPES).
    type: z.enum(["ipmilan", "ilo", "ilo2", "ilo3", "ilo4", "drac5", "drac7", "apc", "apc_snmp", "rsa"]),
    address: hostAddress,
    username: z.string().min(1),
    /** The password is a secret: `ovirt-lab:secrets.hosts.<host>.powerManagementPassword`. */
  })
  .strict();

const engineRef = z.string().regex(/^[A-Za-z0-9_-]+$/, "is not an engine name (a key of ovirt-lab:engines)");

/** A host that moves here from the legacy engine (docs/migration.md). */
export const HostMoveSpec = z
  .object({
    from: engineRef.describe("The engine the host leaves (the `engine` of `ovirt-lab:legacy`)."),
    vms: z
      .enum(["migrate", "stop"])
      .default("migrate")
      .describe("What happens to the VMs running on it before it goes to maintenance."),
    reprovision: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Command (run by `sh -c` where Pulumi runs) that reinstalls the machine with EL8 once it has left " +
          "the legacy engine; it gets OVIRT_LAB_HOST, OVIRT_LAB_ADDRESS and the new root password in " +
          "OVIRT_LAB_ROOT_PASSWORD. Leave it out when the machine already runs EL8.",
      ),
  })
  .strict();

export const HostSpec = z
  .object({
    name: entityName,
    address: hostAddress,
    cluster: entityName,
    sshPort: z.number().int().min(1).max(65535).default(22),
    spmPriority: z.number().int().min(-1).max(10).optional(),
    sshPublicKey: z
      .string()
      .min(1)
      .optional()
      .describe("Authenticate with an SSH public key instead of the root password secret."),
    powerManagement: PowerManagementSpec.optional(),
    description: z.string().optional(),
    move: HostMoveSpec.optional().describe("Set when the host comes from the legacy engine."),
  })
  .strict();

export const NetworkSpec = z
  .object({
    name: entityName.max(15, "is longer than 15 characters (the engine's limit for network names)"),
    description: z.string().optional(),
    vlan: z.number().int().min(0).max(4094).optional(),
    mtu: z
      .number()
      .int()
      .refine((v) => v === 0 || (v >= 68 && v <= 9000), "must be 0 (the default) or 68..9000")
      .optional(),
    vmNetwork: z.boolean().default(true),
    clusters: z
      .array(z.object({ name: entityName, required: z.boolean().default(false) }).strict())
      .default([]),
  })
  .strict();

export const GlusterServerSpec = z
  .object({
    name: entityName,
    address: hostAddress,
    sshPort: z.number().int().min(1).max(65535).default(22),
    sshUser: z.string().min(1).default("root"),
    hostKeyFingerprint: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'is not a fingerprint like "SHA256:<43 base64 characters>"')
      .optional()
      .describe("The server's SSH host key; without it gluster.ssh.knownHostsFile is consulted."),
  })
  .strict();

const absolutePath = z.string().regex(/^\/[^\s]*$/, "is not an absolute path");

export const GlusterSshSpec = z
  .object({
    privateKeyPath: absolutePath
      .optional()
      .describe(
        "A private key file on the machine that runs Pulumi (or the secret secrets.gluster.sshPrivateKey).",
      ),
    knownHostsFile: absolutePath
      .optional()
      .describe("known_hosts with the servers' host keys (host keys are always checked)."),
  })
  .strict();

export const GlusterVolumeSpec = z
  .object({
    name: entityName,
    replica: z.number().int().min(1).max(3).default(3),
    bricks: z
      .array(
        z
          .object({
            server: entityName,
            path: z.string().regex(/^\/[^\s]*$/, "is not an absolute path"),
          })
          .strict(),
      )
      .min(1),
    options: z
      .record(z.string(), z.string())
      .default({ group: "virt" })
      .describe("`gluster volume set` options; `group: virt` is what oVirt wants for VM storage."),
    protect: z
      .boolean()
      .default(true)
      .describe("Volumes hold the lab's data: deleting one needs this set to false in words."),
    capacity: Size.optional(),
  })
  .strict();

export const StorageDomainSpec = z
  .object({
    name: entityName,
    type: z.enum(["data", "iso", "export"]).default("data"),
    glusterVolume: entityName
      .optional()
      .describe("Exactly one of glusterVolume (a volume of this lab) or nfs."),
    nfs: z
      .object({
        address: hostAddress,
        path: z.string().regex(/^\/[^\s]*$/, "is not an absolute path"),
        version: z.enum(["auto", "v3", "v4", "v4_1", "v4_2"]).default("auto"),
      })
      .strict()
      .optional(),
    host: entityName.describe("The host the engine uses to create, attach and remove the domain."),
    destroyDataOnDelete: z
      .boolean()
      .default(false)
      .describe("Deleting the domain formats it only when this is true."),
    isoFiles: z
      .array(
        z
          .object({
            name: z.string().min(1),
            path: z.string().min(1).describe("Where the file is, relative to the domain's export."),
          })
          .strict(),
      )
      .optional()
      .describe(
        "An ISO domain's files, as `discover` found them (informational): move them to a data domain " +
          "as isoImages entries whose source is the file on the mounted export.",
      ),
    move: z
      .object({
        from: engineRef.describe("The engine the domain leaves (the `engine` of `ovirt-lab:legacy`)."),
      })
      .strict()
      .optional()
      .describe(
        "Set when the domain comes from the legacy engine: it is imported with its data; the VMs whose " +
          "disks are on it are listed in vms with move set, and registered here.",
      ),
  })
  .strict();

/** Installation media uploaded to a data domain (an `iso` disk, providers/isoimage). */
export const IsoImageSpec = z
  .object({
    name: z
      .string()
      .min(1)
      .max(255, "is longer than 255 characters")
      .regex(/^[^/\\]+$/, "must not contain / or \\"),
    source: z
      .string()
      .regex(/^(\/|https?:\/\/)/, "is not an absolute file path or an http(s) URL")
      .describe("An absolute path on the machine that runs Pulumi, or an http(s) URL on the lab's network."),
    storageDomain: entityName.describe("A data domain of this lab that holds the image."),
  })
  .strict();

const DiskSpec = z
  .object({
    name: entityName,
    size: Size,
    storageDomain: entityName,
    interface: z.enum(["virtio", "virtio_scsi", "sata", "ide"]).default("virtio_scsi"),
    format: z.enum(["cow", "raw"]).default("cow"),
    bootable: z.boolean().default(false),
  })
  .strict();

const NicSpec = z
  .object({
    name: entityName,
    network: entityName.describe(
      "A network of this lab (its vNIC profile of the same name), or `ovirtmgmt`.",
    ),
    mac: z
      .string()
      .regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, "is not a MAC address like 56:6f:1a:2b:3c:4d")
      .optional(),
  })
  .strict();

const VmShape = {
  cluster: entityName,
  template: z.string().min(1).default("Blank"),
  description: z.string().optional(),
  memory: Size,
  guaranteedMemory: Size.optional(),
  cpu: z
    .object({
      sockets: z.number().int().min(1).max(16).default(1),
      cores: z.number().int().min(1).max(64).default(1),
      threads: z.number().int().min(1).max(4).default(1),
    })
    .strict()
    .default({ sockets: 1, cores: 1, threads: 1 }),
  disks: z.array(DiskSpec).default([]),
  nics: z.array(NicSpec).default([]),
  cloudInit: z
    .object({
      hostname: z.string().min(1).optional(),
      user: z.string().min(1).optional(),
      sshKeys: z.array(z.string().min(1)).default([]),
      /** Root password and custom script are secrets: `ovirt-lab:secrets.vms.<vm>`. */
    })
    .strict()
    .optional(),
  highAvailability: z.boolean().default(false),
  runState: z.enum(["running", "stopped"]).default("running"),
  cdrom: z.string().min(1).optional().describe("The name of an isoImages entry: the VM's CD-ROM media."),
  destroyDataOnDelete: z
    .boolean()
    .default(false)
    .describe(
      "Deleting the VM deletes its disks only when this is true; otherwise they stay on their domains.",
    ),
};

export const VmSpec = z
  .object({
    name: vmName,
    ...VmShape,
    move: z
      .object({
        from: engineRef,
        networks: z
          .record(entityName, entityName)
          .default({})
          .describe("NIC name -> its network on the legacy engine, where the move renames it."),
      })
      .strict()
      .optional()
      .describe(
        "Set when the VM comes with its storage domain from the legacy engine: it is registered, not created.",
      ),
  })
  .strict();

/** VMs made on demand: `count` copies named `<name>-1` .. `<name>-<count>`. */
export const VmGroupSpec = z
  .object({ name: vmName, count: z.number().int().min(0).max(500), ...VmShape })
  .strict();

type Ctx = z.RefinementCtx;

function unique(ctx: Ctx, items: ReadonlyArray<{ name: string }>, path: string, what: string): Set<string> {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const key = item.name.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [path, i, "name"],
        message: `duplicate ${what} name "${item.name}" (also ${path}[${first}])`,
      });
    } else {
      seen.set(key, i);
    }
  });
  return new Set(items.map((i) => i.name));
}

function reference(
  ctx: Ctx,
  known: Set<string>,
  value: string,
  path: (string | number)[],
  what: string,
): void {
  if (!known.has(value)) {
    const have = [...known].join(", ") || "none";
    ctx.addIssue({ code: "custom", path, message: `no ${what} named "${value}" (have: ${have})` });
  }
}

export const LabSpec = z
  .object({
    engine: z
      .string()
      .min(1)
      .default("target")
      .describe("Which engine (a key of `ovirt-lab:engines`) the lab lives on."),
    dataCenter: DataCenterSpec,
    clusters: z.array(ClusterSpec).default([]),
    hosts: z.array(HostSpec).default([]),
    networks: z.array(NetworkSpec).default([]),
    gluster: z
      .object({
        servers: z.array(GlusterServerSpec).default([]),
        volumes: z.array(GlusterVolumeSpec).default([]),
        manageVolumes: z
          .boolean()
          .default(true)
          .describe(
            "true: the stack makes the volumes on the servers over SSH (gluster CLI). false: they already " +
              "exist there and only the storage domains on them are declared.",
          ),
        ssh: GlusterSshSpec.default({}).describe(
          "How the stack reaches the servers when it manages volumes.",
        ),
      })
      .strict()
      .default({ servers: [], volumes: [], manageVolumes: true, ssh: {} }),
    storageDomains: z.array(StorageDomainSpec).default([]),
    isoImages: z.array(IsoImageSpec).default([]),
    vms: z.array(VmSpec).default([]),
    vmGroups: z.array(VmGroupSpec).default([]),
  })
  .strict()
  .superRefine((lab, ctx) => {
    const clusters = unique(ctx, lab.clusters, "clusters", "cluster");
    const hosts = unique(ctx, lab.hosts, "hosts", "host");
    const networks = unique(ctx, lab.networks, "networks", "network");
    const servers = unique(ctx, lab.gluster.servers, "gluster.servers", "Gluster server");
    const volumes = unique(ctx, lab.gluster.volumes, "gluster.volumes", "Gluster volume");
    const domains = unique(ctx, lab.storageDomains, "storageDomains", "storage domain");
    unique(ctx, [...lab.vms, ...lab.vmGroups], "vms", "VM");
    const isoImages = unique(ctx, lab.isoImages, "isoImages", "ISO image");
    const dataDomains = new Set(lab.storageDomains.filter((d) => d.type === "data").map((d) => d.name));
    lab.isoImages.forEach((iso, i) =>
      reference(
        ctx,
        dataDomains,
        iso.storageDomain,
        ["isoImages", i, "storageDomain"],
        "data storage domain",
      ),
    );

    lab.networks.forEach((n, i) => {
      if (n.name === "ovirtmgmt") {
        ctx.addIssue({
          code: "custom",
          path: ["networks", i, "name"],
          message: '"ovirtmgmt" comes with the data center; VM NICs can use it without declaring it',
        });
      }
    });
    lab.hosts.forEach((h, i) => reference(ctx, clusters, h.cluster, ["hosts", i, "cluster"], "cluster"));
    const seenAddress = new Map<string, number>();
    lab.hosts.forEach((h, i) => {
      const first = seenAddress.get(h.address.toLowerCase());
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["hosts", i, "address"],
          message: `address "${h.address}" is also hosts[${first}]'s: one machine cannot be two hosts`,
        });
      } else seenAddress.set(h.address.toLowerCase(), i);
    });
    lab.networks.forEach((n, i) =>
      n.clusters.forEach((c, j) =>
        reference(ctx, clusters, c.name, ["networks", i, "clusters", j, "name"], "cluster"),
      ),
    );
    lab.gluster.volumes.forEach((v, i) => {
      v.bricks.forEach((b, j) =>
        reference(ctx, servers, b.server, ["gluster", "volumes", i, "bricks", j, "server"], "Gluster server"),
      );
      if (v.bricks.length % v.replica !== 0) {
        ctx.addIssue({
          code: "custom",
          path: ["gluster", "volumes", i, "bricks"],
          message: `${v.bricks.length} bricks cannot form replica-${v.replica} sets (need a multiple of ${v.replica})`,
        });
      }
    });
    lab.storageDomains.forEach((d, i) => {
      const path = ["storageDomains", i];
      if ((d.glusterVolume === undefined) === (d.nfs === undefined)) {
        ctx.addIssue({ code: "custom", path, message: "needs exactly one of glusterVolume or nfs" });
      }
      if (d.glusterVolume !== undefined) {
        reference(ctx, volumes, d.glusterVolume, [...path, "glusterVolume"], "Gluster volume");
      }
      reference(ctx, hosts, d.host, [...path, "host"], "host");
    });
    const networkNames = new Set([...networks, "ovirtmgmt"]);
    const checkVm = (vm: z.infer<typeof VmSpec>, path: (string | number)[]): void => {
      reference(ctx, clusters, vm.cluster, [...path, "cluster"], "cluster");
      vm.disks.forEach((d, j) =>
        reference(ctx, domains, d.storageDomain, [...path, "disks", j, "storageDomain"], "storage domain"),
      );
      vm.nics.forEach((n, j) =>
        reference(ctx, networkNames, n.network, [...path, "nics", j, "network"], "network"),
      );
      if (vm.cdrom !== undefined) reference(ctx, isoImages, vm.cdrom, [...path, "cdrom"], "ISO image");
      if (vm.guaranteedMemory !== undefined && vm.guaranteedMemory > vm.memory) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "guaranteedMemory"],
          message: `${vm.guaranteedMemory} bytes is more than the VM's memory (${vm.memory} bytes)`,
        });
      }
      // The engine takes memory in MiB (at least 256) and disks in whole GiB: sizes round up.
      if (vm.memory < 256 * 2 ** 20) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "memory"],
          input: vm.memory,
          message: "is less than 256MiB (in bytes), the engine's minimum",
        });
      }
      vm.disks.forEach((d, j) => {
        if (d.size < 2 ** 30) {
          ctx.addIssue({
            code: "custom",
            path: [...path, "disks", j, "size"],
            input: d.size,
            message: "is less than 1GiB (in bytes), the smallest disk",
          });
        }
      });
      if (vm.disks.filter((d) => d.bootable).length > 1) {
        ctx.addIssue({ code: "custom", path: [...path, "disks"], message: "more than one bootable disk" });
      }
    };
    lab.vms.forEach((vm, i) => checkVm(vm, ["vms", i]));
    lab.vmGroups.forEach((g, i) => {
      checkVm({ ...g }, ["vmGroups", i]);
      g.nics.forEach((n, j) => {
        if (n.mac !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["vmGroups", i, "nics", j, "mac"],
            input: n.mac,
            message:
              "a group's copies cannot share one MAC address (leave it out: the engine allocates them)",
          });
        }
      });
    });
  });

export type LabSpec = z.infer<typeof LabSpec>;
export type ClusterSpec = z.infer<typeof ClusterSpec>;
export type DataCenterSpec = z.infer<typeof DataCenterSpec>;
export type HostSpec = z.infer<typeof HostSpec>;
export type NetworkSpec = z.infer<typeof NetworkSpec>;
export type StorageDomainSpec = z.infer<typeof StorageDomainSpec>;
export type GlusterVolumeSpec = z.infer<typeof GlusterVolumeSpec>;
export type VmSpec = z.infer<typeof VmSpec>;
export type VmGroupSpec = z.infer<typeof VmGroupSpec>;
export type GlusterServerSpec = z.infer<typeof GlusterServerSpec>;
export type IsoImageSpec = z.infer<typeof IsoImageSpec>;
