// VMs, their NICs and disk attachments: the stored shapes, the wire types (member order as captured
// from a 4.3 engine: samples/vm.xml, vm_nics.xml, vm_diskattachments.xml; model_4.4 members marked)
// and the search keywords.
import { field, struct, T, VersionStruct, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity } from "../../store/entities";
import type { SearchFields } from "../common/search";

export const VM_STATUSES = [
  "unassigned",
  "down",
  "up",
  "powering_up",
  "paused",
  "migrating",
  "unknown",
  "not_responding",
  "wait_for_launch",
  "reboot_in_progress",
  "saving_state",
  "restoring_state",
  "suspended",
  "image_locked",
  "powering_down",
] as const;
export type VmStatus = (typeof VM_STATUSES)[number];

export const VM_TYPES = ["desktop", "server", "high_performance"] as const;
export const NIC_INTERFACES = [
  "e1000",
  "e1000e",
  "virtio",
  "rtl8139",
  "rtl8139_virtio",
  "spapr_vlan",
  "pci_passthrough",
] as const;
export const DISK_INTERFACES = ["ide", "virtio_scsi", "virtio", "spapr_vscsi", "sata"] as const;
export const BOOT_DEVICES = ["cdrom", "hd", "network"] as const;
export const BIOS_TYPES = [
  "cluster_default",
  "i440fx_sea_bios",
  "q35_ovmf",
  "q35_sea_bios",
  "q35_secure_boot",
];
export const AFFINITIES = ["migratable", "pinned", "user_migratable"] as const;

export interface CpuTopology {
  sockets: number;
  cores: number;
  threads: number;
}

export interface Initialization {
  host_name?: string;
  user_name?: string;
  /** Kept for the guest, never rendered back (the engine's mapper leaves it out). */
  root_password?: string;
  authorized_ssh_keys?: string;
  custom_script?: string;
  regenerate_ssh_keys?: boolean;
  cloud_init_network_protocol?: string;
  nic_configurations?: Value[];
}

/** The members a running VM takes only at its next boot (next-run configuration). */
export const NEXT_RUN_MEMBERS = ["cpu", "memory", "memory_policy", "os", "bios", "type"] as const;

export interface Vm extends Entity {
  name: string;
  description: string;
  comment: string;
  status: VmStatus;
  type: (typeof VM_TYPES)[number];
  memory: number;
  memory_policy: { guaranteed: number; max: number; ballooning: boolean };
  cpu: { architecture: string; topology: CpuTopology };
  cpu_shares: number;
  bios: { type: string; boot_menu: { enabled: boolean } };
  os: { type: string; boot: { devices: string[] } };
  high_availability: { enabled: boolean; priority: number };
  initialization?: Initialization;
  placement_policy: { affinity: string; hosts?: Array<{ id: string }> };
  creation_time: number;
  start_time?: number;
  stop_time?: number;
  delete_protected: boolean;
  stateless: boolean;
  start_paused: boolean;
  origin: string;
  cluster: { id: string };
  template: { id: string };
  original_template: { id: string };
  host?: { id: string };
  /** Pending changes for the next boot (members of NEXT_RUN_MEMBERS). */
  next_run?: Partial<Pick<Vm, (typeof NEXT_RUN_MEMBERS)[number]>>;
  /** Engine-internal: the running migration (vm_dynamic.migrating_to_vds), never rendered. */
  migration?: VmMigration;
}

export interface VmMigration {
  /** The destination host. */
  to: string;
  /** The migrate command's job (none for a migration the system started). */
  jobId?: string;
  correlationId?: string;
  /** Date.now() when it started (the events' Duration). */
  startedAt: number;
}

export interface VmNic extends Entity {
  name: string;
  description?: string;
  comment?: string;
  vm: { id: string };
  interface: (typeof NIC_INTERFACES)[number];
  linked: boolean;
  mac: { address: string };
  plugged: boolean;
  synced?: boolean;
  vnic_profile?: { id: string };
}

/** A disk attachment; its id is the disk's id (samples/vm_diskattachments.xml). */
export interface DiskAttachment extends Entity {
  vm: { id: string };
  disk: { id: string };
  active: boolean;
  bootable: boolean;
  interface: (typeof DISK_INTERFACES)[number];
  pass_discard: boolean;
  read_only: boolean;
  uses_scsi_reservation: boolean;
  logical_name?: string;
}

const TopologyStruct = struct("CpuTopology", [
  field("cores", T.int),
  field("sockets", T.int),
  field("threads", T.int),
]);

const CpuStruct = struct("Cpu", [
  field("architecture", T.string),
  field("topology", T.struct(TopologyStruct)),
]);

const NicConfigurationStruct = struct("NicConfiguration", [
  field("name", T.string),
  field(
    "boot_protocol",
    T.enumOf("BootProtocol", ["autoconf", "dhcp", "none", "static", "poly_dhcp_autoconf"]),
  ),
  field(
    "ip",
    T.struct(
      struct("Ip", [
        field("address", T.string),
        field("gateway", T.string),
        field("netmask", T.string),
        field("version", T.enumOf("IpVersion", ["v4", "v6"])),
      ]),
    ),
  ),
  field("on_boot", T.boolean),
]);

const InitializationStruct = struct("Initialization", [
  field("authorized_ssh_keys", T.string),
  field("cloud_init_network_protocol", T.enumOf("CloudInitNetworkProtocol", ["eni", "openstack_metadata"])),
  field("custom_script", T.string),
  field("host_name", T.string),
  field("nic_configurations", T.list("nic_configuration", T.struct(NicConfigurationStruct))),
  field("regenerate_ssh_keys", T.boolean),
  field("root_password", T.string),
  field("user_name", T.string),
]);

const DisplayStruct = struct("Display", [
  field("address", T.string),
  field("allow_override", T.boolean),
  field("copy_paste_enabled", T.boolean),
  field("disconnect_action", T.string),
  field("file_transfer_enabled", T.boolean),
  field("monitors", T.int),
  field("port", T.int),
  field("secure_port", T.int),
  field("single_qxl_pci", T.boolean),
  field("smartcard_enabled", T.boolean),
  field("type", T.enumOf("DisplayType", ["spice", "vnc"])),
]);

/** VmBase members shared by VMs and templates, in the engine's XML order. */
export const VM_BASE_FIELDS = [
  field(
    "bios",
    T.struct(
      struct("Bios", [
        field("boot_menu", T.struct(struct("BootMenu", [field("enabled", T.boolean)]))),
        field("type", T.enumOf("BiosType", BIOS_TYPES)),
      ]),
    ),
  ),
  field("cpu", T.struct(CpuStruct)),
  field("cpu_shares", T.int),
  field("creation_time", T.date, { readOnly: true }),
  field("custom_compatibility_version", T.struct(VersionStruct)),
  field("delete_protected", T.boolean),
  field("display", T.struct(DisplayStruct), { readOnly: true }),
  field(
    "high_availability",
    T.struct(struct("HighAvailability", [field("enabled", T.boolean), field("priority", T.int)])),
  ),
  field("initialization", T.struct(InitializationStruct)),
  field("io", T.struct(struct("Io", [field("threads", T.int)])), { readOnly: true }),
  field("memory", T.long),
  field(
    "memory_policy",
    T.struct(
      struct("MemoryPolicy", [
        field("ballooning", T.boolean),
        field("guaranteed", T.long),
        field("max", T.long),
      ]),
    ),
  ),
  field(
    "migration",
    T.struct(struct("MigrationOptions", [field("auto_converge", T.string), field("compressed", T.string)])),
    { readOnly: true },
  ),
  field("migration_downtime", T.int, { readOnly: true }),
  field("multi_queues_enabled", T.boolean, { readOnly: true }),
  field("origin", T.string, { readOnly: true }),
  field(
    "os",
    T.struct(
      struct("OperatingSystem", [
        field(
          "boot",
          T.struct(
            struct("Boot", [field("devices", T.list("device", T.enumOf("BootDevice", BOOT_DEVICES)))]),
          ),
        ),
        field("type", T.string),
      ]),
    ),
  ),
  field(
    "placement_policy",
    T.struct(
      struct("VmPlacementPolicy", [
        field("affinity", T.enumOf("VmAffinity", AFFINITIES)),
        field("hosts", T.list("host", T.ref("hosts"))),
      ]),
    ),
  ),
  field("sso", T.struct(struct("Sso", [field("methods", T.list("method", T.ref()))])), { readOnly: true }),
  field("start_paused", T.boolean),
  field("stateless", T.boolean),
  field("storage_error_resume_behaviour", T.string, { readOnly: true }),
  field("time_zone", T.struct(struct("TimeZone", [field("name", T.string)])), { readOnly: true }),
  field("type", T.enumOf("VmType", VM_TYPES)),
  field("usb", T.struct(struct("Usb", [field("enabled", T.boolean)])), { readOnly: true }),
  field("cluster", T.ref("clusters")),
];

/** VM action rels in the engine's order (model_4.3). */
const VM_ACTIONS_43 = [
  "detach",
  "export",
  "ticket",
  "logon",
  "freezefilesystems",
  "maintenance",
  "previewsnapshot",
  "reordermacaddresses",
  "thawfilesystems",
  "undosnapshot",
  "commitsnapshot",
  "clone",
  "cancelmigration",
  "reboot",
  "migrate",
  "shutdown",
  "start",
  "stop",
  "suspend",
] as const;

export const VM: EntityType = {
  element: "vm",
  plural: "vms",
  path: "vms",
  struct: struct("Vm", [
    ...VM_BASE_FIELDS,
    field("next_run_configuration_exists", T.boolean, { readOnly: true }),
    field("numa_tune_mode", T.string, { readOnly: true }),
    field("run_once", T.boolean, { readOnly: true }),
    field("start_time", T.date, { readOnly: true }),
    field("status", T.enumOf("VmStatus", VM_STATUSES), { readOnly: true }),
    field("stop_time", T.date, { readOnly: true }),
    field("host", T.ref("hosts"), { readOnly: true }),
    field("original_template", T.ref("templates"), { readOnly: true }),
    field("template", T.ref("templates")),
  ]),
  links: [
    "watchdogs",
    "graphicsconsoles",
    "diskattachments",
    "cdroms",
    "nics",
    "numanodes",
    "snapshots",
    "applications",
    "hostdevices",
    "reporteddevices",
    "sessions",
    "backups",
    "affinitylabels",
    "katelloerrata",
    "permissions",
    "tags",
    "statistics",
  ],
  actions: {
    model43: VM_ACTIONS_43,
    // 4.4 adds reset and CPU/NUMA auto-pinning to the 4.3 actions.
    model44: [...VM_ACTIONS_43, "reset", "autopincpuandnumanodes"],
  },
};

export const NIC: EntityType = {
  element: "nic",
  plural: "nics",
  path: "nics",
  struct: struct("Nic", [
    field("vm", T.ref("vms"), { readOnly: true }),
    field("interface", T.enumOf("NicInterface", NIC_INTERFACES)),
    field("linked", T.boolean),
    field("mac", T.struct(struct("Mac", [field("address", T.string)]))),
    field("plugged", T.boolean),
    field("synced", T.boolean, { model44: true, readOnly: true }),
    field("vnic_profile", T.ref("vnicprofiles")),
  ]),
  links: ["networkfilterparameters", "reporteddevices", "statistics"],
  actions: { model43: ["activate", "deactivate"], model44: ["activate", "deactivate"] },
};

export const DISK_ATTACHMENT: EntityType = {
  element: "disk_attachment",
  plural: "disk_attachments",
  path: "diskattachments",
  struct: struct("DiskAttachment", [
    field("active", T.boolean),
    field("bootable", T.boolean),
    field("interface", T.enumOf("DiskInterface", DISK_INTERFACES)),
    field("logical_name", T.string, { readOnly: true }),
    field("pass_discard", T.boolean),
    field("read_only", T.boolean),
    field("uses_scsi_reservation", T.boolean),
    // The inline disk of an add is decoded by the disks area's type (see routes.ts).
    field("disk", T.ref("disks")),
    field("vm", T.ref("vms"), { readOnly: true }),
  ]),
  links: [],
  actions: { model43: [], model44: [] },
};

/** The keywords of the engine's VM search used by the lab (4.4 searchbackend names). */
export function vmSearch(lookups: {
  clusterName: (id: string) => string | undefined;
  hostName: (id: string) => string | undefined;
  dataCenterName: (clusterId: string) => string | undefined;
}): SearchFields<Vm> {
  return {
    name: (v) => v.name,
    description: (v) => v.description,
    comment: (v) => v.comment,
    id: (v) => v.id,
    status: (v) => v.status,
    type: (v) => v.type,
    os: (v) => v.os.type,
    memory: (v) => Math.floor(v.memory / 1048576),
    cluster: (v) => lookups.clusterName(v.cluster.id),
    host: (v) => (v.host ? lookups.hostName(v.host.id) : undefined),
    datacenter: (v) => lookups.dataCenterName(v.cluster.id),
    next_run_config_exists: (v) => v.next_run !== undefined,
  };
}

/** Static members the engine always shows (values of a VM made from Blank with defaults). */
function fixedMembers(v: Vm): Value {
  const running = v.host !== undefined;
  return {
    display: {
      address: running ? "127.0.0.1" : undefined,
      allow_override: true,
      copy_paste_enabled: true,
      disconnect_action: "LOCK_SCREEN",
      file_transfer_enabled: true,
      monitors: 1,
      port: running ? 5900 : undefined,
      secure_port: running ? 5901 : undefined,
      single_qxl_pci: false,
      smartcard_enabled: false,
      type: "spice",
    },
    io: { threads: 1 },
    migration: { auto_converge: "inherit", compressed: "inherit" },
    migration_downtime: -1,
    multi_queues_enabled: true,
    numa_tune_mode: "interleave",
    run_once: false,
    sso: { methods: [{ id: "guest_agent" }] },
    storage_error_resume_behaviour: "auto_resume",
    time_zone: { name: "Etc/GMT" },
    usb: { enabled: false },
  };
}

/** The initialization as rendered: never the root password; empty strings like the engine's mapper. */
export function presentInitialization(init: Initialization | undefined): Value | undefined {
  if (!init) return undefined;
  const { root_password: _secret, ...rest } = init;
  return {
    authorized_ssh_keys: "",
    cloud_init_network_protocol: "openstack_metadata",
    custom_script: "",
    regenerate_ssh_keys: false,
    user_name: "",
    ...rest,
  };
}

/** The representation; with `nextRun` the pending next-boot configuration is shown (GET ?next_run=true). */
export function presentVm(v: Vm, nextRun = false): Value {
  const shown: Vm = nextRun && v.next_run ? { ...v, ...v.next_run } : v;
  const { next_run: _pending, migration: _migration, ...rest } = shown;
  return {
    ...fixedMembers(v),
    ...rest,
    initialization: presentInitialization(v.initialization),
    next_run_configuration_exists: v.next_run !== undefined,
  };
}
