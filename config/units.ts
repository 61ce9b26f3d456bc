// Sizes with units, as admins write them: "32GiB", "600GB", "512MiB". Binary (KiB, MiB, GiB, TiB)
// and decimal (KB, MB, GB, TB) units; a bare number is bytes.
import { z } from "zod";

const FACTORS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(text);
  if (!m) return undefined;
  const factor = FACTORS[(m[2] ?? "B").toUpperCase()];
  const bytes = Number(m[1]) * factor;
  return Number.isSafeInteger(Math.round(bytes)) ? Math.round(bytes) : undefined;
}

/** A size in bytes, written as a number of bytes or a string with a unit. */
export const Size = z.union([z.number().int().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  const bytes = parseSize(value);
  if (bytes === undefined) {
    ctx.addIssue({
      code: "custom",
      message: 'is not a size like "32GiB", "600GB" or "512MiB"',
      input: value,
    });
    return z.NEVER;
  }
  return bytes;
});
