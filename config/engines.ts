// `ovirt-lab:engines`: how to reach each engine the stack talks to. Read by the program (to check
// references before declaring resources) and by the providers' `configure` (to connect).
import { z } from "zod";

export const EngineSpec = z
  .object({
    /** The API URL, e.g. https://engine.lab.example.com/ovirt-engine/api */
    url: z
      .string()
      .regex(/^https:\/\/[^/\s]+\/ovirt-engine\/api\/?$/, "is not an https URL ending in /ovirt-engine/api"),
    username: z.string().min(1).default("admin@internal"),
    /** A Pulumi secret: `pulumi config set --secret --path engines.<name>.password ...` */
    password: z.string().min(1),
    /** PEM bundle of the CA that signed the engine's certificate (the lab's own CA). */
    caFile: z.string().min(1).optional(),
    caPem: z.string().min(1).optional(),
    /** Skip TLS verification. Only when asked for by name; the client warns. */
    insecure: z.boolean().default(false),
  })
  .strict();

export const EnginesSpec = z.record(
  z.string().regex(/^[A-Za-z0-9_-]+$/, "is not a valid engine name"),
  EngineSpec,
);

export type EngineSpec = z.infer<typeof EngineSpec>;
export type EnginesSpec = z.infer<typeof EnginesSpec>;
