// Shared set-up for provider tests: a fresh embedded engine, the configure request Pulumi would
// send, and small helpers. Assertions read the engine through tests/helpers/engine-api.ts, which
// does not use the project's client.
import type * as pulumi from "@pulumi/pulumi";
import { startEngine } from "../../testbed/engine-process";
import type { Logger } from "../../providers/ovirt/log";
import type { EngineAccess } from "../helpers/engine-api";

export type Engine = Awaited<ReturnType<typeof startEngine>>;

export async function freshEngine(version: "4.3" | "4.4" = "4.4"): Promise<Engine> {
  return startEngine({ version, timeScale: 0 });
}

/** How the stack config names this engine (what `pulumi config set --path engines.<name>...` stores). */
export function engineEntry(e: Engine, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { url: e.url, caFile: e.caFile, password: e.adminPassword, ...extra };
}

/** The ConfigureRequest the dynamic-provider host builds: config values are strings, objects as JSON. */
export function configureRequest(engines: Record<string, unknown>): pulumi.dynamic.ConfigureRequest {
  const values: Record<string, string> = { "ovirt-lab:engines": JSON.stringify(engines) };
  return {
    config: {
      get: (key: string) => values[key],
      require: (key: string) => {
        const v = values[key];
        if (v === undefined) throw new Error(`Missing required configuration key: ${key}`);
        return v;
      },
    },
  };
}

export function access(e: Engine): EngineAccess {
  return { url: e.url, caPem: e.caPem, adminPassword: e.adminPassword };
}

let counter = 0;
/** Names unique within a run (engine names allow letters, digits, '_' and '-'). */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}_${process.pid % 10000}_${counter}`;
}

export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error("expected the promise to reject");
}

export function captureLogger(): Logger & { infos: string[]; warnings: string[] } {
  const infos: string[] = [];
  const warnings: string[] = [];
  return { infos, warnings, info: (m) => infos.push(m), warn: (m) => warnings.push(m) };
}

/** Requests the engine saw since `from` (an index into its request log). */
export function requestsSince(
  e: Engine,
  from: number,
): Array<{ method: string; path: string; status: number }> {
  return e.requests().slice(from);
}
