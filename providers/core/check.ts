// `check`: inputs validated against a zod schema, each problem reported as a Pulumi check failure
// naming the property, its value and what is wrong with it. Nothing is sent to an engine.
import type * as pulumi from "@pulumi/pulumi";
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import type { z } from "zod";
import { engineNames } from "../ovirt/registry";

export type CheckFailure = pulumi.dynamic.CheckFailure;

/** Inputs not known yet during a preview (an id of a resource still to be created) hold this value. */
export function isUnknown(value: unknown): boolean {
  if (value === unknownValue) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (typeof value === "object" && value !== null) return Object.values(value).some(isUnknown);
  return false;
}

/**
 * The properties Pulumi hands a provider method, as a plain object without the serialized provider
 * (`__provider`), which the CLI adds to inputs and which is no field of any kind.
 */
export function bag(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null) return {};
  const out = { ...(value as Record<string, unknown>) };
  delete out.__provider;
  return out;
}

/** The check failure of an `engine` input that names no engine of `ovirt-lab:engines` (known ones pass). */
export function unknownEngine(label: string, engine: unknown): CheckFailure | undefined {
  const known = engineNames();
  if (!known || typeof engine !== "string" || isUnknown(engine) || known.includes(engine)) return undefined;
  return {
    property: "engine",
    reason: `${label}: engine "${engine}" is not in ovirt-lab:engines (have: ${known.join(", ") || "none"})`,
  };
}

function at(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const ARTICLE: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "a list",
};

function reasonOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "is required";
      // Zod's own wording starts with "Invalid input"; a schema's custom message is kept.
      return /^Invalid input/.test(issue.message)
        ? `must be ${ARTICLE[issue.expected] ?? issue.expected}`
        : issue.message;
    case "invalid_value":
      return `is not one of ${issue.values.map((v) => show(v)).join(", ")}`;
    default:
      return issue.message;
  }
}

export type Validated<T> = { ok: true; value: T } | { ok: false; failures: CheckFailure[] };

/**
 * Validates `inputs`; `who` prefixes every reason (e.g. `cluster "ocpcluster"`). Problems with
 * values that are still unknown (preview) are not failures: they are checked again once known.
 */
export function validate<T>(
  schema: z.ZodType<T>,
  inputs: Record<string, unknown>,
  who: string,
): Validated<T> {
  const result = schema.safeParse(inputs, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const failures: CheckFailure[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const property = [...issue.path.map(String), key].join(".");
        failures.push({ property, reason: `${who}: unknown property "${property}"` });
      }
      continue;
    }
    const value = at(inputs, issue.path);
    if (isUnknown(value)) continue;
    const property = issue.path.map(String).join(".");
    const shown = value === undefined ? "" : ` ${show(value)}`;
    failures.push({ property, reason: `${who}: ${property}${shown} ${reasonOf(issue)}` });
  }
  return { ok: false, failures };
}

/** The label used in messages: `cluster "ocpcluster"`, or `cluster (no name)`. */
export function describeResource(label: string, name: unknown): string {
  if (typeof name === "string" && name !== unknownValue) return `${label} "${name}"`;
  return `${label} (${name === undefined ? "no name" : "name not known yet"})`;
}
