// The validations of AddVnicProfile, UpdateVnicProfile and RemoveVnicProfile (VnicProfileValidator),
// in the engine's order, with its messages.
import type { EngineContext } from "../../context";
import { commandFailed, fail, type Action } from "../common/messages";
import type { Network } from "../networks/model";
import { listReplacement, vmsUsingProfiles } from "../networks/rules";
import { VNIC_PROFILE_KIND, type VnicProfile } from "./model";

const TYPE = "VM network interface profile" as const;

/** vnicProfileNameNotUsed: case-sensitive, among the profiles of the same network. */
function nameNotUsed(engine: EngineContext, p: VnicProfile, action: Action): void {
  const others = engine.store.list<VnicProfile>(
    VNIC_PROFILE_KIND,
    (o) => o.network.id === p.network.id && o.id !== p.id && o.name === p.name,
  );
  if (others.length > 0) throw fail(action, TYPE, "ACTION_TYPE_FAILED_VNIC_PROFILE_NAME_IN_USE");
}

function passThroughSupported(p: VnicProfile, action: Action): void {
  if (p.pass_through.mode === "enabled" && p.port_mirroring) {
    throw fail(action, TYPE, "ACTION_TYPE_FAILED_PASSTHROUGH_PROFILE_CONTAINS_NOT_SUPPORTED_PROPERTIES");
  }
}

/** vnicProfileNotUsed(...): the VMs with a NIC on the profile. */
function notUsedByVms(engine: EngineContext, p: VnicProfile, action: Action): void {
  const names = vmsUsingProfiles(engine, new Set([p.id]));
  if (names.length === 0) return;
  const one = names.length === 1;
  throw commandFailed(action, TYPE, [
    {
      key: one
        ? "ACTION_TYPE_FAILED_VNIC_PROFILE_IN_ONE_USE"
        : "ACTION_TYPE_FAILED_VNIC_PROFILE_IN_MANY_USES",
      vars: {
        entities: one ? "virtual machine" : "virtual machines",
        ENTITIES_USING_VNIC_PROFILE: listReplacement(names),
        ENTITIES_USING_VNIC_PROFILE_COUNTER: String(names.length),
      },
    },
  ]);
}

export function validateAdd(engine: EngineContext, p: VnicProfile, network: Network): void {
  if (!network.vm_network)
    throw fail("add", TYPE, "ACTION_TYPE_FAILED_CANNOT_ADD_VNIC_PROFILE_TO_NON_VM_NETWORK");
  nameNotUsed(engine, p, "add");
  passThroughSupported(p, "add");
}

export function validateUpdate(engine: EngineContext, old: VnicProfile, p: VnicProfile): void {
  nameNotUsed(engine, p, "edit");
  if (old.network.id !== p.network.id)
    throw fail("edit", TYPE, "ACTION_TYPE_FAILED_CANNOT_CHANGE_VNIC_PROFILE_NETWORK");
  if (old.port_mirroring !== p.port_mirroring) notUsedByVms(engine, old, "edit");
  if (old.pass_through.mode !== p.pass_through.mode) notUsedByVms(engine, old, "edit");
  passThroughSupported(p, "edit");
}

export function validateRemove(engine: EngineContext, p: VnicProfile): void {
  notUsedByVms(engine, p, "remove");
}
