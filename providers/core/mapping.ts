// Helpers for the explicit to/from-API mappings in each provider's model.ts.
import type { ApiVersion } from "../ovirt/codec";

/** "4.4" -> {major: 4, minor: 4} (the value was validated as `M.m` in check). */
export function levelToApi(level: string): ApiVersion {
  const [major, minor] = level.split(".").map((p) => Number(p));
  return { major, minor };
}

/** {major: 4, minor: 4} -> "4.4"; undefined when the engine did not say. */
export function levelFromApi(v: ApiVersion | undefined): string | undefined {
  return v?.major === undefined || v.minor === undefined ? undefined : `${v.major}.${v.minor}`;
}

export const LEVEL = /^\d+\.\d+$/;

/** One function per input field producing its part of an API body. */
export type FieldMappers<Args, Obj> = {
  readonly [K in keyof Args]-?: (value: NonNullable<Args[K]>, args: Args) => Obj | undefined;
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function merge(into: Record<string, unknown>, part: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(part)) {
    const cur = into[k];
    if (isObject(cur) && isObject(v)) merge(cur, v);
    else into[k] = isObject(v) ? { ...v } : v;
  }
}

/** The API body for `fields` of `args` (fields left undefined contribute nothing). */
export function apiBody<Args, Obj>(
  mappers: FieldMappers<Args, Obj>,
  args: Args,
  fields: ReadonlyArray<keyof Args>,
): Obj {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const value = args[f];
    if (value === undefined || value === null) continue;
    const part = mappers[f](value, args);
    if (part) merge(body, part);
  }
  return body as Obj;
}
