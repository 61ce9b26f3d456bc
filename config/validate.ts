// Turns zod issues into messages a lab admin can act on: `lab.clusters[1].name: ... (got "x")`.
import type { z } from "zod";

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

export function formatPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    root,
  );
}

const SECRET_KEY = /password|secret|token|key|script/i;

/** A copy of `value` with every secret-named key's value hidden (objects are echoed whole). */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "(hidden)" : redact(v)]),
  );
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(redact(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Parses `value` with `schema`; throws a ConfigError listing every problem with its path and value. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const where = formatPath(root, issue.path);
    const last = issue.path[issue.path.length - 1];
    // Never echo what may be a secret back into a log.
    // Everything under ovirt-lab:secrets is secret, whatever its key.
    const secret = root === "secrets" || (typeof last === "string" && SECRET_KEY.test(last));
    const got = !("input" in issue)
      ? ""
      : secret
        ? " (value hidden)"
        : ` (got ${describeValue(issue.input)})`;
    return `${where}: ${issue.message}${got}`;
  });
  throw new ConfigError(problems);
}
