// Data center: inputs, validation, and the explicit mapping to and from the API's data_center.
import { z } from "zod";
import { AdoptSchema, EngineNameSchema, TimeoutsSchema } from "../core/base";
import { apiBody, LEVEL, levelFromApi, levelToApi, type FieldMappers } from "../core/mapping";
import type { Policy } from "../core/diff";
import type { ApiDataCenter } from "../ovirt/datacenters";

// Engine rules (StoragePool: @ValidName = ValidationUtils.NO_SPECIAL_CHARACTERS, size 1..40;
// description ASCII only, at most GENERAL_MAX_SIZE = 4000).
export const DataCenterArgsSchema = z
  .object({
    engine: EngineNameSchema,
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(40, { error: "is longer than 40 characters" })
      .regex(/^[A-Za-z0-9_-]*$/, { error: "may only contain letters a-z, A-Z, digits, '_' and '-'" }),
    description: z
      .string()
      .max(4000, { error: "is longer than 4000 characters" })
      .regex(/^[\x20-\x7e\t\n\r]*$/, { error: "may only contain ASCII characters" })
      .optional(),
    comment: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    local: z.boolean().default(false),
    compatibilityVersion: z.string().regex(LEVEL, { error: 'is not a version like "4.4"' }).optional(),
    quotaMode: z.enum(["disabled", "audit", "enabled"]).optional(),
    timeouts: TimeoutsSchema.optional(),
    adopt: AdoptSchema,
  })
  .strict();

/** Validated inputs (defaults filled). */
export type DataCenterArgs = z.output<typeof DataCenterArgsSchema>;
/** What a program passes (defaults optional). */
export type DataCenterInputs = z.input<typeof DataCenterArgsSchema>;

export interface DataCenterOutputs extends DataCenterArgs {
  /** True when `adopt` took over an existing object (create made no change on the engine). */
  adopted?: boolean;
  /** uninitialized, up, maintenance, not_operational, problematic, contend */
  status?: string;
  /** Compatibility levels the data center can be raised to, e.g. ["4.2", "4.3", "4.4"]. */
  supportedVersions: string[];
}

export const dataCenterPolicies: { readonly [K in keyof DataCenterArgs]-?: Policy } = {
  // Another engine is another object.
  engine: "replace",
  name: "update",
  description: "update",
  comment: "update",
  // The engine edits local/shared in place while no storage is attached (UpdateStoragePool).
  local: "update",
  compatibilityVersion: "update",
  quotaMode: "update",
  timeouts: "update",
  // Taking over an existing object is a create-time choice: changing it later changes nothing.
  adopt: "ignore",
};

const toApiFields: FieldMappers<DataCenterArgs, ApiDataCenter> = {
  engine: () => undefined,
  timeouts: () => undefined,
  adopt: () => undefined,
  name: (name) => ({ name }),
  description: (description) => ({ description }),
  comment: (comment) => ({ comment }),
  local: (local) => ({ local }),
  compatibilityVersion: (level) => ({ version: levelToApi(level) }),
  quotaMode: (quota_mode) => ({ quota_mode }),
};

export function dataCenterToApi(
  args: DataCenterArgs,
  fields: ReadonlyArray<keyof DataCenterArgs>,
): ApiDataCenter {
  return apiBody(toApiFields, args, fields);
}

export function dataCenterFromApi(dc: ApiDataCenter): Partial<DataCenterArgs> {
  return {
    name: dc.name,
    // The engine leaves out empty text; empty is what it means.
    description: dc.description ?? "",
    comment: dc.comment ?? "",
    local: dc.local,
    compatibilityVersion: levelFromApi(dc.version),
    quotaMode: dc.quota_mode as DataCenterArgs["quotaMode"],
  };
}

export function dataCenterComputed(dc: ApiDataCenter): Omit<DataCenterOutputs, keyof DataCenterArgs> {
  return {
    status: dc.status,
    supportedVersions: (dc.supported_versions ?? []).map(levelFromApi).filter((v): v is string => !!v),
  };
}
