// VM: inputs, validation, what changing each field takes, and the explicit mapping to and from the
// API's vm, nic and disk attachment.
//
// Units: memory in MiB (`memoryMiB`, `guaranteedMemoryMiB`), disk sizes in GiB (`sizeGiB`); the API
// takes bytes. Run state is its own concern: configuration changes never stop or reboot a VM.
//
// What a change takes (the engine's rules, UpdateVmCommand / AddDiskCommand / UpdateDiskCommand):
// | field | on the engine | here |
// |---|---|---|
// | engine, template | a VM cannot move between engines; its template is fixed at creation | replace |
// | name, description, comment, highAvailability | edited in place, also while running | update |
// | cpu, memoryMiB, guaranteedMemoryMiB, osType | a running VM takes them at its next boot (next-run configuration) | update; outputs `pendingReboot: true` until the VM reboots (or `rebootForChanges: true` reboots it) |
// | clusterId | only a Down VM can change cluster (same data center) | update when the VM is stopped, or shut down first when the same change sets runState "stopped"; refused while it stays running |
// | cloudInit | stored in the VM's initialization, used on the next cloud-init run | update |
// | cdrom | the CD-ROM's media (persistent; a running VM also gets it now) | update |
// | disks: add a disk | new disk attachment | update |
// | disks: sizeGiB grows | disk extend | update |
// | disks: sizeGiB shrinks, format/storageDomainId change, disk removed | the engine cannot shrink or convert; removing deletes data | refused in check |
// | disks: interface, bootable | attachment edit | update |
// | nics: add / remove / change vnicProfileId, interface, mac | NIC add / remove / edit | update |
// | runState | start / shutdown | update (start waits for up, stop for down) |
// | destroyDataOnDelete | (how delete removes the VM: its disks too, or only the VM) | update (no request) |
import crypto from "node:crypto";
import { z } from "zod";
import { AdoptSchema, EngineNameSchema, TimeoutsSchema } from "../core/base";
import type { Policy } from "../core/diff";
import type { ApiDiskAttachment, ApiNic, ApiVm } from "../ovirt/vms";

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

const bool = z.boolean({ error: "must be true or false" });
const count = (what: string) =>
  z
    .number({ error: "must be a number" })
    .int({ error: `is not a whole number of ${what}` })
    .min(1, { error: `must be at least 1` })
    .max(1024, { error: `must be at most 1024` });
const id = (what: string) => z.string({ error: `must be ${what} id` }).min(1, { error: "must not be empty" });

export const DISK_INTERFACES = ["virtio", "virtio_scsi", "sata", "ide"] as const;
export const NIC_INTERFACES = ["virtio", "e1000", "e1000e", "rtl8139"] as const;

const DiskSchema = z
  .object({
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(255, { error: "is longer than 255 characters" }),
    sizeGiB: z
      .number({ error: "must be a number of GiB" })
      .int({ error: "must be a whole number of GiB" })
      .min(1, { error: "must be at least 1 GiB" })
      .max(65536, { error: "must be at most 65536 GiB" }),
    interface: z.enum(DISK_INTERFACES).default("virtio_scsi"),
    format: z.enum(["cow", "raw"]).default("cow"),
    storageDomainId: id("a storage domain"),
    bootable: bool.default(false),
  })
  .strict();

const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;

const NicSchema = z
  .object({
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(50, { error: "is longer than 50 characters" }),
    vnicProfileId: id("a vNIC profile").optional(),
    interface: z.enum(NIC_INTERFACES).default("virtio"),
    mac: z.string().regex(MAC, { error: 'is not a MAC address like "56:6f:1a:2b:00:01"' }).optional(),
  })
  .strict();

const CloudInitSchema = z
  .object({
    hostname: z.string().max(255, { error: "is longer than 255 characters" }).optional(),
    user: z.string().max(255, { error: "is longer than 255 characters" }).optional(),
    sshKeys: z.array(z.string().min(1, { error: "must not be empty" })).optional(),
    /** Secret: never in outputs. */
    customScript: z.string().optional(),
    /** Secret: never in outputs. */
    rootPassword: z.string().optional(),
  })
  .strict();

export const VmArgsSchema = z
  .object({
    engine: EngineNameSchema,
    // VM names: letters, digits, '.', '_' and '-', at most 64 (VmManagementParametersBase / UI limit).
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(64, { error: "is longer than 64 characters" })
      .regex(/^[\p{L}0-9._-]*$/u, { error: "may only contain letters, digits, '.', '_' and '-'" }),
    clusterId: id("a cluster"),
    template: z.string().min(1, { error: "must not be empty" }).default("Blank"),
    description: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    comment: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    cpu: z
      .object({ sockets: count("sockets"), cores: count("cores"), threads: count("threads") })
      .partial()
      .strict()
      .optional(),
    memoryMiB: z
      .number({ error: "must be a number of MiB" })
      .int({ error: "must be a whole number of MiB" })
      .min(256, { error: "must be at least 256 MiB" })
      .max(4 * 1024 * 1024, { error: "must be at most 4194304 MiB (4 TiB)" })
      .optional(),
    guaranteedMemoryMiB: z
      .number({ error: "must be a number of MiB" })
      .int({ error: "must be a whole number of MiB" })
      .min(0, { error: "must not be negative" })
      .optional(),
    highAvailability: bool.optional(),
    osType: z.string().min(1, { error: "must not be empty" }).optional(),
    disks: z.array(DiskSchema).optional(),
    nics: z.array(NicSchema).optional(),
    cloudInit: CloudInitSchema.optional(),
    /** CD-ROM media: an ISO disk id (IsoImage's diskId) or a file name on an ISO domain; "" = empty. */
    cdrom: z.string({ error: "must be an ISO disk id or an ISO file name" }).optional(),
    runState: z.enum(["running", "stopped"]).default("running"),
    rebootForChanges: bool.optional(),
    /** Deleting the VM deletes its disks only when this is true; else they stay on their domains. */
    destroyDataOnDelete: bool.optional(),
    timeouts: TimeoutsSchema.optional(),
    adopt: AdoptSchema,
    /**
     * The VM comes with a storage domain imported from another engine: create registers it from the
     * domain's unregistered VMs (same id, disks and MACs), its NICs' profiles mapped by source
     * network/profile name, instead of making a new one.
     */
    registerFrom: z
      .object({
        storageDomainId: id("a storage domain"),
        profiles: z
          .array(
            z
              .object({ network: z.string().min(1), profile: z.string().min(1), to: id("a vNIC profile") })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const issue = (path: Array<string | number>, input: unknown, message: string) =>
      ctx.addIssue({ code: "custom", path, input, message });
    if (
      v.guaranteedMemoryMiB !== undefined &&
      v.memoryMiB !== undefined &&
      v.guaranteedMemoryMiB > v.memoryMiB
    )
      issue(["guaranteedMemoryMiB"], v.guaranteedMemoryMiB, `cannot exceed memoryMiB (${v.memoryMiB})`);
    const dup = <T extends { name: string }>(items: T[] | undefined, field: string) =>
      items?.forEach((item, i) => {
        if (items.findIndex((o) => o.name === item.name) !== i)
          issue([field, i, "name"], item.name, `is used by another entry of ${field}`);
      });
    dup(v.disks, "disks");
    dup(v.nics, "nics");
    const bootable = (v.disks ?? []).filter((d) => d.bootable);
    if (bootable.length > 1)
      issue(
        ["disks"],
        bootable.map((d) => d.name),
        "may have at most one bootable disk",
      );
    v.nics?.forEach((n, i) => {
      if (n.mac && parseInt(n.mac.slice(0, 2), 16) % 2 === 1)
        issue(["nics", i, "mac"], n.mac, "is a multicast address (odd first octet)");
    });
  });

export type VmArgs = z.output<typeof VmArgsSchema>;
export type VmInputs = z.input<typeof VmArgsSchema>;
export type VmDisk = VmArgs extends { disks?: Array<infer D> } ? D : never;
export type VmNicArgs = VmArgs extends { nics?: Array<infer N> } ? N : never;

export const vmPolicies: { readonly [K in keyof VmArgs]-?: Policy } = {
  engine: "replace",
  template: "replace",
  name: "update",
  clusterId: "update",
  description: "update",
  comment: "update",
  cpu: "update",
  memoryMiB: "update",
  guaranteedMemoryMiB: "update",
  highAvailability: "update",
  osType: "update",
  disks: "update",
  nics: "update",
  cloudInit: "update",
  cdrom: "update",
  runState: "update",
  rebootForChanges: "update",
  destroyDataOnDelete: "update",
  timeouts: "update",
  // Taking over an existing object is a create-time choice: changing it later changes nothing.
  adopt: "ignore",
  registerFrom: "ignore",
};

/** Changes a running VM takes only at its next boot. */
export const NEXT_RUN_FIELDS = ["cpu", "memoryMiB", "guaranteedMemoryMiB", "osType"] as const;

/** Computed outputs (never inputs). */
export interface VmComputed {
  /** True when `adopt` took over an existing object (create made no change on the engine). */
  adopted?: boolean;
  status?: string;
  hostId?: string;
  pendingReboot: boolean;
  /** MAC address per NIC name (allocated by the engine when not given). */
  macAddresses: Record<string, string>;
  /** Disk id per disk name. */
  diskIds: Record<string, string>;
  /** Changes when the cloud-init secrets change; the secrets themselves are never stored. */
  cloudInitSecretsDigest?: string;
}

/** cloudInit without its secrets: what outputs and read may show. */
export function publicCloudInit(c: VmArgs["cloudInit"]): VmArgs["cloudInit"] {
  if (!c) return undefined;
  const { customScript: _s, rootPassword: _p, ...rest } = c;
  return rest;
}

/** A salted digest of the cloud-init secrets (salt: the VM id), or undefined when there are none. */
export function secretsDigest(vmId: string, c: VmArgs["cloudInit"]): string | undefined {
  if (!c || (c.customScript === undefined && c.rootPassword === undefined)) return undefined;
  return crypto
    .createHash("sha256")
    .update(`${vmId}\0${c.customScript ?? ""}\0${c.rootPassword ?? ""}`)
    .digest("hex");
}

/** The VM body for `fields` of `args` (all to add, the changed ones to update). */
export function vmToApi(args: VmArgs, fields: ReadonlyArray<keyof VmArgs>, clusterChange = true): ApiVm {
  const has = (f: keyof VmArgs) => fields.includes(f) && args[f] !== undefined;
  const body: ApiVm = {};
  if (fields.includes("name")) body.name = args.name;
  if (has("clusterId") && clusterChange) body.cluster = { id: args.clusterId };
  if (has("description")) body.description = args.description;
  if (has("comment")) body.comment = args.comment;
  if (has("cpu")) body.cpu = { topology: { ...args.cpu } };
  if (has("memoryMiB")) body.memory = args.memoryMiB! * MIB;
  if (has("guaranteedMemoryMiB") || (has("memoryMiB") && args.guaranteedMemoryMiB === undefined)) {
    body.memory_policy = { guaranteed: (args.guaranteedMemoryMiB ?? args.memoryMiB!) * MIB };
  }
  if (has("highAvailability")) body.high_availability = { enabled: args.highAvailability, priority: 1 };
  if (has("osType")) body.os = { type: args.osType };
  if (has("cloudInit")) {
    const c = args.cloudInit!;
    body.initialization = {
      host_name: c.hostname,
      user_name: c.user,
      authorized_ssh_keys: c.sshKeys?.join("\n"),
      custom_script: c.customScript,
      root_password: c.rootPassword,
    };
  }
  return body;
}

/** The live VM in the shape of the inputs (what read and drift detection compare). */
export function vmFromApi(vm: ApiVm): Partial<VmArgs> {
  const init = vm.initialization;
  return {
    name: vm.name,
    clusterId: vm.cluster?.id,
    description: vm.description ?? "",
    comment: vm.comment ?? "",
    cpu: vm.cpu?.topology
      ? { sockets: vm.cpu.topology.sockets, cores: vm.cpu.topology.cores, threads: vm.cpu.topology.threads }
      : undefined,
    memoryMiB: vm.memory !== undefined ? Math.round(vm.memory / MIB) : undefined,
    guaranteedMemoryMiB:
      vm.memory_policy?.guaranteed !== undefined ? Math.round(vm.memory_policy.guaranteed / MIB) : undefined,
    highAvailability: vm.high_availability?.enabled,
    osType: vm.os?.type,
    cloudInit: init
      ? {
          hostname: init.host_name || undefined,
          user: init.user_name || undefined,
          sshKeys: init.authorized_ssh_keys
            ? init.authorized_ssh_keys.split("\n").filter(Boolean)
            : undefined,
        }
      : undefined,
    runState: isRunning(vm.status) ? "running" : "stopped",
  };
}

/** Statuses in which the VM is (going) up; `down`/`image_locked`/`suspended` count as stopped. */
export function isRunning(status: string | undefined): boolean {
  return !!status && !["down", "image_locked", "suspended", "unassigned"].includes(status);
}

export function nicToApi(n: VmNicArgs): ApiNic {
  return {
    name: n.name,
    interface: n.interface,
    vnic_profile: n.vnicProfileId ? { id: n.vnicProfileId } : undefined,
    mac: n.mac ? { address: n.mac.toLowerCase() } : undefined,
  };
}

export function nicFromApi(n: ApiNic): VmNicArgs {
  return {
    name: n.name ?? "",
    interface: (n.interface ?? "virtio") as VmNicArgs["interface"],
    vnicProfileId: n.vnic_profile?.id,
    mac: n.mac?.address,
  };
}

export function diskToApi(d: VmDisk): ApiDiskAttachment {
  return {
    bootable: d.bootable,
    interface: d.interface,
    active: true,
    disk: {
      name: d.name,
      alias: d.name,
      provisioned_size: d.sizeGiB * GIB,
      format: d.format,
      sparse: true,
      storage_domains: [{ id: d.storageDomainId }],
    },
  };
}

export function diskFromApi(
  a: ApiDiskAttachment,
  disk: {
    alias?: string;
    provisioned_size?: number;
    format?: string;
    storage_domains?: Array<{ id?: string }>;
  },
): VmDisk {
  return {
    name: disk.alias ?? "",
    sizeGiB: Math.ceil((disk.provisioned_size ?? 0) / GIB),
    interface: (a.interface ?? "virtio_scsi") as VmDisk["interface"],
    format: (disk.format ?? "cow") as VmDisk["format"],
    storageDomainId: disk.storage_domains?.[0]?.id ?? "",
    bootable: a.bootable ?? false,
  };
}

/**
 * Changes to disks the engine cannot make (or that would delete data), as check failures against
 * the previous inputs: shrinking, another format or storage domain, a disk left out.
 */
export function diskChangeProblems(
  olds: VmDisk[] | undefined,
  news: VmDisk[] | undefined,
): Array<{ property: string; reason: string }> {
  const out: Array<{ property: string; reason: string }> = [];
  const next = news ?? [];
  for (const old of olds ?? []) {
    const i = next.findIndex((d) => d.name === old.name);
    if (i < 0) {
      out.push({
        property: "disks",
        reason: `disk "${old.name}" was removed from disks: removing a disk deletes its data, so it is not done by a configuration change; detach or remove it on the engine, then drop it here`,
      });
      continue;
    }
    const d = next[i];
    if (d.sizeGiB < old.sizeGiB)
      out.push({
        property: `disks[${i}].sizeGiB`,
        reason: `disks[${i}].sizeGiB ${d.sizeGiB} is smaller than the current ${old.sizeGiB}: disks can only grow`,
      });
    if (d.format !== old.format)
      out.push({
        property: `disks[${i}].format`,
        reason: `disks[${i}].format "${d.format}" differs from "${old.format}": the engine cannot convert a disk in place`,
      });
    if (d.storageDomainId !== old.storageDomainId)
      out.push({
        property: `disks[${i}].storageDomainId`,
        reason: `disks[${i}].storageDomainId "${d.storageDomainId}" differs from "${old.storageDomainId}": moving a disk is not done by this resource`,
      });
  }
  return out;
}
