// Engine connection settings as the providers receive them: stack config `ovirt-lab:engines`,
// handed to `configure(req)` as a JSON string with secrets already decrypted. Parsed here with
// messages that name the engine and the field, and that never repeat a password.
import * as fs from "fs";
import * as path from "path";
import { EngineSpec as EngineSchema } from "../../config/engines";
import type { EngineSettings } from "../ovirt/registry";

export const ENGINES_KEY = "ovirt-lab:engines";

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
      ...(e.caFile !== undefined ? { caFile: resolveFromProject(e.caFile) } : {}),
      ...(e.caPem !== undefined ? { caPem: e.caPem } : {}),
      insecure: e.insecure,
    };
  }
  if (problems.length) throw new EngineConfigError(problems);
  return engines;
}

/**
 * A relative caFile is relative to the project directory (where Pulumi.yaml is), as a user reading
 * Pulumi.lab.yaml expects; the provider process itself runs in the directory of `main` (dist/).
 */
export function resolveFromProject(file: string, from: string = process.cwd()): string {
  if (path.isAbsolute(file)) return file;
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return path.resolve(dir, file);
    if (path.dirname(dir) === dir) return path.resolve(from, file);
  }
}
