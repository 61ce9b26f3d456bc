// Hosts (VDS): the stored shape, the wire type (member order as captured from a 4.3 engine,
// samples/hosts.xml; model_4.4 members marked) and the search keywords.
import { field, struct, T, VersionStruct, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity } from "../../store/entities";
import type { SearchFields } from "../common/search";

export const HOST_STATUSES = [
  "connecting",
  "down",
  "error",
  "initializing",
  "install_failed",
  "installing",
  "installing_os",
  "kdumping",
  "maintenance",
  "non_operational",
  "non_responsive",
  "pending_approval",
  "preparing_for_maintenance",
  "reboot",
  "unassigned",
  "up",
] as const;
export type HostStatus = (typeof HOST_STATUSES)[number];

export const FENCE_TYPES = ["manual", "restart", "start", "status", "stop"] as const;
export const PM_TYPES = [
  "apc",
  "apc_snmp",
  "bladecenter",
  "cisco_ucs",
  "drac5",
  "drac7",
  "eps",
  "hpblade",
  "ilo",
  "ilo2",
  "ilo3",
  "ilo4",
  "ilo_ssh",
  "ipmilan",
  "rsa",
  "rsb",
  "wti",
];

export interface PowerManagement {
  enabled: boolean;
  automatic_pm_enabled: boolean;
  kdump_detection: boolean;
  type?: string;
  address?: string;
  username?: string;
  /** Stored for fencing; never rendered. */
  password?: string;
  port?: number;
}

export interface Host extends Entity {
  name: string;
  description?: string;
  comment: string;
  address: string;
  status: HostStatus;
  cluster: { id: string };
  port: number;
  protocol: "stomp";
  type: "rhel" | "ovirt_node";
  ssh: { port: number; fingerprint?: string; authentication_method: "password" | "publickey" };
  spm: { priority: number; status: "none" | "contending" | "spm" };
  power_management: PowerManagement;
  ksm: { enabled: boolean };
  transparent_hugepages: { enabled: boolean };
  update_available: boolean;
  external_status: "ok";
  auto_numa_status: "disable" | "enable" | "unknown";
  kdump_status: "disabled" | "enabled" | "unknown";
  device_passthrough: { enabled: boolean };
  vgpu_placement: "consolidated" | "separated";
  se_linux?: { mode: "enforcing" | "permissive" | "disabled" };
  summary: { active: number; migrating: number; total: number };
  reinstallation_required?: boolean;
  /** Known once host-deploy has talked to the machine. */
  certificate?: { organization: string; subject: string };
  cpu?: {
    name: string;
    speed: number;
    topology: { cores: number; sockets: number; threads: number };
    type: string;
  };
  hardware_information?: Value;
  iscsi?: { initiator: string };
  libvirt_version?: Value;
  max_scheduling_memory?: number;
  memory?: number;
  numa_supported?: boolean;
  os?: Value;
  version?: Value;
  /** Engine-internal: the levels the host's vdsm supports (reported by getCapabilities). */
  supported_levels?: string[];
  /** Engine-internal: what the running state machine ends in (up / maintenance) and its job. */
  pending?: {
    activate: boolean;
    jobId?: string;
    correlationId?: string;
    returnTo?: HostStatus;
    reboot?: boolean;
    /** An install running as a host-deploy session over SSH (deploy.ts), in this process's memory. */
    deploy?: "ssh";
  };
}

const VersionType = T.struct(VersionStruct);

export const HOST: EntityType = {
  element: "host",
  plural: "hosts",
  path: "hosts",
  struct: struct("Host", [
    field("address", T.string),
    field("auto_numa_status", T.enumOf("AutoNumaStatus", ["disable", "enable", "unknown"]), {
      readOnly: true,
    }),
    field(
      "certificate",
      T.struct(struct("Certificate", [field("organization", T.string), field("subject", T.string)])),
      { readOnly: true },
    ),
    field(
      "cpu",
      T.struct(
        struct("Cpu", [
          field("name", T.string),
          field("speed", T.decimal),
          field(
            "topology",
            T.struct(
              struct("CpuTopology", [
                field("cores", T.int),
                field("sockets", T.int),
                field("threads", T.int),
              ]),
            ),
          ),
          field("type", T.string),
        ]),
      ),
      { readOnly: true },
    ),
    field("device_passthrough", T.struct(struct("HostDevicePassthrough", [field("enabled", T.boolean)])), {
      readOnly: true,
    }),
    field("external_status", T.enumOf("ExternalStatus", ["error", "failure", "info", "ok", "warning"]), {
      readOnly: true,
    }),
    field(
      "hardware_information",
      T.struct(
        struct("HardwareInformation", [
          field("family", T.string),
          field("manufacturer", T.string),
          field("product_name", T.string),
          field("supported_rng_sources", T.list("supported_rng_source", T.string)),
          field("uuid", T.string),
          field("version", T.string),
        ]),
      ),
      { readOnly: true },
    ),
    field("iscsi", T.struct(struct("IscsiDetails", [field("initiator", T.string)])), { readOnly: true }),
    field("kdump_status", T.enumOf("KdumpStatus", ["disabled", "enabled", "unknown"]), { readOnly: true }),
    field("ksm", T.struct(struct("Ksm", [field("enabled", T.boolean)]))),
    field("libvirt_version", VersionType, { readOnly: true }),
    field("max_scheduling_memory", T.long, { readOnly: true }),
    field("memory", T.long, { readOnly: true }),
    field("numa_supported", T.boolean, { readOnly: true }),
    field(
      "os",
      T.struct(
        struct("OperatingSystem", [
          field("custom_kernel_cmdline", T.string),
          field("reported_kernel_cmdline", T.string),
          field("type", T.string),
          field("version", VersionType),
        ]),
      ),
      { readOnly: true },
    ),
    field("port", T.int),
    field(
      "power_management",
      T.struct(
        struct("PowerManagement", [
          field("address", T.string),
          field("automatic_pm_enabled", T.boolean),
          field("enabled", T.boolean),
          field("kdump_detection", T.boolean),
          field("password", T.string),
          field("pm_proxies", T.list("pm_proxy", T.struct(struct("PmProxy", [field("type", T.string)])))),
          field("port", T.int),
          field("type", T.string),
          field("username", T.string),
        ]),
      ),
    ),
    field("protocol", T.enumOf("HostProtocol", ["stomp", "xml"])),
    field("reinstallation_required", T.boolean, { model44: true, readOnly: true }),
    field("se_linux", T.struct(struct("SeLinux", [field("mode", T.string)])), { readOnly: true }),
    field(
      "spm",
      T.struct(struct("Spm", [field("priority", T.int), field("status", T.string, { readOnly: true })])),
    ),
    field(
      "ssh",
      T.struct(
        struct("Ssh", [
          field("authentication_method", T.enumOf("SshAuthenticationMethod", ["password", "publickey"])),
          field("fingerprint", T.string, { readOnly: true }),
          field("port", T.int),
          field("public_key", T.string),
          field("user", T.struct(struct("User", [field("user_name", T.string)]))),
        ]),
      ),
    ),
    field("status", T.enumOf("HostStatus", HOST_STATUSES), { readOnly: true }),
    field(
      "summary",
      T.struct(
        struct("VmSummary", [field("active", T.int), field("migrating", T.int), field("total", T.int)]),
      ),
      { readOnly: true },
    ),
    field("transparent_hugepages", T.struct(struct("TransparentHugePages", [field("enabled", T.boolean)])), {
      readOnly: true,
    }),
    field("type", T.enumOf("HostType", ["ovirt_node", "rhel", "rhev_h"]), { readOnly: true }),
    field("update_available", T.boolean, { readOnly: true }),
    field("version", VersionType, { readOnly: true }),
    field("vgpu_placement", T.enumOf("VgpuPlacement", ["consolidated", "separated"])),
    field("cluster", T.ref("clusters")),
    // Input only (Host.root_password); never rendered (present() drops it).
    field("root_password", T.string),
  ]),
  links: [
    "fenceagents",
    "devices",
    "hooks",
    "nics",
    "numanodes",
    "storage",
    "networkattachments",
    "storageconnectionextensions",
    "unmanagednetworks",
    "externalnetworkproviderconfigurations",
    "affinitylabels",
    "katelloerrata",
    "permissions",
    "tags",
    "statistics",
  ],
  actions: {
    model43: [
      "refresh",
      "install",
      "activate",
      "deactivate",
      "upgrade",
      "approve",
      "commitnetconfig",
      "enrollcertificate",
      "fence",
      "forceselectspm",
      "iscsidiscover",
      "iscsilogin",
      "unregisteredstoragedomainsdiscover",
      "upgradecheck",
      "syncallnetworks",
      "setupnetworks",
    ],
    model44: [
      "refresh",
      "install",
      "activate",
      "deactivate",
      "upgrade",
      "approve",
      "commitnetconfig",
      "copyhostnetworks",
      "discoveriscsi",
      "enrollcertificate",
      "fence",
      "forceselectspm",
      "iscsidiscover",
      "iscsilogin",
      "unregisteredstoragedomainsdiscover",
      "upgradecheck",
      "syncallnetworks",
      "setupnetworks",
    ],
  },
};

/** A fence agent as /hosts/{id}/fenceagents shows the host's power management. */
export const FENCE_AGENT: EntityType = {
  element: "agent",
  plural: "agents",
  path: "fenceagents",
  struct: struct("Agent", [
    field("address", T.string),
    field("concurrent", T.boolean),
    field("encrypt_options", T.boolean),
    field("order", T.int),
    field("port", T.int),
    field("type", T.string),
    field("username", T.string),
    field("host", T.ref("hosts")),
  ]),
  links: [],
  actions: { model43: [], model44: [] },
};

/** The representation: never the passwords; engine-internal members stay inside. */
export function presentHost(h: Host): Value {
  const { supported_levels: _l, pending: _p, ...rest } = h;
  // Rows other areas' tests seed directly may lack members: render what is there.
  const pm: Partial<PowerManagement> = h.power_management ?? {};
  return {
    ...rest,
    power_management: {
      automatic_pm_enabled: pm.automatic_pm_enabled,
      enabled: pm.enabled,
      kdump_detection: pm.kdump_detection,
      pm_proxies: [],
    },
    ssh: h.ssh ? { fingerprint: h.ssh.fingerprint, port: h.ssh.port } : undefined,
    root_password: undefined,
  };
}

/** HostConditionFieldAutoCompleter keywords (and the cluster/datacenter cross-references). */
export function hostSearch(
  clusterName: (id: string) => string | undefined,
  dataCenterName: (clusterId: string) => string | undefined,
): SearchFields<Host> {
  return {
    name: (h) => h.name,
    comment: (h) => h.comment,
    address: (h) => h.address,
    cluster: (h) => (h.cluster ? clusterName(h.cluster.id) : undefined),
    datacenter: (h) => (h.cluster ? dataCenterName(h.cluster.id) : undefined),
    status: (h) => h.status,
    external_status: (h) => h.external_status,
    type: (h) => h.type,
    update_available: (h) => h.update_available,
    memory: (h) => h.memory,
    cpus: (h) => (h.cpu ? h.cpu.topology.cores * h.cpu.topology.sockets * h.cpu.topology.threads : undefined),
    version: (h) => (h.version ? String((h.version as { full_version?: string }).full_version) : undefined),
    spm_id: (h) => (h.spm?.status === "spm" ? 1 : undefined),
    active_vms: (h) => h.summary?.active,
    hw_id: (h) => (h.hardware_information as { uuid?: string } | undefined)?.uuid,
  };
}
