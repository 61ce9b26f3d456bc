// Cluster: inputs, validation, and the explicit mapping to and from the API's cluster.
import { z } from "zod";
import { AdoptSchema, EngineNameSchema, TimeoutsSchema } from "../core/base";
import type { Policy } from "../core/diff";
import { apiBody, LEVEL, levelFromApi, levelToApi, type FieldMappers } from "../core/mapping";
import type { ApiCluster } from "../ovirt/clusters";

const bool = z.boolean({ error: "must be true or false" });

// Engine rules (Cluster: @ValidI18NName = ValidationUtils.NO_SPECIAL_CHARACTERS_I18N, size 1..40;
// description at most GENERAL_MAX_SIZE = 4000; cpu name at most 255).
export const ClusterArgsSchema = z
  .object({
    engine: EngineNameSchema,
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(40, { error: "is longer than 40 characters" })
      .regex(/^[\p{L}0-9._-]*$/u, { error: "may only contain letters, digits, '.', '_' and '-'" }),
    dataCenterId: z.string({ error: "must be a data center id" }).min(1, { error: "must not be empty" }),
    description: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    comment: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    compatibilityVersion: z.string().regex(LEVEL, { error: 'is not a version like "4.4"' }).optional(),
    cpuType: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(255, { error: "is longer than 255 characters" })
      .optional(),
    cpuArchitecture: z.enum(["x86_64", "ppc64", "s390x"]).default("x86_64"),
    threadsAsCores: bool.optional(),
    ksm: z.object({ enabled: bool, mergeAcrossNodes: bool.optional() }).strict().optional(),
    memoryOverCommitPercent: z
      .number({ error: "must be a number" })
      .int({ error: "is not an integer between 100 and 1000" })
      .min(100, { error: "is not an integer between 100 and 1000" })
      .max(1000, { error: "is not an integer between 100 and 1000" })
      .optional(),
    ballooning: bool.optional(),
    virtService: bool.optional(),
    glusterService: bool.optional(),
    timeouts: TimeoutsSchema.optional(),
    adopt: AdoptSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    // The engine refuses a cluster that offers neither service.
    if (c.virtService === false && c.glusterService !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["virtService"],
        input: c.virtService,
        message: "cannot be false unless glusterService is true (a cluster needs at least one service)",
      });
    }
  });

export type ClusterArgs = z.output<typeof ClusterArgsSchema>;
export type ClusterInputs = z.input<typeof ClusterArgsSchema>;

export interface ClusterOutputs extends ClusterArgs {
  /** True when `adopt` took over an existing object (create made no change on the engine). */
  adopted?: boolean;
  /** Levels the cluster can be set to, when the engine reports them (it usually leaves them out). */
  supportedVersions?: string[];
}

export const clusterPolicies: { readonly [K in keyof ClusterArgs]-?: Policy } = {
  // Another engine, another data center or another architecture is another cluster.
  engine: "replace",
  dataCenterId: "replace",
  cpuArchitecture: "replace",
  name: "update",
  description: "update",
  comment: "update",
  compatibilityVersion: "update",
  cpuType: "update",
  threadsAsCores: "update",
  ksm: "update",
  memoryOverCommitPercent: "update",
  ballooning: "update",
  virtService: "update",
  glusterService: "update",
  timeouts: "update",
  // Taking over an existing object is a create-time choice: changing it later changes nothing.
  adopt: "ignore",
};

const toApiFields: FieldMappers<ClusterArgs, ApiCluster> = {
  engine: () => undefined,
  timeouts: () => undefined,
  adopt: () => undefined,
  name: (name) => ({ name }),
  dataCenterId: (id) => ({ data_center: { id } }),
  description: (description) => ({ description }),
  comment: (comment) => ({ comment }),
  compatibilityVersion: (level) => ({ version: levelToApi(level) }),
  cpuType: (type) => ({ cpu: { type } }),
  cpuArchitecture: (architecture) => ({ cpu: { architecture } }),
  threadsAsCores: (threads_as_cores) => ({ threads_as_cores }),
  ksm: (ksm) => ({ ksm: { enabled: ksm.enabled, merge_across_nodes: ksm.mergeAcrossNodes } }),
  memoryOverCommitPercent: (percent) => ({ memory_policy: { over_commit: { percent } } }),
  ballooning: (ballooning_enabled) => ({ ballooning_enabled }),
  virtService: (virt_service) => ({ virt_service }),
  glusterService: (gluster_service) => ({ gluster_service }),
};

export function clusterToApi(args: ClusterArgs, fields: ReadonlyArray<keyof ClusterArgs>): ApiCluster {
  return apiBody(toApiFields, args, fields);
}

export function clusterFromApi(c: ApiCluster): Partial<ClusterArgs> {
  return {
    name: c.name,
    dataCenterId: c.data_center?.id,
    description: c.description ?? "",
    comment: c.comment ?? "",
    compatibilityVersion: levelFromApi(c.version),
    cpuType: c.cpu?.type,
    cpuArchitecture: c.cpu?.architecture as ClusterArgs["cpuArchitecture"] | undefined,
    threadsAsCores: c.threads_as_cores,
    ksm:
      c.ksm?.enabled === undefined
        ? undefined
        : { enabled: c.ksm.enabled, mergeAcrossNodes: c.ksm.merge_across_nodes },
    memoryOverCommitPercent: c.memory_policy?.over_commit?.percent,
    ballooning: c.ballooning_enabled,
    virtService: c.virt_service,
    glusterService: c.gluster_service,
  };
}

export function clusterComputed(c: ApiCluster): Omit<ClusterOutputs, keyof ClusterArgs> {
  return {
    supportedVersions: c.supported_versions?.map(levelFromApi).filter((v): v is string => !!v),
  };
}
