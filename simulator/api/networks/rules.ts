// The validations of AddNetwork, UpdateNetwork, RemoveNetwork, AttachNetworkToCluster and
// DetachNetworkFromCluster (NetworkValidator and friends), in the engine's order, with its messages.
// VMs are found through their NICs' vNIC profiles (store kind `vm_nic`, member `vnic_profile`), so the
// rules hold as the VM area arrives.
import type { EngineContext } from "../../context";
import type { Cluster } from "../clusters/model";
import { commandFailed, fail, type Action, type Failure } from "../common/messages";
import { VNIC_PROFILE_KIND, type VnicProfile } from "../vnicprofiles/model";
import { type Network, type NetworkCluster } from "./model";

type Named = { id: string; name: string };
type Nic = { id: string; vm?: { id: string }; vnic_profile?: { id: string } };

/** bean validation of the entity (@Min/@Max on vlanId), before the command's validate(). */
function validateEntity(n: Network, action: Action): void {
  if (n.vlan && (n.vlan.id < 0 || n.vlan.id > 4094)) {
    throw fail(action, "Network", "NETWORK_VLAN_OUT_OF_RANGE");
  }
}

function sameDataCenter(engine: EngineContext, n: Network): Network[] {
  return engine.store.list<Network>("network", (o) => o.data_center?.id === n.data_center?.id);
}

/** NetworkValidator.networkNameNotUsed: case-sensitive, within the data center. */
function nameNotUsed(engine: EngineContext, n: Network, action: Action): void {
  if (sameDataCenter(engine, n).some((o) => o.name === n.name && o.id !== n.id)) {
    throw fail(action, "Network", "ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE", { NetworkName: n.name });
  }
}

/** The names of the VMs with a NIC on one of `profileIds`, sorted like the DAO returns them. */
export function vmsUsingProfiles(engine: EngineContext, profileIds: ReadonlySet<string>): string[] {
  const vmIds = new Set(
    engine.store
      .list<Nic>("vm_nic", (nic) => !!nic.vnic_profile && profileIds.has(nic.vnic_profile.id))
      .map((nic) => nic.vm?.id)
      .filter((id): id is string => !!id),
  );
  return engine.store
    .list<Named>("vm", (vm) => vmIds.has(vm.id))
    .map((vm) => vm.name)
    .sort();
}

function vmsUsingNetwork(engine: EngineContext, networkId: string): string[] {
  const profiles = engine.store.list<VnicProfile>(VNIC_PROFILE_KIND, (p) => p.network.id === networkId);
  return vmsUsingProfiles(engine, new Set(profiles.map((p) => p.id)));
}

/** ReplacementUtils.replaceWith: at most five items, each on its own line, "..." when cut. */
export function listReplacement(items: string[]): string {
  const printed = items.slice(0, 5).map((i) => `\t${i}`);
  if (items.length > 5) printed.push("\t...");
  return printed.join(",\n");
}

/** NetworkValidator.PluralMessages.getNetworkInUse for VMs. */
function notUsedByVms(names: string[]): Failure | undefined {
  if (names.length === 0) return undefined;
  if (names.length === 1) {
    return {
      key: "ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE",
      vars: { entities: "virtual machine", ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE_ENTITY: names[0] },
    };
  }
  return {
    key: "ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES",
    vars: {
      entities: "virtual machines",
      ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES_LIST: listReplacement(names),
      ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES_LIST_COUNTER: String(names.length),
    },
  };
}

function common(n: Network, action: Action): void {
  if (n.stp && !n.vm_network) throw fail(action, "Network", "NON_VM_NETWORK_CANNOT_SUPPORT_STP");
  if (n.name.toLowerCase().startsWith("bond"))
    throw fail(action, "Network", "NETWORK_CANNOT_CONTAIN_BOND_NAME");
}

export function validateAdd(engine: EngineContext, n: Network): void {
  validateEntity(n, "add");
  common(n, "add");
  nameNotUsed(engine, n, "add");
}

export function validateUpdate(engine: EngineContext, old: Network, n: Network): void {
  validateEntity(n, "edit");
  common(n, "edit");
  if (old.data_center?.id !== n.data_center?.id) {
    throw fail("edit", "Network", "ACTION_TYPE_FAILED_DATA_CENTER_ID_CANNOT_BE_CHANGED");
  }
  nameNotUsed(engine, n, "edit");
  if (old.vm_network && !n.vm_network) {
    const used = notUsedByVms(vmsUsingNetwork(engine, old.id));
    if (used) throw commandFailed("edit", "Network", [used]);
  }
}

/** The management network of any cluster (ManagementNetworkUtil.isManagementNetwork). */
function isManagement(engine: EngineContext, n: Network): boolean {
  return engine.store.list<Cluster>("cluster", (c) => c.management_network?.id === n.id).length > 0;
}

export function validateRemove(engine: EngineContext, n: Network): void {
  if (isManagement(engine, n)) {
    throw fail("remove", "Network", "NETWORK_CANNOT_REMOVE_MANAGEMENT_NETWORK", { NetworkName: n.name });
  }
  const used = notUsedByVms(vmsUsingNetwork(engine, n.id));
  if (used) throw commandFailed("remove", "Network", [used]);
}

export function validateAttach(
  n: Network,
  cluster: Cluster,
  existing: NetworkCluster | undefined,
  assignment: NetworkCluster,
): void {
  if (existing) throw fail("attach", "Network", "NETWORK_ALREADY_ATTACHED_TO_CLUSTER");
  if (cluster.data_center?.id !== n.data_center?.id) {
    throw fail("attach", "Network", "ACTION_TYPE_FAILED_NETWORK_FROM_DIFFERENT_DC");
  }
  if (assignment.management && !assignment.required) {
    throw fail("attach", "Network", "ACTION_TYPE_FAILED_MANAGEMENT_NETWORK_REQUIRED", {
      NetworkName: n.name,
    });
  }
}

/** DetachNetworkFromClusterInternalCommand: never the cluster's management network, nor one its VMs use. */
export function validateDetach(engine: EngineContext, n: Network, cluster: Cluster): void {
  if (cluster.management_network?.id === n.id) {
    throw fail("detach", "Network", "NETWORK_CANNOT_REMOVE_MANAGEMENT_NETWORK", { NetworkName: n.name });
  }
  const profiles = new Set(
    engine.store.list<VnicProfile>(VNIC_PROFILE_KIND, (p) => p.network.id === n.id).map((p) => p.id),
  );
  const vmIds = new Set(
    engine.store
      .list<{ id: string; cluster?: { id: string } }>("vm", (vm) => vm.cluster?.id === cluster.id)
      .map((vm) => vm.id),
  );
  const names = vmsUsingProfiles(engine, profiles).filter(
    (name) => engine.store.list<Named>("vm", (vm) => vm.name === name && vmIds.has(vm.id)).length > 0,
  );
  const used = notUsedByVms(names);
  if (used) throw commandFailed("detach", "Network", [used]);
}
