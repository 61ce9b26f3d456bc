// The network provider's implementation, loaded at run time through the runtime (never serialized).
// A network's cluster assignments are part of it: the service below reads them back from the
// clusters of its data center and makes them match on add and update (attach, detach, `required`).
import { makeProvider, type CrudService, type ResourceKind } from "../core/base";
import type { OvirtClient } from "../ovirt/client";
import { clusterId } from "../ovirt/clusters";
import type { OperationContext } from "../ovirt/context";
import { dataCenterId } from "../ovirt/datacenters";
import { networkId, type ApiNetwork, type NetworkId } from "../ovirt/networks";
import {
  NetworkArgsSchema,
  networkComputed,
  networkFromApi,
  networkPolicies,
  networkToApi,
  type ClusterAssignment,
  type NetworkArgs,
  type NetworkState,
} from "./model";

function byCluster(a: ClusterAssignment, b: ClusterAssignment): number {
  return a.clusterId.localeCompare(b.clusterId);
}

export class NetworkService implements CrudService<NetworkState, NetworkId> {
  private readonly dataCenter: string | undefined;
  /** Assignments cost a request per cluster of the data center: read only when they are managed. */
  private readonly managesClusters: boolean;

  constructor(
    private readonly client: OvirtClient,
    args: Partial<NetworkArgs>,
  ) {
    this.dataCenter = args.dataCenterId;
    this.managesClusters = args.clusters !== undefined;
  }

  /** The clusters of the network's data center that have it, with `required` there. */
  async assignments(ctx: OperationContext, net: ApiNetwork): Promise<ClusterAssignment[]> {
    const dc = net.data_center?.id;
    if (!dc || !net.id) return [];
    const clusters = await this.client.clusters.listInDataCenter(ctx, dataCenterId(dc));
    const out: ClusterAssignment[] = [];
    for (const c of clusters) {
      if (!c.id) continue;
      const here = (await this.client.networks.listInCluster(ctx, clusterId(c.id))).find(
        (n) => n.id === net.id,
      );
      if (here) out.push({ clusterId: c.id, required: here.required ?? true });
    }
    return out.sort(byCluster);
  }

  private async withAssignments(ctx: OperationContext, net: ApiNetwork): Promise<NetworkState> {
    if (!this.managesClusters) return net;
    return { ...net, clusters: await this.assignments(ctx, net) };
  }

  /** Names are unique per data center: look in the one the resource names. */
  async findByName(ctx: OperationContext, name: string): Promise<NetworkState | undefined> {
    const found = this.dataCenter
      ? await this.client.networks.findInDataCenter(ctx, dataCenterId(this.dataCenter), name)
      : await this.client.networks.findByName(ctx, name);
    return found ? this.withAssignments(ctx, found) : undefined;
  }

  async tryGet(ctx: OperationContext, id: NetworkId): Promise<NetworkState | undefined> {
    const net = await this.client.networks.tryGet(ctx, id);
    return net ? this.withAssignments(ctx, net) : undefined;
  }

  async add(ctx: OperationContext, body: NetworkState): Promise<NetworkState> {
    const { clusters, ...network } = body;
    const made = await this.client.networks.add(ctx, network);
    if (!made.id) return made;
    // Interrupted here, the next create finds the network by name and update attaches the rest.
    await this.assign(ctx, networkId(made.id), [], clusters ?? []);
    return this.withAssignments(ctx, made);
  }

  async update(ctx: OperationContext, id: NetworkId, body: NetworkState): Promise<NetworkState> {
    const { clusters, ...network } = body;
    let net =
      Object.keys(network).length > 0 ? await this.client.networks.update(ctx, id, network) : undefined;
    if (clusters) {
      net ??= await this.client.networks.get(ctx, id);
      await this.assign(ctx, id, await this.assignments(ctx, net), clusters);
    }
    return (await this.tryGet(ctx, id)) ?? { ...net, id };
  }

  async remove(ctx: OperationContext, id: NetworkId): Promise<boolean> {
    return this.client.networks.remove(ctx, id);
  }

  /** Attaches what is wanted and missing, detaches what is there and not wanted, fixes `required`. */
  private async assign(
    ctx: OperationContext,
    id: NetworkId,
    live: ClusterAssignment[],
    wanted: ClusterAssignment[],
  ): Promise<void> {
    const liveBy = new Map(live.map((a) => [a.clusterId, a]));
    const wantedIds = new Set(wanted.map((a) => a.clusterId));
    for (const a of live) {
      if (!wantedIds.has(a.clusterId))
        await this.client.networks.detachFromCluster(ctx, clusterId(a.clusterId), id);
    }
    for (const a of wanted) {
      const current = liveBy.get(a.clusterId);
      if (!current) {
        await this.client.networks.attachToCluster(ctx, clusterId(a.clusterId), id, { required: a.required });
      } else if (current.required !== a.required) {
        await this.client.networks.updateInCluster(ctx, clusterId(a.clusterId), id, { required: a.required });
      }
    }
  }
}

export const networkKind: ResourceKind<NetworkArgs, NetworkState, NetworkId> = {
  kind: "network",
  label: "network",
  schema: NetworkArgsSchema,
  policies: networkPolicies,
  defaultTimeouts: { create: 300, update: 300, delete: 300 },
  service: (client, args) => new NetworkService(client, args),
  id: networkId,
  toApi: networkToApi,
  fromApi: networkFromApi,
  computed: networkComputed,
};

export const networkProvider = makeProvider(networkKind);
