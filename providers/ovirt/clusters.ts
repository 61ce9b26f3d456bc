// Clusters: /clusters and /datacenters/{id}/clusters (model types/Cluster.java).
import { entityFields, list, object, Ref, Version, type Decoded } from "./codec";
import { CollectionService, type ListOptions } from "./collection";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import type { DataCenterId } from "./datacenters";
import { brand, type Brand } from "./ids";

export type ClusterId = Brand<string, "ClusterId">;
export const clusterId = (id: string): ClusterId => brand<"ClusterId">(id, "cluster");

export const ClusterType = object({
  ...entityFields,
  cpu: object({ architecture: "string", type: "string" }),
  version: Version,
  supported_versions: list(Version, "version"),
  data_center: Ref,
  management_network: Ref,
  scheduling_policy: Ref,
  mac_pool: Ref,
  threads_as_cores: "bool",
  ballooning_enabled: "bool",
  virt_service: "bool",
  gluster_service: "bool",
  tunnel_migration: "bool",
  trusted_service: "bool",
  ha_reservation: "bool",
  ksm: object({ enabled: "bool", merge_across_nodes: "bool" }),
  memory_policy: object({
    over_commit: object({ percent: "int32" }),
    transparent_hugepages: object({ enabled: "bool" }),
  }),
  error_handling: object({ on_error: "string" }),
  fencing_policy: object({
    enabled: "bool",
    skip_if_connectivity_broken: object({ enabled: "bool", threshold: "int32" }),
    skip_if_gluster_bricks_up: "bool",
    skip_if_gluster_quorum_not_met: "bool",
    skip_if_sd_active: object({ enabled: "bool" }),
  }),
  required_rng_sources: list("string", "required_rng_source"),
  log_max_memory_used_threshold: "int32",
  log_max_memory_used_threshold_type: "string",
  switch_type: "string",
  firewall_type: "string",
  bios_type: "string",
  fips_mode: "string",
  vnc_encryption: "bool",
});

export type ApiCluster = Decoded<typeof ClusterType>;

export class ClustersService extends CollectionService<typeof ClusterType, ClusterId> {
  constructor(conn: Connection) {
    super(conn, { path: "clusters", singular: "cluster", type: ClusterType, label: "cluster" });
  }

  /** The clusters of one data center. */
  async listInDataCenter(
    ctx: OperationContext,
    dc: DataCenterId,
    opts: ListOptions = {},
  ): Promise<ApiCluster[]> {
    return this.listAt(ctx, `/datacenters/${encodeURIComponent(dc)}/clusters`, opts);
  }
}
