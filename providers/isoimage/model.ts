// IsoImage: installation media held as an `iso` disk on a 4.4 data domain, uploaded through the
// engine's image transfers. Identity of the content is its sha256 (`checksum`, computed at check
// time from the source and cached by size and modification time, see checksum.ts): a changed file
// previews as a replace, an unchanged one as nothing.
//
// | field | on the engine | here |
// |---|---|---|
// | engine, storageDomain | a disk lives on one engine and domain | replace |
// | checksum | other bytes are another image | replace |
// | name | the disk's alias, edited in place | update |
// | source | where the bytes come from; the same content elsewhere changes nothing | update (no request) |
import { z } from "zod";
import { EngineNameSchema, TimeoutsSchema } from "../core/base";
import type { Policy } from "../core/diff";

/** `sha256:` and 64 lowercase hex digits (the disk's description carries it). */
export const CHECKSUM_RE = /^sha256:[0-9a-f]{64}$/;

export const IsoImageArgsSchema = z
  .object({
    engine: EngineNameSchema,
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(255, { error: "is longer than 255 characters" })
      .regex(/^[^/\\]+$/, { error: "must not contain / or \\" }),
    /** A local file path, or an http(s) URL on the lab's network. */
    source: z
      .string({ error: "must be a file path or an http(s) URL" })
      .min(1, { error: "must not be empty" })
      .refine((s) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^https?:\/\//i.test(s), {
        error: "is a URL of a scheme other than http or https",
      }),
    /** The name of the data storage domain that holds the image. */
    storageDomain: z
      .string({ error: "must be a storage domain name" })
      .min(1, { error: "must not be empty" }),
    checksum: z
      .string({ error: "must be a string" })
      .regex(CHECKSUM_RE, { error: "is not sha256:<64 hex digits>" })
      .optional(),
    timeouts: TimeoutsSchema.optional(),
  })
  .strict();

export type IsoImageArgs = z.output<typeof IsoImageArgsSchema>;
export type IsoImageInputs = z.input<typeof IsoImageArgsSchema>;

export const isoImagePolicies: { readonly [K in keyof IsoImageArgs]-?: Policy } = {
  engine: "replace",
  storageDomain: "replace",
  checksum: "replace",
  name: "update",
  source: "update",
  timeouts: "update",
};
