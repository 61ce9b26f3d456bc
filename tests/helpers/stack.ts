// Stacks for end-to-end tests: a scratch copy of the project, a private file backend, the lab
// config written as YAML and the engine password set as a real Pulumi secret.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";

import { engineStack, labStack, type TestEngine, type TestStack } from "../../testbed/lab-stack";

export { labStack, type TestEngine, type TestStack };

/** What a preview/up plans, as `Kind:name -> op` for every resource that is not Pulumi's own. */
export function stepsOf(events: EngineEvent[]): Record<string, string> {
  const steps: Record<string, string> = {};
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (!m || m.type.startsWith("pulumi:")) continue;
    const name = m.urn.split("::").pop() ?? m.urn;
    steps[`${m.type.slice(m.type.lastIndexOf(":") + 1)}:${name}`] = m.op;
  }
  return steps;
}

/** A resource of the test program tests/e2e/programs/providers.ts ("@name" = that resource's id). */
export interface ProgramResource {
  kind: string;
  name: string;
  args: Record<string, unknown>;
  retainOnDelete?: boolean;
  dependsOn?: string[];
}

export interface ProgramStack extends TestStack {
  /** Replaces `ovirt-lab:resources` (what the program declares) in the stack's config file. */
  setResources(resources: ProgramResource[]): void;
  /** The raw checkpoint file of the stack (secrets encrypted). */
  stateFile: string;
}

/**
 * A stack of the providers' test program (tests/e2e/programs/providers.ts, compiled to dist/) in a
 * scratch project: engines in the config as the lab has them, resources as given.
 */
export async function programStack(
  engines: Record<string, TestEngine>,
  resources: ProgramResource[],
): Promise<ProgramStack> {
  const t = await engineStack(engines, {
    prefix: "ovirt-lab-prog-",
    main: "dist/tests/e2e/programs/providers.js",
  });
  t.setIn("ovirt-lab:resources", resources);
  return {
    ...t,
    setResources: (r) => t.setIn("ovirt-lab:resources", r),
    stateFile: path.join(t.workDir, ".backend", ".pulumi", "stacks", "ovirt-lab", "e2e.json"),
  };
}

/**
 * Raw state bytes per resource type: each resource's JSON in the checkpoint file summed by type, and
 * how much of it is the serialized provider (`__provider`, in inputs and outputs).
 */
export function stateBytesByType(
  stateFile: string,
): Record<string, { count: number; bytes: number; providerBytes: number }> {
  const text = fs.readFileSync(stateFile, "utf8");
  type Res = { type: string; inputs?: { __provider?: string }; outputs?: { __provider?: string } };
  const resources =
    (JSON.parse(text) as { checkpoint: { latest: { resources?: Res[] } } }).checkpoint.latest.resources ?? [];
  const out: Record<string, { count: number; bytes: number; providerBytes: number }> = {};
  for (const r of resources) {
    const entry = (out[r.type] ??= { count: 0, bytes: 0, providerBytes: 0 });
    entry.count++;
    entry.bytes += Buffer.byteLength(JSON.stringify(r));
    for (const p of [r.inputs?.__provider, r.outputs?.__provider])
      entry.providerBytes += Buffer.byteLength(JSON.stringify(p ?? ""));
  }
  return out;
}

/**
 * The pids of the dynamic-provider processes (`pulumi-resource-pulumi-nodejs`, i.e. node running
 * @pulumi/pulumi/cmd/dynamic-provider) that serve the stack in `workDir`: told apart from other
 * tests' by the backend URL in their environment.
 */
export function providerPids(workDir: string): number[] {
  const backend = `PULUMI_BACKEND_URL=file://${path.resolve(workDir, ".backend")}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      if (!/pulumi-resource-pulumi-nodejs|cmd\/dynamic-provider/.test(cmd)) continue;
      const env = fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (env.includes(backend)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** The pids of the Pulumi CLI processes (`pulumi up`, ...) working on the stack in `workDir`. */
export function cliPids(workDir: string): number[] {
  const backend = `PULUMI_BACKEND_URL=file://${path.resolve(workDir, ".backend")}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (path.basename(argv[0] ?? "") !== "pulumi") continue;
      const env = fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (env.includes(backend)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}
