// The stack config's schema: one typed description of the lab, validated as a whole before any
// resource is declared. Messages name the path of the bad value (see validate.ts).
import { z } from "zod";

/** oVirt entity names: letters, digits, '_' and '-' (the engine's own rule for clusters and data centers). */
const entityName = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, "may only contain letters, digits, '_' and '-'")
  .max(40, "is longer than 40 characters");

/** A compatibility level such as "4.4". */
const level = z.string().regex(/^\d+\.\d+$/, 'is not a compatibility level like "4.4"');

export const DataCenterSpec = z
  .object({
    name: entityName,
    description: z.string().optional(),
    comment: z.string().optional(),
    local: z.boolean().default(false),
    compatibilityVersion: level.optional(),
  })
  .strict();

export const ClusterSpec = z
  .object({
    name: entityName,
    description: z.string().optional(),
    comment: z.string().optional(),
    compatibilityVersion: level.optional(),
    cpuType: z.string().min(1).optional(),
    /** Count hyperthreads as cores when scheduling (the seed lab does). */
    threadsAsCores: z.boolean().optional(),
    /** Kernel same-page merging. */
    ksm: z.boolean().optional(),
    /** Memory over-commit in percent of physical memory (100 = none). */
    memoryOverCommitPercent: z.number().int().min(100).max(1000).optional(),
    ballooning: z.boolean().optional(),
  })
  .strict();

export const LabSpec = z
  .object({
    /** Which engine (a key of `ovirt-lab:engines`) the lab lives on. */
    engine: z.string().min(1).default("target"),
    dataCenter: DataCenterSpec,
    clusters: z.array(ClusterSpec).default([]),
  })
  .strict()
  .superRefine((lab, ctx) => {
    const seen = new Map<string, number>();
    lab.clusters.forEach((c, i) => {
      const first = seen.get(c.name.toLowerCase());
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["clusters", i, "name"],
          message: `duplicate cluster name "${c.name}" (also clusters[${first}])`,
        });
      } else {
        seen.set(c.name.toLowerCase(), i);
      }
    });
  });

export type LabSpec = z.infer<typeof LabSpec>;
export type ClusterSpec = z.infer<typeof ClusterSpec>;
export type DataCenterSpec = z.infer<typeof DataCenterSpec>;
