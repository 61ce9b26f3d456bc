// Field-by-field comparison with a per-field policy: what the engine can change in place ("update")
// and what needs a new object ("replace"). An input left undefined is not managed: it never causes
// a change, and in nested objects only the keys that are set are compared. An "ignore" field (adopt)
// only matters when the object is created: it is never a change.
import { isUnknown } from "./check";

export type Policy = "replace" | "update" | "ignore";

/** Whether `actual` satisfies `desired` for every key `desired` sets. */
export function satisfies(desired: unknown, actual: unknown): boolean {
  if (desired === undefined) return true;
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((d, i) => satisfies(d, actual[i]))
    );
  }
  if (typeof desired === "object" && desired !== null) {
    if (typeof actual !== "object" || actual === null) return false;
    const a = actual as Record<string, unknown>;
    return Object.entries(desired).every(([k, v]) => satisfies(v, a[k]));
  }
  return desired === actual;
}

export interface FieldDiff {
  /** Fields whose desired value differs (or is not known yet). */
  changed: string[];
  /** The subset of `changed` whose policy is "replace". */
  replaces: string[];
}

export function diffFields(
  policies: Readonly<Record<string, Policy>>,
  current: Record<string, unknown>,
  desired: Record<string, unknown>,
): FieldDiff {
  const changed: string[] = [];
  const replaces: string[] = [];
  for (const [field, policy] of Object.entries(policies)) {
    const want = desired[field];
    if (want === undefined || policy === "ignore") continue;
    if (!isUnknown(want) && satisfies(want, current[field])) continue;
    changed.push(field);
    if (policy === "replace") replaces.push(field);
  }
  return { changed, replaces };
}

/** Only the keys of `shape` (recursively), with values from `live` where it has them. */
export function project(
  shape: Record<string, unknown>,
  live: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, want] of Object.entries(shape)) {
    const got = live[k];
    if (got === undefined) out[k] = want;
    else if (isPlainObject(want) && isPlainObject(got)) out[k] = project(want, got);
    else out[k] = got;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Drops undefined values (recursively): protobuf Structs cannot carry them. */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
    return out as T;
  }
  return value;
}
