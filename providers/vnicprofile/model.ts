// vNIC profile: inputs, validation, and the explicit mapping to and from the API's vnic_profile.
import { z } from "zod";
import { AdoptSchema, EngineNameSchema, TimeoutsSchema } from "../core/base";
import type { Policy } from "../core/diff";
import { apiBody, type FieldMappers } from "../core/mapping";
import type { ApiVnicProfile } from "../ovirt/vnicprofiles";

const bool = z.boolean({ error: "must be true or false" });

// Engine rules (VnicProfile: name size 1..256 (NETWORK_NAME_SIZE), unique per network; pass-through
// profiles support neither port mirroring, QoS nor network filters).
export const VnicProfileArgsSchema = z
  .object({
    engine: EngineNameSchema,
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(256, { error: "is longer than 256 characters" }),
    networkId: z.string({ error: "must be a network id" }).min(1, { error: "must not be empty" }),
    description: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    portMirroring: bool.optional(),
    passThrough: bool.optional(),
    timeouts: TimeoutsSchema.optional(),
    adopt: AdoptSchema,
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.passThrough === true && p.portMirroring === true) {
      ctx.addIssue({
        code: "custom",
        path: ["portMirroring"],
        input: p.portMirroring,
        message: "cannot be true on a pass-through profile (passThrough is true)",
      });
    }
  });

export type VnicProfileArgs = z.output<typeof VnicProfileArgsSchema>;
export type VnicProfileInputs = z.input<typeof VnicProfileArgsSchema>;

export const vnicProfilePolicies: { readonly [K in keyof VnicProfileArgs]-?: Policy } = {
  engine: "replace",
  // The engine never moves a profile to another network (ACTION_TYPE_FAILED_CANNOT_CHANGE_VNIC_PROFILE_NETWORK).
  networkId: "replace",
  name: "update",
  description: "update",
  portMirroring: "update",
  passThrough: "update",
  timeouts: "update",
  // Taking over an existing object is a create-time choice: changing it later changes nothing.
  adopt: "ignore",
};

const toApiFields: FieldMappers<VnicProfileArgs, ApiVnicProfile> = {
  engine: () => undefined,
  timeouts: () => undefined,
  adopt: () => undefined,
  name: (name) => ({ name }),
  networkId: (id) => ({ network: { id } }),
  description: (description) => ({ description }),
  portMirroring: (port_mirroring) => ({ port_mirroring }),
  passThrough: (on) => ({ pass_through: { mode: on ? "enabled" : "disabled" } }),
};

export function vnicProfileToApi(
  args: VnicProfileArgs,
  fields: ReadonlyArray<keyof VnicProfileArgs>,
): ApiVnicProfile {
  return apiBody(toApiFields, args, fields);
}

export function vnicProfileFromApi(p: ApiVnicProfile): Partial<VnicProfileArgs> {
  return {
    name: p.name,
    networkId: p.network?.id,
    description: p.description ?? "",
    portMirroring: p.port_mirroring ?? false,
    passThrough: p.pass_through?.mode === "enabled",
  };
}

export interface VnicProfileOutputs extends VnicProfileArgs {
  /** True when `adopt` took over an existing object (create made no change on the engine). */
  adopted?: boolean;
}

export function vnicProfileComputed(p: ApiVnicProfile): Record<string, unknown> {
  return { networkFilterId: p.network_filter?.id };
}
