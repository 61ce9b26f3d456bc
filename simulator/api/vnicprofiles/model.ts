// vNIC profiles: the stored shape, the wire type (VnicProfileMapper; JAXB member order) and the
// profile the engine makes for every VM network (NetworkHelper.createVnicProfile).
import { field, PropertyStruct, struct, T, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity } from "../../store/entities";

export const VNIC_PROFILE_KIND = "vnic_profile" as const;
/** The `vdsm-no-mac-spoofing` network filter every profile of an internal network gets (data 01850). */
export const DEFAULT_NETWORK_FILTER_ID = "d2370ab4-fee3-11e9-a310-8c1645ce738e";
/** engine-setup's profile of the Default data center's ovirtmgmt (data 01900_insert_vnic_profiles.sql). */
export const DEFAULT_MANAGEMENT_PROFILE_ID = "0000000a-000a-000a-000a-000000000398";
export const PASS_THROUGH_MODES = ["disabled", "enabled"] as const;

export interface VnicProfile extends Entity {
  name: string;
  description?: string;
  network: { id: string };
  port_mirroring: boolean;
  pass_through: { mode: (typeof PASS_THROUGH_MODES)[number] };
  migratable?: boolean;
  custom_properties?: Array<{ name: string; value: string }>;
  network_filter?: { id: string };
  failover?: { id: string };
}

/** The profile named like its network that the engine adds with every VM network. */
export function defaultVnicProfile(id: string, network: { id: string; name: string }): VnicProfile {
  return {
    id,
    name: network.name,
    network: { id: network.id },
    port_mirroring: false,
    pass_through: { mode: "disabled" },
    network_filter: { id: DEFAULT_NETWORK_FILTER_ID },
  };
}

export const VNIC_PROFILE: EntityType = {
  element: "vnic_profile",
  plural: "vnic_profiles",
  path: "vnicprofiles",
  struct: struct("VnicProfile", [
    field("custom_properties", T.list("custom_property", T.struct(PropertyStruct))),
    field("migratable", T.boolean),
    field(
      "pass_through",
      T.struct(
        struct("VnicPassThrough", [field("mode", T.enumOf("VnicPassThroughMode", PASS_THROUGH_MODES))]),
      ),
    ),
    field("port_mirroring", T.boolean),
    field("failover", T.ref("vnicprofiles"), { model44: true }),
    field("network", T.ref("networks")),
    field("network_filter", T.ref("networkfilters")),
  ]),
  links: ["permissions"],
  actions: { model43: [], model44: [] },
};

/** The representation: no empty description or custom properties; `migratable` only for pass-through. */
export function presentVnicProfile(p: VnicProfile): Value {
  return {
    ...p,
    description: p.description || undefined,
    custom_properties: p.custom_properties?.length ? p.custom_properties : undefined,
    migratable: p.pass_through.mode === "enabled" ? (p.migratable ?? true) : undefined,
  };
}
