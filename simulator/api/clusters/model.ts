// Clusters: the stored shape, the wire type (member order as captured from a 4.3 engine,
// samples/cluster.xml; model_4.4 members marked) and the search keywords.
import { field, PropertyStruct, struct, T, VersionStruct, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity, EntityStore } from "../../store/entities";
import { levelString, type Level } from "../common/levels";
import type { SearchFields } from "../common/search";

export const ARCHITECTURES = ["undefined", "x86_64", "ppc64", "s390x"] as const;
export const MIGRATE_ON_ERROR = ["migrate", "do_not_migrate", "migrate_highly_available"] as const;
export const FIREWALL_TYPES = ["iptables", "firewalld"] as const;
export const SWITCH_TYPES = ["legacy", "ovs"] as const;
export const THRESHOLD_TYPES = ["percentage", "absolute_value_in_mb"] as const;
export const RNG_SOURCES = ["random", "urandom", "hwrng"] as const;
export const INHERITABLE_BOOLEANS = ["true", "false", "inherit"] as const;
export const BANDWIDTH_METHODS = ["auto", "hypervisor_default", "custom"] as const;
export const BIOS_TYPES = [
  "cluster_default",
  "i440fx_sea_bios",
  "q35_ovmf",
  "q35_sea_bios",
  "q35_secure_boot",
] as const;
export const FIPS_MODES = ["undefined", "disabled", "enabled"] as const;
export const SERIAL_NUMBER_POLICIES = ["host", "vm", "custom"] as const;

type Of<A extends readonly string[]> = A[number];

export interface Cluster extends Entity {
  name: string;
  description: string;
  comment: string;
  ballooning_enabled: boolean;
  bios_type?: Of<typeof BIOS_TYPES>;
  /** Rendered only once a CPU type is set (ClusterMapper). */
  cpu?: { architecture?: Of<typeof ARCHITECTURES>; type?: string };
  custom_scheduling_policy_properties?: Array<{ name: string; value: string }>;
  display?: { proxy?: string };
  error_handling: { on_error: Of<typeof MIGRATE_ON_ERROR> };
  fencing_policy: {
    enabled: boolean;
    skip_if_connectivity_broken: { enabled: boolean; threshold: number };
    skip_if_gluster_bricks_up: boolean;
    skip_if_gluster_quorum_not_met: boolean;
    skip_if_sd_active: { enabled: boolean };
  };
  fips_mode?: Of<typeof FIPS_MODES>;
  firewall_type: Of<typeof FIREWALL_TYPES>;
  gluster_service: boolean;
  gluster_tuned_profile?: string;
  ha_reservation: boolean;
  ksm: { enabled: boolean; merge_across_nodes: boolean };
  log_max_memory_used_threshold: number;
  log_max_memory_used_threshold_type: Of<typeof THRESHOLD_TYPES>;
  memory_policy: { over_commit: { percent: number }; transparent_hugepages: { enabled: boolean } };
  migration: {
    auto_converge: Of<typeof INHERITABLE_BOOLEANS>;
    bandwidth: { assignment_method: Of<typeof BANDWIDTH_METHODS>; custom_value?: number };
    compressed: Of<typeof INHERITABLE_BOOLEANS>;
    encrypted?: Of<typeof INHERITABLE_BOOLEANS>;
    policy: { id: string };
  };
  required_rng_sources: Array<Of<typeof RNG_SOURCES>>;
  serial_number?: { policy?: Of<typeof SERIAL_NUMBER_POLICIES>; value?: string };
  switch_type: Of<typeof SWITCH_TYPES>;
  threads_as_cores: boolean;
  trusted_service: boolean;
  tunnel_migration: boolean;
  version: Level;
  virt_service: boolean;
  vnc_encryption?: boolean;
  /** Unset when the data center was removed (the engine's FK is ON DELETE SET NULL). */
  data_center?: { id: string };
  mac_pool: { id: string };
  /** Shown only with All-Content (BackendClustersResource.doPopulate). */
  management_network?: { id: string };
  scheduling_policy: { id: string };
}

const inheritable = T.enumOf("InheritableBoolean", INHERITABLE_BOOLEANS);

const CpuStruct = struct("Cpu", [
  field("architecture", T.enumOf("Architecture", ARCHITECTURES)),
  field("type", T.string),
]);

const FencingPolicyStruct = struct("FencingPolicy", [
  field("enabled", T.boolean),
  field(
    "skip_if_connectivity_broken",
    T.struct(struct("SkipIfConnectivityBroken", [field("enabled", T.boolean), field("threshold", T.int)])),
  ),
  field("skip_if_gluster_bricks_up", T.boolean),
  field("skip_if_gluster_quorum_not_met", T.boolean),
  field("skip_if_sd_active", T.struct(struct("SkipIfSdActive", [field("enabled", T.boolean)]))),
]);

const MigrationStruct = struct("MigrationOptions", [
  field("auto_converge", inheritable),
  field(
    "bandwidth",
    T.struct(
      struct("MigrationBandwidth", [
        field("assignment_method", T.enumOf("MigrationBandwidthAssignmentMethod", BANDWIDTH_METHODS)),
        field("custom_value", T.int),
      ]),
    ),
  ),
  field("compressed", inheritable),
  field("encrypted", inheritable, { model44: true }),
  field("policy", T.ref()),
]);

export const CLUSTER: EntityType = {
  element: "cluster",
  plural: "clusters",
  path: "clusters",
  struct: struct("Cluster", [
    field("ballooning_enabled", T.boolean),
    field("bios_type", T.enumOf("BiosType", BIOS_TYPES), { model44: true }),
    field("cpu", T.struct(CpuStruct)),
    field("custom_scheduling_policy_properties", T.list("property", T.struct(PropertyStruct))),
    field("display", T.struct(struct("Display", [field("proxy", T.string)]))),
    field(
      "error_handling",
      T.struct(struct("ErrorHandling", [field("on_error", T.enumOf("MigrateOnError", MIGRATE_ON_ERROR))])),
    ),
    field("fencing_policy", T.struct(FencingPolicyStruct)),
    field("fips_mode", T.enumOf("FipsMode", FIPS_MODES), { model44: true }),
    field("firewall_type", T.enumOf("FirewallType", FIREWALL_TYPES)),
    field("gluster_service", T.boolean),
    field("gluster_tuned_profile", T.string),
    field("ha_reservation", T.boolean),
    field(
      "ksm",
      T.struct(struct("Ksm", [field("enabled", T.boolean), field("merge_across_nodes", T.boolean)])),
    ),
    field("log_max_memory_used_threshold", T.int),
    field("log_max_memory_used_threshold_type", T.enumOf("LogMaxMemoryUsedThresholdType", THRESHOLD_TYPES)),
    field(
      "memory_policy",
      T.struct(
        struct("MemoryPolicy", [
          field("over_commit", T.struct(struct("MemoryOverCommit", [field("percent", T.int)]))),
          field(
            "transparent_hugepages",
            T.struct(struct("TransparentHugePages", [field("enabled", T.boolean)])),
          ),
        ]),
      ),
    ),
    field("migration", T.struct(MigrationStruct)),
    field("required_rng_sources", T.list("required_rng_source", T.enumOf("RngSource", RNG_SOURCES))),
    field(
      "serial_number",
      T.struct(
        struct("SerialNumber", [
          field("policy", T.enumOf("SerialNumberPolicy", SERIAL_NUMBER_POLICIES)),
          field("value", T.string),
        ]),
      ),
    ),
    field("switch_type", T.enumOf("SwitchType", SWITCH_TYPES)),
    field("threads_as_cores", T.boolean),
    field("trusted_service", T.boolean),
    field("tunnel_migration", T.boolean),
    field("version", T.struct(VersionStruct)),
    field("virt_service", T.boolean),
    field("vnc_encryption", T.boolean, { model44: true }),
    field("data_center", T.ref("datacenters")),
    field("mac_pool", T.ref("macpools")),
    field("management_network", T.ref("networks")),
    field("scheduling_policy", T.ref("schedulingpolicies")),
  ]),
  links: [
    "cpuprofiles",
    "affinitygroups",
    "glusterhooks",
    "glustervolumes",
    "enabledfeatures",
    "externalnetworkproviders",
    "networkfilters",
    "networks",
    "permissions",
  ],
  actions: {
    model43: ["upgrade", "syncallnetworks", "resetemulatedmachine"],
    model44: ["upgrade", "syncallnetworks", "resetemulatedmachine", "refreshglusterhealstatus"],
  },
};

/** The clusters of a data center. */
export function clustersOf(store: EntityStore, dataCenterId: string): Cluster[] {
  return store.list<Cluster>("cluster", (c) => c.data_center?.id === dataCenterId);
}

/** The keywords of the engine's Cluster search, plus the `datacenter` cross-reference. */
export function clusterSearch(dataCenterName: (id: string) => string | undefined): SearchFields<Cluster> {
  return {
    name: (c) => c.name,
    description: (c) => c.description,
    comment: (c) => c.comment,
    architecture: (c) => c.cpu?.architecture,
    compatibility_level: (c) => levelString(c.version),
    cpu_type: (c) => c.cpu?.type,
    datacenter: (c) => (c.data_center ? dataCenterName(c.data_center.id) : undefined),
  };
}

/** The representation: no <cpu> without a CPU type; management_network only with All-Content. */
export function presentCluster(c: Cluster, allContent: boolean): Value {
  return {
    ...c,
    cpu: c.cpu?.type ? c.cpu : undefined,
    management_network: allContent ? c.management_network : undefined,
  };
}
