// Issue 9.2: crashes at random points of `pulumi up`. Engine trials: the engine is SIGKILLed once the
// up has made a random number of API requests, and restarted on the same state and port a random
// moment later. CLI trials: the Pulumi CLI gets SIGINT (Ctrl-C) or SIGKILL at a random point. After
// each crash the next `pulumi up` (after the project's recovery step, docs/recovery.md) must
// converge with no duplicate, and the one after it must be empty. Kill points come from a seeded
// generator, so a failing trial can be replayed by its seed.
import * as fs from "fs";
import * as path from "path";
import { startEngine, type EngineProcess } from "../../testbed/engine-process";
import { list } from "../helpers/engine-api";
import { recoverStack } from "../../tools/recover";
import { labStack, type TestStack } from "../helpers/stack";
import { offlineEnv } from "../../testbed/pulumi";
import { duplicates, pool } from "./support";

const ENGINE_TRIALS = Number(process.env.OVIRT_LAB_CRASH_TRIALS ?? 10);
/** Per signal: SIGINT and SIGKILL trials together make 10. */
const CLI_TRIALS = Number(process.env.OVIRT_LAB_CRASH_TRIALS ?? 5);
const WIDTH = Number(process.env.OVIRT_LAB_CRASH_WIDTH ?? 4);
/** API requests a clean `up` of the lab below makes (measured): kill points are drawn below it. */
const UP_REQUESTS = 15;

const lab = {
  engine: "target",
  dataCenter: { name: "crash_dc", compatibilityVersion: "4.4" },
  clusters: [{ name: "oVirt_Cluster", threadsAsCores: true }, { name: "ocpcluster" }],
  networks: [{ name: "ocp", vlan: 20, clusters: [{ name: "ocpcluster", required: false }] }],
};

/** mulberry32: a tiny seeded generator. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 120_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
  return true;
}

const apiRequests = (e: EngineProcess) => e.requests().filter((r) => r.path.startsWith("/ovirt-engine/api"));

/** What the engine holds of the lab, read without the project's client: problems found. */
async function inventoryProblems(engine: EngineProcess): Promise<string[]> {
  const problems: string[] = [];
  const dcs = await list(engine, "datacenters", "data_center");
  const clusters = await list(engine, "clusters", "cluster");
  const networks = await list(engine, "networks", "network");
  const profiles = await list(engine, "vnicprofiles", "vnic_profile");
  const ref = (o: Record<string, unknown>, k: string) => (o[k] as { id?: string } | undefined)?.id;
  const names = (xs: Array<Record<string, unknown>>) => xs.map((x) => String(x.name)).sort();
  for (const d of duplicates(names(dcs))) problems.push(`duplicate data center ${d}`);
  for (const d of duplicates(names(clusters))) problems.push(`duplicate cluster ${d}`);
  for (const d of duplicates(networks.map((n) => `${ref(n, "data_center")}/${String(n.name)}`)))
    problems.push(`duplicate network ${d}`);
  for (const d of duplicates(profiles.map((p) => `${ref(p, "network")}/${String(p.name)}`)))
    problems.push(`duplicate vNIC profile ${d}`);
  const dcIds = new Set(dcs.map((d) => d.id));
  for (const c of clusters)
    if (!dcIds.has(ref(c, "data_center"))) problems.push(`orphan cluster ${String(c.name)}`);
  if (JSON.stringify(names(dcs)) !== '["Default","crash_dc"]')
    problems.push(`data centers ${names(dcs).join(",")}`);
  if (JSON.stringify(names(clusters)) !== '["Default","oVirt_Cluster","ocpcluster"]')
    problems.push(`clusters ${names(clusters).join(",")}`);
  return problems;
}

function stateFile(t: TestStack): string {
  return path.join(t.workDir, ".backend", ".pulumi", "stacks", "ovirt-lab", "e2e.json");
}

function pendingOps(t: TestStack): string[] {
  if (!fs.existsSync(stateFile(t))) return [];
  const s = JSON.parse(fs.readFileSync(stateFile(t), "utf8")) as {
    checkpoint: { latest?: { pending_operations?: Array<{ type: string; resource: { urn: string } }> } };
  };
  return (s.checkpoint.latest?.pending_operations ?? []).map(
    (p) => `${p.type} ${p.resource.urn.split("::").pop()}`,
  );
}

/** The Pulumi CLI processes running an update of the stack in `workDir`. */
function cliPids(workDir: string): number[] {
  const backend = `PULUMI_BACKEND_URL=file://${path.resolve(workDir, ".backend")}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (!/(^|\/)pulumi$/.test(argv[0]) || !argv.includes("up")) continue;
      if (fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(backend))
        pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

interface Trial {
  seed: number;
  how: string;
  killedAfter: number;
  crashedUp: string;
  pending: string[];
  recovery: string[];
  rerun: string;
  third: string[];
  problems: string[];
  seconds: number;
}

async function finish(
  t: TestStack,
  engine: EngineProcess,
  trial: Omit<Trial, "rerun" | "third" | "problems" | "seconds" | "recovery" | "pending">,
  started: number,
): Promise<Trial> {
  const pending = pendingOps(t);
  // The project's recovery step (tools/recover.ts, docs/recovery.md): stale lock, orphaned plugins,
  // pending creates; a no-op after a clean failure.
  const env = offlineEnv({ backendDir: path.join(t.workDir, ".backend"), passphrase: "e2e-passphrase" });
  const r = await recoverStack(t.stack, env);
  const recovery = [
    ...(r.repairedAttributes?.length ? [`attribute files repaired ${r.repairedAttributes.length}`] : []),
    ...(r.restoredCheckpoint ? ["checkpoint restored"] : []),
    ...(r.staleLocks.length ? [`stale locks ${r.staleLocks.length}`] : []),
    ...(r.reapedPids.length ? [`orphaned plugins ${r.reapedPids.length}`] : []),
    ...(r.pendingCleared.length ? [`pending cleared ${r.pendingCleared.length}`] : []),
  ];
  const rerun = await t.stack.up().then(
    (r) => r.summary.result,
    (e: Error) => `failed: ${e.message.slice(-400)}`,
  );
  const third = await t.stack.up().then(
    (r) => Object.keys(r.summary.resourceChanges ?? {}).sort(),
    (e: Error) => [`failed: ${e.message.slice(-300)}`],
  );
  return {
    ...trial,
    pending,
    recovery,
    rerun,
    third,
    problems: await inventoryProblems(engine),
    seconds: (Date.now() - started) / 1000,
  };
}

async function engineTrial(seed: number): Promise<Trial> {
  const started = Date.now();
  const r = rng(seed);
  let engine = await startEngine({ version: "4.4", timeScale: 0 });
  const port = Number(new URL(engine.url).port);
  const t = await labStack({ target: engine }, lab);
  try {
    const killAt = 1 + Math.floor(r() * UP_REQUESTS);
    const downMs = Math.floor(r() * 3000);
    const first = t.stack.up().then(
      (res) => res.summary.result,
      () => `failed`,
    );
    let done = false;
    void first.then(() => (done = true));
    await until("the kill point", () => done || apiRequests(engine).length >= killAt);
    const killedAfter = apiRequests(engine).length;
    engine.kill9();
    await sleep(downMs);
    engine = await startEngine({
      version: "4.4",
      timeScale: 0,
      stateDir: engine.stateDir,
      port,
      adminPassword: engine.adminPassword,
    });
    const crashedUp = await first;
    return await finish(
      t,
      engine,
      { seed, how: `engine kill -9, down ${downMs} ms`, killedAfter, crashedUp },
      started,
    );
  } finally {
    await engine.stop();
    fs.rmSync(t.workDir, { recursive: true, force: true });
  }
}

async function cliTrial(seed: number, signal: "SIGINT" | "SIGKILL"): Promise<Trial> {
  const started = Date.now();
  const r = rng(seed);
  const engine = await startEngine({ version: "4.4", timeScale: 0 });
  const t = await labStack({ target: engine }, lab);
  try {
    const killAt = Math.floor(r() * UP_REQUESTS);
    const first = t.stack.up().then(
      (res) => res.summary.result,
      () => `failed`,
    );
    let done = false;
    void first.then(() => (done = true));
    await until("the Pulumi CLI", () => done || cliPids(t.workDir).length > 0);
    await until("the kill point", () => done || apiRequests(engine).length >= killAt);
    if (killAt === 0) await sleep(Math.floor(r() * 1500));
    const killedAfter = apiRequests(engine).length;
    for (const pid of cliPids(t.workDir)) process.kill(pid, signal);
    const crashedUp = await first;
    return await finish(t, engine, { seed, how: `CLI ${signal}`, killedAfter, crashedUp }, started);
  } finally {
    await engine.stop();
    fs.rmSync(t.workDir, { recursive: true, force: true });
  }
}

function check(trials: Trial[]): void {
  console.log(`crash trials:\n${trials.map((x) => JSON.stringify(x)).join("\n")}`);
  // Most kill points must land inside the update (else the trials test nothing).
  expect(trials.filter((x) => x.killedAfter < UP_REQUESTS).length).toBeGreaterThanOrEqual(trials.length / 2);
  for (const x of trials) {
    expect({ seed: x.seed, how: x.how, rerun: x.rerun, third: x.third, problems: x.problems }).toEqual({
      seed: x.seed,
      how: x.how,
      rerun: "succeeded",
      third: ["same"],
      problems: [],
    });
  }
}

test(`engine killed at ${ENGINE_TRIALS} random points of pulumi up: the next up converges, no duplicate`, async () => {
  check(await pool(ENGINE_TRIALS, WIDTH, (i) => engineTrial(2000 + i)));
}, 900_000);

test(`Pulumi CLI interrupted (SIGINT) at ${CLI_TRIALS} random points: the next up converges, no duplicate`, async () => {
  check(await pool(CLI_TRIALS, WIDTH, (i) => cliTrial(3000 + i, "SIGINT")));
}, 900_000);

test(`Pulumi CLI killed (SIGKILL) at ${CLI_TRIALS} random points: the next up converges, no duplicate`, async () => {
  check(await pool(CLI_TRIALS, WIDTH, (i) => cliTrial(4000 + i, "SIGKILL")));
}, 900_000);
