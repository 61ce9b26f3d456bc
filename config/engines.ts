// `ovirt-lab:engines`: how to reach each engine the stack talks to. One schema, read by the program
// (to check references before declaring resources) and by the providers' `configure` (to connect).
import { z } from "zod";

export const EngineSpec = z
  .object({
    /** The API URL, e.g. https://engine.lab.example.com/ovirt-engine/api */
    url: z.string().regex(/^https:\/\/[^/\s]+\/ovirt-engine\/api\/?$/, {
      error: "is not an https URL ending in /ovirt-engine/api",
    }),
    username: z.string().min(1, { error: "must not be empty" }).default("admin@internal"),
    password: z
      .string()
      .min(1, { error: "must not be empty" })
      .describe("A Pulumi secret: `pulumi config set --secret --path engines.<name>.password ...`"),
    /** PEM bundle of the CA that signed the engine's certificate (the lab's own CA); a relative
     *  path is relative to the project directory (where Pulumi.yaml is). */
    caFile: z.string().min(1, { error: "must not be empty" }).optional(),
    caPem: z
      .string()
      .regex(/-----BEGIN CERTIFICATE-----/, { error: "is not PEM text (no BEGIN CERTIFICATE line)" })
      .optional(),
    insecure: z
      .boolean()
      .default(false)
      .describe("Skip TLS verification. Only when asked for by name; the client warns."),
  })
  .strict()
  .refine((e) => !(e.caFile && e.caPem), { error: "set caFile or caPem, not both", path: ["caPem"] });

export const EnginesSpec = z.record(
  z.string().regex(/^[A-Za-z0-9_-]+$/, "is not a valid engine name"),
  EngineSpec,
);

export type EngineSpec = z.infer<typeof EngineSpec>;
export type EnginesSpec = z.infer<typeof EnginesSpec>;
