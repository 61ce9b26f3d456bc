// After a crashed `pulumi up` (the CLI killed, the machine rebooted): makes the stack usable again
// without editing state by hand. Run it, then `pulumi up`:
//
//   node dist/tools/recover.js [--stack NAME] [--cwd PROJECT_DIR]
//
// 0. Attribute sidecars (`*.attrs`) the crash left empty are removed (they break every read), and
//    a checkpoint the crash truncated (the CLI killed while writing it: "failed to load checkpoint:
//    EOF") is restored from the file backend's own copies (`<stack>.json.bak`, then the newest of
//    `.pulumi/backups/`). Objects the lost step made are found again by name on the next `up`.
// 1. A lock whose owner is gone (same host, pid no longer running) is removed with `pulumi cancel`;
//    a lock held by a live process is left alone and reported (another update is running).
// 2. Plugin processes of this stack whose CLI is gone (language host, dynamic providers, reparented
//    to init) are ended: they hold nothing but sockets to a dead CLI.
// 3. Pending creates in the state (operations the crash left open) are cleared with
//    `pulumi refresh --clear-pending-creates`; the next `up` creates them again, and every provider's
//    create first looks for its own half-made object by name and adopts it (docs/recovery.md).
import type { Stack } from "@pulumi/pulumi/automation";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface RecoveryReport {
  /** Attribute sidecars (`*.attrs`) left empty by the crash, removed. */
  repairedAttributes?: string[];
  restoredCheckpoint?: string;
  staleLocks: string[];
  liveLocks: string[];
  reapedPids: number[];
  pendingCleared: string[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The file backend's directory (`file://...` in PULUMI_BACKEND_URL), or undefined for others. */
function fileBackend(env: Record<string, string | undefined>): string | undefined {
  const url = env.PULUMI_BACKEND_URL;
  if (!url?.startsWith("file://")) return undefined;
  return decodeURIComponent(url.slice("file://".length).split("?")[0]);
}

function locks(
  backend: string,
  project: string,
  stack: string,
): Array<{ file: string; pid: number; host: string }> {
  const dir = path.join(backend, ".pulumi", "locks", "organization", project, stack);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => {
      const file = path.join(dir, f);
      const l = JSON.parse(fs.readFileSync(file, "utf8")) as { pid?: number; hostname?: string };
      return { file, pid: Number(l.pid ?? 0), host: String(l.hostname ?? "") };
    });
}

function parses(file: string): boolean {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.trim() !== "" && typeof JSON.parse(text) === "object";
  } catch {
    return false;
  }
}

/**
 * The file backend keeps each blob's attributes in a `<file>.attrs` sidecar that it writes in place
 * (gocloud fileblob), so a CLI killed at that moment leaves it empty, and every later command fails
 * with "failed to load checkpoint: EOF" although the checkpoint itself is whole. A sidecar that does
 * not parse is removed: a missing one reads as "no attributes", which is all it held that matters.
 */
export function repairAttributes(backend: string): string[] {
  const repaired: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".attrs") && !parses(file)) {
        fs.rmSync(file, { force: true });
        repaired.push(file);
      }
    }
  };
  walk(path.join(backend, ".pulumi"));
  return repaired;
}

/** Restores a truncated or unparsable checkpoint from the backend's backups; returns the source used. */
export function restoreCheckpoint(backend: string, project: string, stack: string): string | undefined {
  const checkpoint = path.join(backend, ".pulumi", "stacks", project, `${stack}.json`);
  if (!fs.existsSync(checkpoint) || parses(checkpoint)) return undefined;
  const backups = path.join(backend, ".pulumi", "backups", project, stack);
  const candidates = [
    `${checkpoint}.bak`,
    ...(fs.existsSync(backups)
      ? fs
          .readdirSync(backups)
          .filter((f) => f.endsWith(".json"))
          .map((f) => path.join(backups, f))
          .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
      : []),
  ];
  const source = candidates.find((f) => fs.existsSync(f) && parses(f));
  if (!source) {
    throw new Error(`the checkpoint ${checkpoint} is unreadable and no readable backup exists in ${backups}`);
  }
  const tmp = `${checkpoint}.recover.${process.pid}`;
  fs.copyFileSync(source, tmp);
  fs.renameSync(tmp, checkpoint);
  return source;
}

/** Linux: processes of this backend whose parent is init (their CLI died), plugin binaries only. */
function orphanedPlugins(backend: string): number[] {
  if (process.platform !== "linux") return [];
  const marker = `PULUMI_BACKEND_URL=file://${backend}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (!/pulumi-language-|pulumi-resource-|dynamic-provider/.test(cmd)) continue;
      const env = fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (!env.some((e) => e === marker || e.startsWith(`${marker}?`))) continue;
      // Orphaned itself, or the child of an orphaned plugin shell wrapper.
      if (ppid === 1 || pids.includes(ppid)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

function pendingOps(state: unknown): string[] {
  const d = (
    state as { deployment?: { pending_operations?: Array<{ type: string; resource: { urn: string } }> } }
  ).deployment;
  return (d?.pending_operations ?? []).map((p) => `${p.type} ${p.resource.urn}`);
}

/** Recovers `stack` (see the file comment). `env` is the environment the stack's commands use. */
export async function recoverStack(
  stack: Stack,
  env: Record<string, string | undefined> = process.env,
): Promise<RecoveryReport> {
  const report: RecoveryReport = { staleLocks: [], liveLocks: [], reapedPids: [], pendingCleared: [] };
  const backend = fileBackend(env);
  if (backend) {
    const settings = await stack.workspace.projectSettings();
    const stackName = stack.name.split("/").pop() ?? stack.name;
    report.repairedAttributes = repairAttributes(backend);
    report.restoredCheckpoint = restoreCheckpoint(backend, settings.name, stackName);
    const held = locks(backend, settings.name, stackName);
    for (const l of held) {
      const mine = l.host === "" || l.host === os.hostname();
      if (mine && !alive(l.pid)) report.staleLocks.push(`${l.file} (pid ${l.pid} is gone)`);
      else report.liveLocks.push(`${l.file} (pid ${l.pid} on ${l.host})`);
    }
    if (report.liveLocks.length) {
      throw new Error(
        `stack ${stack.name} is locked by a running update: ${report.liveLocks.join("; ")}. ` +
          `Wait for it to end; recover only after a crash.`,
      );
    }
    if (report.staleLocks.length) await stack.cancel();
    for (const pid of orphanedPlugins(backend)) {
      try {
        process.kill(pid, "SIGKILL");
        report.reapedPids.push(pid);
      } catch {
        // Already gone.
      }
    }
  }
  const pending = pendingOps(await stack.exportStack());
  if (pending.length) {
    await stack.refresh({ clearPendingCreates: true });
    report.pendingCleared = pending;
  }
  return report;
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const workDir = path.resolve(arg("--cwd") ?? process.cwd());
  // Before anything reads the stack: a broken attribute sidecar makes every CLI command fail.
  const backend = fileBackend(process.env);
  if (backend) repairAttributes(backend);
  const ws = await LocalWorkspace.create({ workDir });
  const stackName = arg("--stack") ?? (await ws.stack())?.name;
  if (!stackName) throw new Error("no stack selected: pass --stack NAME");
  const stack = await LocalWorkspace.selectStack({ stackName, workDir });
  const r = await recoverStack(stack);
  process.stdout.write(
    `attribute files repaired: ${r.repairedAttributes?.length ?? 0}\n` +
      `checkpoint restored: ${r.restoredCheckpoint ?? "no (it was whole)"}\n` +
      `stale locks removed: ${r.staleLocks.length}\norphaned plugin processes ended: ${r.reapedPids.length}\n` +
      `pending operations cleared: ${r.pendingCleared.length}${r.pendingCleared.map((p) => `\n  ${p}`).join("")}\n` +
      `now run: pulumi up\n`,
  );
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: Error) => {
    process.stderr.write(`recover: ${err.message}\n`);
    process.exit(1);
  });
}
