// Logical networks: /networks, /datacenters/{id}/networks, and their assignment to clusters,
// /clusters/{id}/networks (model types/Network.java, services/NetworksService.java,
// ClusterNetworksService.java).
import { encode, entityFields, list, object, Ref, type Decoded } from "./codec";
import { CollectionService, searchValue, type ListOptions } from "./collection";
import type { ClusterId } from "./clusters";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import type { DataCenterId } from "./datacenters";
import { isFault } from "./errors";
import { brand, type Brand } from "./ids";

export type NetworkId = Brand<string, "NetworkId">;
export const networkId = (id: string): NetworkId => brand<"NetworkId">(id, "network");

export const NetworkType = object({
  ...entityFields,
  data_center: Ref,
  cluster: Ref,
  vlan: object({ id: "int32" }),
  mtu: "int32",
  stp: "bool",
  /** vm, display, migration, management, default_route, gluster */
  usages: list("string", "usage"),
  required: "bool",
  display: "bool",
  status: "string",
  profile_required: "bool",
  vdsm_name: "string",
  port_isolation: "bool",
});

export type ApiNetwork = Decoded<typeof NetworkType>;

export class NetworksService extends CollectionService<typeof NetworkType, NetworkId> {
  constructor(conn: Connection) {
    super(conn, { path: "networks", singular: "network", type: NetworkType, label: "network" });
  }

  /** The networks of one data center. */
  async listInDataCenter(
    ctx: OperationContext,
    dc: DataCenterId,
    opts: ListOptions = {},
  ): Promise<ApiNetwork[]> {
    return this.listAt(ctx, `/datacenters/${encodeURIComponent(dc)}/networks`, opts);
  }

  /** The network named exactly `name` in data center `dc` (names are unique per data center only). */
  async findInDataCenter(
    ctx: OperationContext,
    dc: DataCenterId,
    name: string,
  ): Promise<ApiNetwork | undefined> {
    const found = await this.listInDataCenter(ctx, dc, { search: `name=${searchValue(name)}` });
    return found.find((n) => n.name === name);
  }

  /** The networks assigned to a cluster, each with its role there (`required`, `usages`). */
  async listInCluster(ctx: OperationContext, cluster: ClusterId): Promise<ApiNetwork[]> {
    return this.listAt(ctx, `/clusters/${encodeURIComponent(cluster)}/networks`, {});
  }

  /** Assigns a network to a cluster (AttachNetworkToCluster). */
  async attachToCluster(
    ctx: OperationContext,
    cluster: ClusterId,
    network: NetworkId,
    opts: { required?: boolean } = {},
  ): Promise<ApiNetwork> {
    const res = await this.conn.request(ctx, "POST", `/clusters/${encodeURIComponent(cluster)}/networks`, {
      body: encode(NetworkType, { id: network, required: opts.required }),
    });
    return this.decodeOne(res.data, `POST /clusters/${cluster}/networks`);
  }

  /** Changes a cluster assignment's `required`. */
  async updateInCluster(
    ctx: OperationContext,
    cluster: ClusterId,
    network: NetworkId,
    body: ApiNetwork,
  ): Promise<ApiNetwork> {
    const path = `/clusters/${encodeURIComponent(cluster)}/networks/${encodeURIComponent(network)}`;
    const res = await this.conn.request(ctx, "PUT", path, { body: encode(NetworkType, body) });
    return this.decodeOne(res.data, `PUT ${path}`);
  }

  /** Removes a network from a cluster; `false` when it was not assigned (404). */
  async detachFromCluster(ctx: OperationContext, cluster: ClusterId, network: NetworkId): Promise<boolean> {
    try {
      await this.conn.request(
        ctx,
        "DELETE",
        `/clusters/${encodeURIComponent(cluster)}/networks/${encodeURIComponent(network)}`,
      );
      return true;
    } catch (err) {
      if (isFault(err, "not_found")) return false;
      throw err;
    }
  }
}
