// Engine connection settings as the providers receive them: stack config `ovirt-lab:engines`,
// handed to `configure(req)` as a JSON string with secrets already decrypted. Parsed here with
// messages that name the engine and the field, and that never repeat a password.
import { z } from "zod";
import type { EngineSettings } from "../ovirt/registry";

export const ENGINES_KEY = "ovirt-lab:engines";

const EngineSchema = z
  .object({
    url: z.string().regex(/^https:\/\/[^/\s]+\/ovirt-engine\/api\/?$/, {
      error: "is not an https URL ending in /ovirt-engine/api",
    }),
    username: z.string().min(1, { error: "must not be empty" }).default("admin@internal"),
    password: z.string().min(1, { error: "must not be empty" }),
    caFile: z.string().min(1, { error: "must not be empty" }).optional(),
    caPem: z
      .string()
      .regex(/-----BEGIN CERTIFICATE-----/, { error: "is not PEM text (no BEGIN CERTIFICATE line)" })
      .optional(),
    insecure: z.boolean().default(false),
  })
  .strict()
  .refine((e) => !(e.caFile && e.caPem), { error: "set caFile or caPem, not both", path: ["caPem"] });

export class EngineConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`${ENGINES_KEY} is invalid:\n  - ${problems.join("\n  - ")}`);
    this.name = "EngineConfigError";
  }
}

const SECRET = /password|secret|token/i;

function describe(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Parses `ovirt-lab:engines` (a JSON string, or the already parsed object) into settings per
 * engine name. Throws one EngineConfigError listing every problem.
 */
export function parseEngines(raw: unknown): Record<string, EngineSettings> {
  if (raw === undefined || raw === null || raw === "") {
    throw new EngineConfigError([
      `${ENGINES_KEY} is not set: give each engine a url, a username and (as a secret) a password, e.g. ` +
        `pulumi config set --path 'engines.target.url' https://engine.example.com/ovirt-engine/api`,
    ]);
  }
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      // JSON.parse's own message quotes the text, which holds passwords: say only that it is broken.
      throw new EngineConfigError([`${ENGINES_KEY} is not valid JSON`]);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EngineConfigError([`${ENGINES_KEY} must be an object keyed by engine name`]);
  }
  const problems: string[] = [];
  const engines: Record<string, EngineSettings> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) problems.push(`${ENGINES_KEY} names no engine`);
  for (const [name, spec] of entries) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      problems.push(`engine "${name}": the name may only contain letters, digits, '_' and '-'`);
      continue;
    }
    const parsed = EngineSchema.safeParse(spec, { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.map(String).join(".");
        if (issue.code === "unrecognized_keys") {
          problems.push(
            `engine "${name}": unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`,
          );
          continue;
        }
        const missing = issue.code === "invalid_type" && issue.input === undefined;
        if (field === "") {
          problems.push(`engine "${name}": must be an object with url, username and password`);
        } else if (missing) {
          problems.push(`engine "${name}": ${field} is required`);
        } else {
          // Objects are not echoed: a refinement's input is the whole engine entry, password included.
          const hidden = SECRET.test(field) || typeof issue.input === "object" || issue.input === undefined;
          const shown = hidden ? "" : ` ${describe(issue.input)}`;
          const reason = issue.code === "invalid_type" ? `must be a ${issue.expected}` : issue.message;
          problems.push(`engine "${name}": ${field}${shown} ${reason}`);
        }
      }
      continue;
    }
    const e = parsed.data;
    engines[name] = {
      url: e.url.replace(/\/+$/, ""),
      username: e.username,
      password: e.password,
      ...(e.caFile !== undefined ? { caFile: e.caFile } : {}),
      ...(e.caPem !== undefined ? { caPem: e.caPem } : {}),
      insecure: e.insecure,
    };
  }
  if (problems.length) throw new EngineConfigError(problems);
  return engines;
}
