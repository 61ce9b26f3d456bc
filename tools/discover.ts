// The first step of the 4.3 -> 4.4 move: reads what the legacy engine runs and writes it into the
// stack's config as a lab description (config/schema.ts LabSpec) on that engine, so the stack can
// adopt it. Only GET requests reach the engine (plus the SSO login and logout).
//
//   node dist/tools/discover.js --engine legacy [--stack NAME] [--cwd PROJECT_DIR] [--key legacy]
//                               [--data-center NAME] [--prune] [--timeout SECONDS]
//
// The engine is one of `ovirt-lab:engines` (its password a Pulumi secret, decrypted with the
// environment's PULUMI_CONFIG_PASSPHRASE and backend). The result goes to `ovirt-lab:<key>`
// (default `ovirt-lab:legacy`; never lab, engines, secrets) in Pulumi.<stack>.yaml: the rest of the
// file is kept byte for byte, objects already in the block (same name in the same list; for VMs
// also the copies a vmGroups entry stands for) are kept exactly as the user has them, new ones are
// appended, ones gone from the engine are listed (and removed with --prune); an ISO domain's files
// (`isoFiles`) are merged the same way inside its entry. When nothing is new the file is not
// touched at all (not even the timestamp comment). Every error (unknown engine, unreachable, TLS,
// login, a result the lab schema refuses) comes before any write; the write is atomic (temporary
// file + rename).
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { EngineSpec } from "../config/engines";
import { LabSpec } from "../config/schema";
import { OvirtClient } from "../providers/ovirt/client";
import { newOperation } from "../providers/ovirt/context";
import { OvirtError } from "../providers/ovirt/errors";
import { readInventory, type Inventory } from "./discover/inventory";
import { mergeInventory, SUMMARY_KINDS, type MergeResult } from "./discover/merge";
import { parseDocument } from "yaml";

export interface DiscoverArgs {
  engine: string;
  stack?: string;
  cwd: string;
  key: string;
  dataCenter?: string;
  prune: boolean;
  timeoutMs: number;
}

export interface DiscoverReport {
  configFile: string;
  written: boolean;
  merge: MergeResult;
  inventory: Inventory;
  requests: number;
}

export class UsageError extends Error {}

const USAGE =
  "usage: node dist/tools/discover.js --engine NAME [--stack NAME] [--cwd PROJECT_DIR] [--key legacy] " +
  "[--data-center NAME] [--prune] [--timeout SECONDS]";

export function parseArgs(argv: string[]): DiscoverArgs {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${name} needs a value\n${USAGE}`);
    return v;
  };
  const known = new Set(["--engine", "--stack", "--cwd", "--key", "--data-center", "--timeout", "--prune"]);
  for (const a of argv) {
    if (a.startsWith("--") && !known.has(a)) throw new UsageError(`unknown option ${a}\n${USAGE}`);
  }
  const engine = value("--engine");
  if (!engine) throw new UsageError(`--engine NAME is required (a key of ovirt-lab:engines)\n${USAGE}`);
  const timeout = Number(value("--timeout") ?? "120");
  if (!(timeout > 0)) throw new UsageError(`--timeout must be a number of seconds\n${USAGE}`);
  const key = value("--key") ?? "legacy";
  if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new UsageError(`--key ${key}: letters, digits, '_' and '-' only`);
  if (["lab", "engines", "secrets", "resources"].includes(key)) {
    throw new UsageError(`--key ${key}: ovirt-lab:${key} is the stack's own config, not discover's to write`);
  }
  return {
    engine,
    stack: value("--stack"),
    cwd: path.resolve(value("--cwd") ?? process.cwd()),
    key,
    dataCenter: value("--data-center"),
    prune: argv.includes("--prune"),
    timeoutMs: timeout * 1000,
  };
}

/** The engine's connection settings from the stack's decrypted config. */
async function engineSettings(args: DiscoverArgs): Promise<{ spec: EngineSpec; stackName: string }> {
  const ws = await LocalWorkspace.create({ workDir: args.cwd });
  const stackName = args.stack ?? (await ws.stack())?.name;
  if (!stackName) throw new UsageError(`no stack selected: pass --stack NAME\n${USAGE}`);
  const stack = await LocalWorkspace.selectStack({ stackName, workDir: args.cwd });
  const config = await stack.getAllConfig();
  const raw = config["ovirt-lab:engines"];
  if (!raw) {
    throw new Error(`stack ${stackName} has no ovirt-lab:engines; nothing to discover`);
  }
  const engines = JSON.parse(raw.value) as Record<string, unknown>;
  const names = Object.keys(engines);
  if (!(args.engine in engines)) {
    throw new Error(
      `no engine named "${args.engine}" in ovirt-lab:engines of stack ${stackName} (have: ${names.join(", ") || "none"})`,
    );
  }
  const parsed = EngineSpec.safeParse(engines[args.engine]);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `engines.${args.engine}.${i.path.join(".")}: ${i.message}`);
    throw new Error(`ovirt-lab:engines.${args.engine} is not usable: ${issues.join("; ")}`);
  }
  return { spec: parsed.data, stackName: stackName.split("/").pop() ?? stackName };
}

/** Transport, TLS and login failures as what they mean for the user; nothing is written after them. */
function explain(err: unknown, engine: string, url: string): Error {
  const tail = " Nothing was written.";
  const sentence = (m: string) => (m.endsWith(".") ? m : `${m}.`);
  if (!(err instanceof OvirtError)) return new Error(sentence((err as Error).message) + tail);
  if (err.kind === "transient" || err.kind === "timeout") {
    return new Error(
      `engine "${engine}" is unreachable at ${url}: ${sentence(err.message)} Check ovirt-lab:engines.${engine}.url ` +
        `and that the engine is up.${tail}`,
    );
  }
  return new Error(sentence(err.message) + tail);
}

/** Issues of the written block against the lab schema, as `path: message` lines. */
export function checkBlock(text: string, key: string): string[] {
  const value = parseDocument(text).toJS() as { config?: Record<string, unknown> };
  const parsed = LabSpec.safeParse(value.config?.[`ovirt-lab:${key}`]);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${key}.${i.path.join(".")}: ${i.message}`);
}

export async function discover(args: DiscoverArgs, log: (line: string) => void): Promise<DiscoverReport> {
  const { spec, stackName } = await engineSettings(args);
  const configFile = path.join(args.cwd, `Pulumi.${stackName}.yaml`);
  if (!fs.existsSync(configFile)) throw new Error(`${configFile} does not exist`);
  const client = new OvirtClient({
    name: args.engine,
    url: spec.url,
    username: spec.username,
    password: spec.password,
    caFile: spec.caFile === undefined ? undefined : path.resolve(args.cwd, spec.caFile),
    caPem: spec.caPem,
    insecure: spec.insecure,
  });
  let inventory: Inventory;
  try {
    inventory = await readInventory(client, newOperation("discover", args.timeoutMs), {
      dataCenter: args.dataCenter,
    });
  } catch (err) {
    throw explain(err, args.engine, spec.url);
  } finally {
    await client.close();
  }
  const requests = client.conn.requestCount;

  for (const note of inventory.notes) log(`note: ${note}`);
  const text = fs.readFileSync(configFile, "utf8");
  const merge = mergeInventory(text, inventory, {
    key: `ovirt-lab:${args.key}`,
    engine: args.engine,
    prune: args.prune,
    now: new Date(),
  });
  if (merge.changed) {
    const problems = checkBlock(merge.text, args.key);
    if (problems.length) {
      throw new Error(
        `the discovered lab does not pass the lab schema, so ${configFile} was not changed:\n  ${problems.join("\n  ")}`,
      );
    }
    // Atomically: a crash leaves the old file or the new one, never half of one.
    const tmp = `${configFile}.discover.${process.pid}`;
    try {
      fs.writeFileSync(tmp, merge.text, { mode: fs.statSync(configFile).mode });
      fs.renameSync(tmp, configFile);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  for (const note of merge.notes) log(`note: ${note}`);
  return { configFile, written: merge.changed, merge, inventory, requests };
}

export function summaryLines(r: DiscoverReport, args: DiscoverArgs): string[] {
  const lines = [
    `engine "${args.engine}", data center ${String(r.inventory.dataCenter.name)}: ` +
      `${r.requests} requests (GET only, plus the SSO login and logout)`,
  ];
  for (const kind of SUMMARY_KINDS) {
    const s = r.merge.summary[kind];
    lines.push(
      `${kind.padEnd(15)} ${String(s.found).padStart(3)} on the engine: ${s.added.length} added, ` +
        `${s.kept.length} kept, ${s.gone.length} gone${s.pruned.length ? ` (${s.pruned.length} pruned)` : ""}`,
    );
  }
  for (const kind of SUMMARY_KINDS) {
    const s = r.merge.summary[kind];
    for (const name of s.gone) {
      lines.push(
        s.pruned.includes(name)
          ? `pruned: ${kind} ${name} (no longer on the engine)`
          : `gone: ${kind} ${name} is no longer on the engine (kept; --prune removes it)`,
      );
    }
  }
  if (r.inventory.hosts.length) {
    lines.push(
      `secrets.hosts.<name>.* are not needed for the hosts of ${args.key} ` +
        `(${r.inventory.hosts.map((h) => h.name).join(", ")}): they are adopted, not installed`,
    );
  }
  lines.push(
    r.written
      ? `wrote ovirt-lab:${args.key} to ${r.configFile}`
      : `nothing new: ${r.configFile} left unchanged`,
  );
  return lines;
}

async function main(argv: string[]): Promise<void> {
  // Client log lines (retries, warnings) go to stderr (the default logger); stdout is the summary.
  const args = parseArgs(argv);
  const report = await discover(args, (l) => process.stdout.write(`${l}\n`));
  process.stdout.write(summaryLines(report, args).join("\n") + "\n");
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: Error) => {
    process.stderr.write(`discover: ${err.message}\n`);
    process.exit(1);
  });
}
