// Logical network: inputs, validation, and the explicit mapping to and from the API's network, its
// cluster assignments included (read back from /clusters/{id}/networks of its data center).
import { z } from "zod";
import { AdoptSchema, EngineNameSchema, TimeoutsSchema } from "../core/base";
import type { Policy } from "../core/diff";
import { apiBody, type FieldMappers } from "../core/mapping";
import type { ApiNetwork } from "../ovirt/networks";

const bool = z.boolean({ error: "must be true or false" });

/** A network's assignment to a cluster; `required` is the engine's default, true. */
export const ClusterAssignmentSchema = z
  .object({
    clusterId: z.string({ error: "must be a cluster id" }).min(1, { error: "must not be empty" }),
    required: bool.default(true),
  })
  .strict();

export type ClusterAssignment = z.output<typeof ClusterAssignmentSchema>;

// Engine rules (Network: name size 1..256 (NETWORK_NAME_SIZE), not starting with "bond"
// (NETWORK_CANNOT_CONTAIN_BOND_NAME); vlanId 0..4094 (NETWORK_VLAN_OUT_OF_RANGE); mtu 0 (the host's
// default) or at least 68 (MTUValidator), at most 9000 here; description at most 4000).
export const NetworkArgsSchema = z
  .object({
    engine: EngineNameSchema,
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(256, { error: "is longer than 256 characters" })
      .refine((n) => !n.toLowerCase().startsWith("bond"), {
        error: "must not start with 'bond' (the engine refuses it)",
      }),
    dataCenterId: z.string({ error: "must be a data center id" }).min(1, { error: "must not be empty" }),
    description: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    comment: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    vlanId: z
      .number({ error: "must be a number" })
      .int({ error: "is not an integer between 0 and 4094" })
      .min(0, { error: "is not an integer between 0 and 4094" })
      .max(4094, { error: "is not an integer between 0 and 4094" })
      .optional(),
    mtu: z
      .number({ error: "must be a number" })
      .int({ error: "must be 0 (the default) or an integer between 68 and 9000" })
      .refine((m) => m === 0 || (m >= 68 && m <= 9000), {
        error: "must be 0 (the default) or an integer between 68 and 9000",
      })
      .optional(),
    vmNetwork: bool.optional(),
    stp: bool.optional(),
    clusters: z
      .array(ClusterAssignmentSchema, { error: "must be a list of {clusterId, required}" })
      .superRefine((list, ctx) => {
        const seen = new Set<string>();
        list.forEach((c, i) => {
          if (seen.has(c.clusterId)) {
            ctx.addIssue({
              code: "custom",
              path: [i, "clusterId"],
              input: c.clusterId,
              message: "is listed twice",
            });
          }
          seen.add(c.clusterId);
        });
      })
      // One order for inputs and for what is read back, so a list compares equal to itself.
      .transform((list) => [...list].sort((a, b) => a.clusterId.localeCompare(b.clusterId)))
      .optional(),
    createDefaultProfile: bool.optional(),
    timeouts: TimeoutsSchema.optional(),
    adopt: AdoptSchema,
  })
  .strict()
  .superRefine((n, ctx) => {
    // The engine refuses STP on a non-VM network (NON_VM_NETWORK_CANNOT_SUPPORT_STP).
    if (n.stp === true && n.vmNetwork === false) {
      ctx.addIssue({
        code: "custom",
        path: ["stp"],
        input: n.stp,
        message: "can only be true on a VM network (vmNetwork is false)",
      });
    }
  });

export type NetworkArgs = z.output<typeof NetworkArgsSchema>;
export type NetworkInputs = z.input<typeof NetworkArgsSchema>;

/** The API network plus its cluster assignments, as the network service of the provider sees it. */
export type NetworkState = ApiNetwork & { clusters?: ClusterAssignment[] };

export interface NetworkOutputs extends NetworkArgs {
  /** True when `adopt` took over an existing object (create made no change on the engine). */
  adopted?: boolean;
  /** The on-host name (4.4 engines). */
  vdsmName?: string;
}

export const networkPolicies: { readonly [K in keyof NetworkArgs]-?: Policy } = {
  // Another engine or data center is another network (the engine refuses to move one).
  engine: "replace",
  dataCenterId: "replace",
  // Acts only when the network is made.
  createDefaultProfile: "replace",
  name: "update",
  description: "update",
  comment: "update",
  vlanId: "update",
  mtu: "update",
  vmNetwork: "update",
  stp: "update",
  clusters: "update",
  timeouts: "update",
  // Taking over an existing object is a create-time choice: changing it later changes nothing.
  adopt: "ignore",
};

const toApiFields: FieldMappers<NetworkArgs, NetworkState> = {
  engine: () => undefined,
  timeouts: () => undefined,
  adopt: () => undefined,
  name: (name) => ({ name }),
  dataCenterId: (id) => ({ data_center: { id } }),
  description: (description) => ({ description }),
  comment: (comment) => ({ comment }),
  vlanId: (id) => ({ vlan: { id } }),
  mtu: (mtu) => ({ mtu }),
  vmNetwork: (vm) => ({ usages: vm ? ["vm"] : [] }),
  stp: (stp) => ({ stp }),
  clusters: (clusters) => ({ clusters }),
  createDefaultProfile: (profile_required) => ({ profile_required }),
};

export function networkToApi(args: NetworkArgs, fields: ReadonlyArray<keyof NetworkArgs>): NetworkState {
  return apiBody(toApiFields, args, fields);
}

export function networkFromApi(n: NetworkState): Partial<NetworkArgs> {
  return {
    name: n.name,
    dataCenterId: n.data_center?.id,
    description: n.description ?? "",
    comment: n.comment ?? "",
    vlanId: n.vlan?.id,
    mtu: n.mtu ?? 0,
    // The engine leaves out an empty usage list: no `vm` usage is a non-VM network.
    vmNetwork: (n.usages ?? []).includes("vm"),
    stp: n.stp ?? false,
    clusters: n.clusters,
  };
}

export function networkComputed(n: NetworkState): Omit<NetworkOutputs, keyof NetworkArgs> {
  return { vdsmName: n.vdsm_name };
}
