// The cluster provider's implementation, loaded at run time through the runtime (never serialized).
// A raised compatibility level reaches running VMs only at their next boot: update names them (a
// warning in the update's output) so the admin can plan the restarts.
import { makeProvider, type KindProvider, type ResourceKind } from "../core/base";
import { searchValue } from "../ovirt/collection";
import { newOperation } from "../ovirt/context";
import { getLogger } from "../ovirt/log";
import { clientFor } from "../ovirt/registry";
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

const core = makeProvider(clusterKind);

function field(props: unknown, key: string): unknown {
  return typeof props === "object" && props !== null ? (props as Record<string, unknown>)[key] : undefined;
}

export const clusterProvider: KindProvider = {
  ...core,
  async update(id, olds, news) {
    const r = await core.update(id, olds, news);
    const level = field(news, "compatibilityVersion");
    if (typeof level !== "string" || level === field(olds, "compatibilityVersion")) return r;
    const engine = String(field(news, "engine"));
    const name = String(field(news, "name"));
    const ctx = newOperation("cluster-update", 60_000);
    const vms = await clientFor(engine).vms.list(ctx, { search: `cluster=${searchValue(name)}` });
    const pending = vms
      .filter((v) => v.status !== "down" && v.next_run_configuration_exists)
      .map((v) => v.name ?? v.id ?? "")
      .sort();
    if (pending.length) {
      getLogger().warn(
        `cluster "${name}" is at level ${level} now; these running VMs take it at their next ` +
          `boot and need a restart: ${pending.join(", ")}`,
      );
    }
    return r;
  },
};
