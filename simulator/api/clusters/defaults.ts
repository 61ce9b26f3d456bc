// What a cluster looks like before the client's input is applied: the engine's Cluster() defaults,
// the database defaults added by upgrade scripts, and the personality's model_4.4 members.
import type { Personality } from "../../personality";
import { compareLevels, type Level } from "../common/levels";
import { DEFAULT_SCHEDULING_POLICY } from "../schedulingpolicies/catalog";
import type { Cluster } from "./model";

/** The "Minimal downtime" migration policy every cluster gets (upgrade 04_02_0350). */
export const DEFAULT_MIGRATION_POLICY_ID = "80554327-0569-496b-bdeb-fcbbf52b827b";

export interface ClusterSeed {
  id: string;
  name: string;
  description?: string;
  version: Level;
  macPoolId: string;
  dataCenterId?: string;
  managementNetworkId?: string;
}

export function newCluster(p: Personality, seed: ClusterSeed): Cluster {
  const cluster: Cluster = {
    id: seed.id,
    name: seed.name,
    description: seed.description ?? "",
    comment: "",
    ballooning_enabled: true,
    custom_scheduling_policy_properties: DEFAULT_SCHEDULING_POLICY.properties.map((prop) => ({ ...prop })),
    error_handling: { on_error: "migrate" },
    fencing_policy: {
      enabled: true,
      skip_if_connectivity_broken: { enabled: false, threshold: 50 },
      skip_if_gluster_bricks_up: false,
      skip_if_gluster_quorum_not_met: false,
      skip_if_sd_active: { enabled: false },
    },
    firewall_type: "firewalld",
    gluster_service: false,
    ha_reservation: false,
    ksm: { enabled: true, merge_across_nodes: true },
    log_max_memory_used_threshold: 95,
    log_max_memory_used_threshold_type: "percentage",
    memory_policy: { over_commit: { percent: 100 }, transparent_hugepages: { enabled: true } },
    migration: {
      auto_converge: "inherit",
      bandwidth: { assignment_method: "auto" },
      compressed: "inherit",
      policy: { id: DEFAULT_MIGRATION_POLICY_ID },
    },
    required_rng_sources: ["urandom"],
    switch_type: "legacy",
    threads_as_cores: false,
    trusted_service: false,
    tunnel_migration: false,
    version: seed.version,
    virt_service: true,
    mac_pool: { id: seed.macPoolId },
    scheduling_policy: { id: DEFAULT_SCHEDULING_POLICY.id },
  };
  if (seed.dataCenterId) cluster.data_center = { id: seed.dataCenterId };
  if (seed.managementNetworkId) cluster.management_network = { id: seed.managementNetworkId };
  if (p.model44) {
    cluster.bios_type = defaultBiosType(seed.version);
    cluster.fips_mode = "undefined";
    cluster.vnc_encryption = false;
    cluster.migration.encrypted = "inherit";
  }
  return cluster;
}

/** 4.4 engines default clusters at level 4.4+ to the Q35 chipset; older levels keep i440fx. */
export function defaultBiosType(version: Level): NonNullable<Cluster["bios_type"]> {
  return compareLevels(version, { major: 4, minor: 4 }) >= 0 ? "q35_sea_bios" : "i440fx_sea_bios";
}
