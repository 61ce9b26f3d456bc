// The vNIC profile provider's implementation, loaded at run time through the runtime (never serialized).
import { makeProvider, type CrudService, type ResourceKind } from "../core/base";
import type { OvirtClient } from "../ovirt/client";
import type { OperationContext } from "../ovirt/context";
import { networkId } from "../ovirt/networks";
import { vnicProfileId, type ApiVnicProfile, type VnicProfileId } from "../ovirt/vnicprofiles";
import {
  VnicProfileArgsSchema,
  vnicProfileComputed,
  vnicProfileFromApi,
  vnicProfilePolicies,
  vnicProfileToApi,
  type VnicProfileArgs,
} from "./model";

/** Profile names are unique per network only, so a lookup by name looks on the resource's network. */
function service(
  client: OvirtClient,
  args: Partial<VnicProfileArgs>,
): CrudService<ApiVnicProfile, VnicProfileId> {
  const profiles = client.vnicprofiles;
  return {
    findByName: async (ctx: OperationContext, name: string) =>
      args.networkId ? profiles.findOnNetwork(ctx, networkId(args.networkId), name) : undefined,
    tryGet: (ctx, id, query) => profiles.tryGet(ctx, id, query),
    add: (ctx, body) => profiles.add(ctx, body),
    update: (ctx, id, body) => profiles.update(ctx, id, body),
    remove: (ctx, id) => profiles.remove(ctx, id),
  };
}

export const vnicProfileKind: ResourceKind<VnicProfileArgs, ApiVnicProfile, VnicProfileId> = {
  kind: "vnicprofile",
  label: "vNIC profile",
  schema: VnicProfileArgsSchema,
  policies: vnicProfilePolicies,
  defaultTimeouts: { create: 300, update: 300, delete: 300 },
  service,
  id: vnicProfileId,
  toApi: vnicProfileToApi,
  fromApi: vnicProfileFromApi,
  computed: vnicProfileComputed,
};

export const vnicProfileProvider = makeProvider(vnicProfileKind);
