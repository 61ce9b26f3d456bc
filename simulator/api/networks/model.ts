// Logical networks and their assignment to clusters: the stored shapes, the wire type (member order
// as captured from a 4.3 engine, samples/networks.xml; model_4.4 members marked) and the search
// keywords. Every data center gets an `ovirtmgmt` management network with its vNIC profile
// (AddEmptyStoragePoolCommand.addDefaultNetworks), and every new cluster gets it assigned with the
// management role (ClusterOperationCommandBase.createManagementNetworkCluster).
import crypto from "node:crypto";
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity, EntityStore } from "../../store/entities";
import type { SearchFields } from "../common/search";
import { defaultVnicProfile, VNIC_PROFILE_KIND, type VnicProfile } from "../vnicprofiles/model";

export const MANAGEMENT_NETWORK_NAME = "ovirtmgmt";
export const NETWORK_USAGES = [
  "default_route",
  "display",
  "gluster",
  "management",
  "migration",
  "vm",
] as const;
export const NETWORK_STATUSES = ["operational", "non_operational"] as const;
/** The store kind of a network's assignment to a cluster (the engine's network_cluster table). */
export const NETWORK_CLUSTER_KIND = "network_cluster" as const;

export type NetworkUsage = (typeof NETWORK_USAGES)[number];

export interface Network extends Entity {
  name: string;
  description: string;
  comment?: string;
  data_center?: { id: string };
  /**
   * Roles asked for on add (`management`, `display`, ... are cluster roles in the engine; only `vm`
   * is a property of the network itself, kept as vm_network).
   */
  usages: string[];
  vm_network: boolean;
  vlan?: { id: number };
  mtu?: number;
  stp?: boolean;
  /** The on-host name (NetworkUtils.setNetworkVdsmName); shown by 4.4 engines. */
  vdsm_name?: string;
  port_isolation?: boolean;
}

/** A network's assignment to a cluster, with the roles it has there. */
export interface NetworkCluster extends Entity {
  cluster: { id: string };
  network: { id: string };
  required: boolean;
  display: boolean;
  migration: boolean;
  management: boolean;
  gluster: boolean;
  default_route: boolean;
}

const HOST_NIC_NAME = /^[0-9a-zA-Z_-]{1,15}$/;

/** NetworkUtils.setNetworkVdsmName: the name when it fits a host NIC name, else "on" + the id's hex. */
export function vdsmNameOf(id: string, name: string): string {
  return HOST_NIC_NAME.test(name) ? name : `on${id.replace(/[^a-zA-Z0-9]+/g, "").slice(0, 13)}`;
}

export function managementNetwork(id: string, dataCenterId: string): Network {
  return {
    id,
    name: MANAGEMENT_NETWORK_NAME,
    description: "Management Network",
    comment: "",
    data_center: { id: dataCenterId },
    usages: ["management", "vm"],
    vm_network: true,
    mtu: 0,
    stp: false,
    vdsm_name: MANAGEMENT_NETWORK_NAME,
    port_isolation: false,
  };
}

/**
 * Stores a data center's management network and its default vNIC profile (the engine does both in
 * one transaction, AddEmptyStoragePoolCommand.addDefaultNetworks). Call inside a transaction.
 */
export function addManagementNetwork(
  store: EntityStore,
  dataCenterId: string,
  ids: { network?: string; profile?: string } = {},
): Network {
  const net = managementNetwork(ids.network ?? crypto.randomUUID(), dataCenterId);
  store.insert("network", net);
  store.insert(VNIC_PROFILE_KIND, defaultVnicProfile(ids.profile ?? crypto.randomUUID(), net));
  return net;
}

/** The assignment every new cluster gets: its data center's management network, every role but gluster. */
export function attachManagementNetwork(store: EntityStore, clusterId: string, networkId: string): void {
  store.insert(NETWORK_CLUSTER_KIND, {
    id: networkClusterId(clusterId, networkId),
    cluster: { id: clusterId },
    network: { id: networkId },
    required: true,
    display: true,
    migration: true,
    management: true,
    gluster: false,
    default_route: true,
  } satisfies NetworkCluster);
}

export function networkClusterId(clusterId: string, networkId: string): string {
  return `${clusterId}/${networkId}`;
}

/** The cluster assignments of a network, or of a cluster. */
export function assignmentsOf(
  store: EntityStore,
  by: { network?: string; cluster?: string },
): NetworkCluster[] {
  return store.list<NetworkCluster>(
    NETWORK_CLUSTER_KIND,
    (a) => (!by.network || a.network.id === by.network) && (!by.cluster || a.cluster.id === by.cluster),
  );
}

/** Forgets a removed cluster's assignments (network_cluster rows go with the cluster). */
export function detachCluster(store: EntityStore, clusterId: string): void {
  for (const a of assignmentsOf(store, { cluster: clusterId })) store.remove(NETWORK_CLUSTER_KIND, a.id);
}

/** Removes a network with its vNIC profiles and cluster assignments (the database cascades). */
export function removeNetwork(store: EntityStore, networkId: string): void {
  for (const p of store.list<VnicProfile>(VNIC_PROFILE_KIND, (p) => p.network.id === networkId)) {
    store.remove(VNIC_PROFILE_KIND, p.id);
  }
  for (const a of assignmentsOf(store, { network: networkId })) store.remove(NETWORK_CLUSTER_KIND, a.id);
  store.remove("network", networkId);
}

/** Removes every network of a removed data center. Call inside a transaction. */
export function removeNetworksOf(store: EntityStore, dataCenterId: string): void {
  for (const n of store.list<Network>("network", (n) => n.data_center?.id === dataCenterId)) {
    removeNetwork(store, n.id);
  }
}

export const NETWORK: EntityType = {
  element: "network",
  plural: "networks",
  path: "networks",
  struct: struct("Network", [
    field("display", T.boolean, { readOnly: true }),
    field("mtu", T.int),
    field("port_isolation", T.boolean, { model44: true }),
    /** Input only: whether adding a VM network also adds its default vNIC profile. */
    field("profile_required", T.boolean),
    field("required", T.boolean),
    field("status", T.enumOf("NetworkStatus", NETWORK_STATUSES), { readOnly: true }),
    field("stp", T.boolean),
    field("usages", T.list("usage", T.enumOf("NetworkUsage", NETWORK_USAGES))),
    field("vdsm_name", T.string, { model44: true, readOnly: true }),
    // The engine's XML carries the VLAN id as an attribute: <vlan id="20"/> (as the SDKs read it).
    field("vlan", T.struct(struct("Vlan", [field("id", T.int, { attribute: true })]))),
    field("cluster", T.ref("clusters"), { readOnly: true }),
    field("data_center", T.ref("datacenters")),
  ]),
  links: ["networklabels", "permissions", "vnicprofiles"],
  actions: { model43: [], model44: [] },
};

/** The keywords of the engine's Network search (NetworkConditionFieldAutoCompleter) used here. */
export function networkSearch(dataCenterName: (id: string) => string | undefined): SearchFields<Network> {
  return {
    name: (n) => n.name,
    description: (n) => n.description,
    comment: (n) => n.comment,
    vlanid: (n) => n.vlan?.id,
    stp: (n) => n.stp ?? false,
    mtu: (n) => n.mtu ?? 0,
    vmnetwork: (n) => n.vm_network,
    datacenter: (n) => (n.data_center ? dataCenterName(n.data_center.id) : undefined),
  };
}

/**
 * The representation (NetworkMapper): `vm` is the only usage of a network as such; under a cluster
 * the roles it has there are added, with `display`, `required` and the status.
 */
export function presentNetwork(n: Network, assignment?: NetworkCluster): Value {
  const usages: string[] = n.vm_network ? ["vm"] : [];
  const out: Value = {
    id: n.id,
    name: n.name,
    description: n.description,
    comment: n.comment ?? "",
    mtu: n.mtu ?? 0,
    stp: n.stp ?? false,
    vlan: n.vlan,
    data_center: n.data_center,
    vdsm_name: n.vdsm_name ?? vdsmNameOf(n.id, n.name),
    port_isolation: n.port_isolation ?? false,
    usages,
  };
  if (assignment) {
    if (assignment.display) usages.push("display");
    if (assignment.migration) usages.push("migration");
    if (assignment.management) usages.push("management");
    if (assignment.default_route) usages.push("default_route");
    if (assignment.gluster) usages.push("gluster");
    out.status = "operational";
    out.display = assignment.display;
    out.required = assignment.required;
    out.cluster = assignment.cluster;
  }
  return out;
}
