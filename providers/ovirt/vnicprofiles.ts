// vNIC profiles: /vnicprofiles and /networks/{id}/vnicprofiles (model types/VnicProfile.java,
// services/VnicProfilesService.java, AssignedVnicProfilesService.java).
import { entityFields, list, object, Ref, type Decoded } from "./codec";
import { CollectionService } from "./collection";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import { brand, type Brand } from "./ids";
import type { NetworkId } from "./networks";

export type VnicProfileId = Brand<string, "VnicProfileId">;
export const vnicProfileId = (id: string): VnicProfileId => brand<"VnicProfileId">(id, "vNIC profile");

export const VnicProfileType = object({
  ...entityFields,
  network: Ref,
  port_mirroring: "bool",
  /** mode: enabled | disabled */
  pass_through: object({ mode: "string" }),
  migratable: "bool",
  custom_properties: list(object({ name: "string", value: "string" }), "custom_property"),
  network_filter: Ref,
  qos: Ref,
  failover: Ref,
});

export type ApiVnicProfile = Decoded<typeof VnicProfileType>;

export class VnicProfilesService extends CollectionService<typeof VnicProfileType, VnicProfileId> {
  constructor(conn: Connection) {
    super(conn, {
      path: "vnicprofiles",
      singular: "vnic_profile",
      type: VnicProfileType,
      label: "vNIC profile",
    });
  }

  /** The profiles of one network. */
  async listForNetwork(ctx: OperationContext, network: NetworkId): Promise<ApiVnicProfile[]> {
    return this.listAt(ctx, `/networks/${encodeURIComponent(network)}/vnicprofiles`, {});
  }

  /** The profile named exactly `name` on `network` (names are unique per network only). */
  async findOnNetwork(
    ctx: OperationContext,
    network: NetworkId,
    name: string,
  ): Promise<ApiVnicProfile | undefined> {
    return (await this.listForNetwork(ctx, network)).find((p) => p.name === name);
  }
}
