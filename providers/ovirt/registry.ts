// One client per engine per process, built on first use and shared by every provider in the
// dynamic-provider process: one SSO login per engine per run, logout when the process ends.
import { OvirtClient } from "./client";
import type { ConnectionSettings } from "./connection";

export type EngineSettings = Omit<ConnectionSettings, "name" | "logger">;

let engines: Record<string, EngineSettings> | undefined;
const clients = new Map<string, OvirtClient>();
let exitHookInstalled = false;

function same(a: EngineSettings | undefined, b: EngineSettings | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Sets the engines this process may talk to. Safe to call repeatedly (every dynamic provider's
 * `configure` calls it): clients of engines whose settings did not change are kept.
 */
export function setEngines(next: Record<string, EngineSettings>): void {
  for (const [name, client] of clients) {
    if (!same(engines?.[name], next[name])) {
      clients.delete(name);
      void client.close();
    }
  }
  engines = next;
}

/** The configured engine names, or undefined when nothing was configured yet. */
export function engineNames(): string[] | undefined {
  return engines ? Object.keys(engines) : undefined;
}

export function clientFor(engine: string): OvirtClient {
  const existing = clients.get(engine);
  if (existing) return existing;
  if (!engines) {
    throw new Error(
      `engine "${engine}": no engines are configured in this process (is the stack config ovirt-lab:engines set?)`,
    );
  }
  const settings = engines[engine];
  if (!settings) {
    const have = Object.keys(engines);
    throw new Error(
      `engine "${engine}": not in ovirt-lab:engines (have: ${have.length ? have.join(", ") : "none"})`,
    );
  }
  const client = new OvirtClient({ ...settings, name: engine });
  clients.set(engine, client);
  return client;
}

/** Logs every client out; the registry stays configured and builds new clients on demand. */
export async function closeAll(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.allSettled(all.map((c) => c.close()));
}

/** Forgets everything (tests). */
export async function resetRegistry(): Promise<void> {
  await closeAll();
  engines = undefined;
}

/**
 * Best-effort logout when the process ends: on `beforeExit`, and on SIGTERM/SIGINT (then exit, as
 * the default handler would). Installed once, by the provider runtime only.
 */
export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("beforeExit", () => void closeAll());
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      const timer = setTimeout(() => process.exit(128 + (signal === "SIGTERM" ? 15 : 2)), 3_000);
      void closeAll().finally(() => {
        clearTimeout(timer);
        process.exit(128 + (signal === "SIGTERM" ? 15 : 2));
      });
    });
  }
}
