// The cluster provider's implementation, loaded at run time through the runtime (never serialized).
import { makeProvider, type ResourceKind } from "../core/base";
import { clusterId, type ApiCluster, type ClusterId } from "../ovirt/clusters";
import {
  ClusterArgsSchema,
  clusterComputed,
  clusterFromApi,
  clusterPolicies,
  clusterToApi,
  type ClusterArgs,
} from "./model";

export const clusterKind: ResourceKind<ClusterArgs, ApiCluster, ClusterId> = {
  kind: "cluster",
  label: "cluster",
  schema: ClusterArgsSchema,
  policies: clusterPolicies,
  defaultTimeouts: { create: 300, update: 300, delete: 300 },
  service: (client) => client.clusters,
  id: clusterId,
  toApi: clusterToApi,
  fromApi: clusterFromApi,
  computed: clusterComputed,
};

export const clusterProvider = makeProvider(clusterKind);
