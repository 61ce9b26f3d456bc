// `make bench`: measures the providers against the embedded engine and writes
// bench/results/latest.json and docs/benchmarks.md. Every Pulumi run is the toolchain's real CLI
// on a scratch project (testbed/pulumi.ts) whose program is bench/programs/lab.ts.
//
// 1. converge: the "converge" shape at time scale 1 (real engine durations); wall time of
//    `pulumi up` over the critical path of the engine's own async work along the chain.
// 2. scaling: the "scale" shape (diskless, stopped VMs: the provider's own costs) with each count
//    in BENCH_COUNTS at time scale 0: up from empty, no-op preview, refresh; requests by method from
//    the engine's request log; peak RSS of the program and of the dynamic-provider process.
// 3. state bytes per VM, from `pulumi stack export`.
// 4. the peer: the official Python SDK, sequential (bench/peer.py), against `pulumi up` of as many.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DISK_CREATE_MS } from "../simulator/api/disks/routes";
import { DURATIONS as HOST_DURATIONS } from "../simulator/api/hosts/machine";
import { startEngine, type EngineProcess } from "../testbed/engine-process";
import { PULUMI_VERSION, repoRoot } from "../testbed/paths";
import { offlineEnv } from "../testbed/pulumi";

// 3,000 VMs take ~45 minutes here (the up alone ~14 min: ~3.6 VMs/s on 2 shared cores), beyond the
// half hour `make bench` may take: by default the largest run is 1,000 VMs and the 3,000-VM figures
// are projected linearly from the two largest runs (marked "projected" in the JSON).
// BENCH_COUNTS=30,300,3000 measures them.
const COUNTS = (process.env.BENCH_COUNTS ?? "30,300,1000").split(",").filter(Boolean).map(Number);
const CONVERGE_VMS = Number(process.env.BENCH_CONVERGE_VMS ?? "5");
const PEER_VMS = Number(process.env.BENCH_PEER_VMS ?? "300");
// BENCH_MERGE=1: add to the last results instead of replacing them. The previous latest.json's
// scaling runs for counts not measured now are kept (and its converge and peer when this run skips
// them), e.g. `BENCH_COUNTS=3000 BENCH_SKIP_CONVERGE=1 BENCH_SKIP_PEER=1 BENCH_MERGE=1` adds a
// measured 3,000-VM run to the last full one. What was kept is listed under `merged`.
const MERGE = !!process.env.BENCH_MERGE;
const PASSPHRASE = "bench-passphrase";
const SDK_PYTHON = path.join(repoRoot, ".toolchain", "sdk-venv", "bin", "python");

// The storage domain's attach (simulator/api/storagedomains/lifecycle.ts DURATION, not exported):
// locked 4 s -> maintenance 1 s -> activating 3 s -> active.
const SD_ATTACH_MS = 4_000 + 1_000 + 3_000;

const t0 = Date.now();
function progress(msg: string): void {
  console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${msg}`);
}

// ---- processes and memory -------------------------------------------------------------------

interface Proc {
  pid: number;
  ppid: number;
  cmd: string;
  rssKb: number;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const status = fs.readFileSync(`/proc/${d}/status`, "utf8");
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " ");
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      out.push({ pid: Number(d), ppid, cmd, rssKb });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** Peak RSS (MB) of the program and of the dynamic-provider process among `root`'s descendants. */
function sampler(root: number): { stop(): { programMb: number; providerMb: number } } {
  let program = 0;
  let provider = 0;
  const tick = () => {
    const all = processes();
    const children = new Map<number, Proc[]>();
    for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    const todo = [root];
    while (todo.length) {
      const pid = todo.pop()!;
      for (const c of children.get(pid) ?? []) {
        todo.push(c.pid);
        if (!/\bnode\b/.test(c.cmd)) continue;
        if (c.cmd.includes("dynamic-provider")) provider = Math.max(provider, c.rssKb);
        else if (c.cmd.includes("bench/programs") || c.cmd.includes("@pulumi/pulumi/cmd/run"))
          program = Math.max(program, c.rssKb);
      }
    }
  };
  const timer = setInterval(tick, 250);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { programMb: Math.round(program / 1024), providerMb: Math.round(provider / 1024) };
    },
  };
}

// ---- a scratch project running the bench program ----------------------------------------------

interface Project {
  dir: string;
  env: Record<string, string>;
}

function project(engine: EngineProcess, shape: string, vms: number): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-bench-"));
  fs.copyFileSync(path.join(repoRoot, "package.json"), path.join(dir, "package.json"));
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  // dist/ is the provider process's working directory: the runtime from the repository, the
  // bench program as its main.
  fs.mkdirSync(path.join(dir, "dist"));
  fs.symlinkSync(path.join(repoRoot, "dist", "providers"), path.join(dir, "dist", "providers"), "dir");
  fs.writeFileSync(
    path.join(dir, "dist", "index.js"),
    `module.exports = require(${JSON.stringify(path.join(repoRoot, "dist", "bench", "programs", "lab.js"))});\n`,
  );
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    "name: ovirt-lab-bench\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: dist/index.js\n",
  );
  const env = offlineEnv({ backendDir: path.join(dir, ".backend"), passphrase: PASSPHRASE });
  const p = { dir, env };
  cli(p, ["stack", "init", "bench", "--non-interactive"]);
  cli(p, ["config", "set", "--path", "ovirt-lab:engines.target.url", engine.url]);
  cli(p, ["config", "set", "--path", "ovirt-lab:engines.target.caFile", engine.caFile]);
  cli(p, ["config", "set", "--secret", "--path", "ovirt-lab:engines.target.password", engine.adminPassword]);
  cli(p, ["config", "set", "bench:shape", shape]);
  cli(p, ["config", "set", "bench:vms", String(vms)]);
  return p;
}

function cli(p: Project, args: string[]): string {
  const r = spawnSync("pulumi", args, {
    cwd: p.dir,
    env: { ...process.env, ...p.env },
    encoding: "utf8",
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

interface Run {
  wallMs: number;
  requests: Record<string, number>;
  totalRequests: number;
  programMb: number;
  providerMb: number;
}

/** Runs the CLI, timing it, sampling memory and counting the engine's requests. */
function timed(p: Project, engine: EngineProcess, args: string[]): Promise<Run> {
  const from = engine.requests().length;
  const start = Date.now();
  const child = spawn("pulumi", [...args, "--stack", "bench", "--non-interactive", "--color", "never"], {
    cwd: p.dir,
    env: { ...process.env, ...p.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const mem = sampler(child.pid!);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => {
      const wallMs = Date.now() - start;
      const { programMb, providerMb } = mem.stop();
      if (code !== 0) {
        const log = path.join(p.dir, "failure.log");
        fs.writeFileSync(log, out);
        const errs = out.split("\n").filter((l) => /error/i.test(l));
        return reject(
          new Error(
            `pulumi ${args.join(" ")} exited ${code} (output: ${log}):\n${errs.join("\n").slice(-4000)}`,
          ),
        );
      }
      const requests: Record<string, number> = {};
      const sent = engine.requests().slice(from);
      for (const r of sent) requests[r.method] = (requests[r.method] ?? 0) + 1;
      resolve({ wallMs, requests, totalRequests: sent.length, programMb, providerMb });
    });
  });
}

interface StateSize {
  bytes: number;
  vmBytes: number;
  shimBytes: number;
  /** Average bytes of one Vm resource's parts: its inputs, its outputs, the rest (URN, type, deps...). */
  vmParts?: { inputs: number; outputs: number; rest: number };
}

function stateSize(p: Project): StateSize {
  const text = cli(p, ["stack", "export", "--stack", "bench"]);
  const deployment = JSON.parse(text) as {
    deployment: { resources?: Array<{ type: string; inputs?: { __provider?: string } }> };
  };
  const vms = (deployment.deployment.resources ?? []).filter((r) => r.type.endsWith(":Vm"));
  const vmBytes = vms.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(r)), 0) / Math.max(1, vms.length);
  const shimBytes = Buffer.byteLength(vms[0]?.inputs?.__provider ?? "");
  const avg = (f: (r: Record<string, unknown>) => unknown) =>
    Math.round(
      vms.reduce((n, r) => n + Buffer.byteLength(JSON.stringify(f(r as Record<string, unknown>)) ?? ""), 0) /
        Math.max(1, vms.length),
    );
  const vmParts = {
    inputs: avg((r) => r.inputs),
    outputs: avg((r) => r.outputs),
    rest: avg(({ inputs: _i, outputs: _o, ...rest }) => rest),
  };
  return { bytes: Buffer.byteLength(text), vmBytes: Math.round(vmBytes), shimBytes, vmParts };
}

// ---- sections ---------------------------------------------------------------------------------

async function converge(): Promise<Record<string, unknown>> {
  progress(`converge: DC -> cluster -> host -> storage -> ${CONVERGE_VMS} VMs with disks, time scale 1`);
  const engine = await startEngine({ version: "4.4", timeScale: 1 });
  try {
    const p = project(engine, "converge", CONVERGE_VMS);
    const from = engine.requests().length;
    const began = Date.now();
    const run = await timed(p, engine, ["up", "--yes", "--skip-preview"]);
    const criticalMs = HOST_DURATIONS.install + HOST_DURATIONS.initialize + SD_ATTACH_MS + DISK_CREATE_MS;
    // Polling of the longest operation (the host's install): GETs of the host, jobs and events from
    // the host's POST until the next write (not the next resource's look-ups that may start before
    // it: the storage domain's search by name).
    const log = engine.requests().slice(from);
    const post = log.findIndex((r) => r.method === "POST" && /\/hosts$/.test(r.path.replace(/\?.*/, "")));
    const next = log.findIndex((r, i) => i > post && r.method !== "GET" && !r.path.includes("/sso/"));
    const pollLog = log
      .slice(post + 1, next < 0 ? undefined : next)
      .filter((r) => r.method === "GET" && /\/api\/(hosts|jobs|events)\b/.test(r.path));
    const polls = pollLog.length;
    const pollPaths: Record<string, number> = {};
    for (const r of pollLog) {
      const k = r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "ID").replace(/\?.*/, "?...");
      pollPaths[k] = (pollPaths[k] ?? 0) + 1;
    }
    const pollSeconds = pollLog.map((r) => (Date.parse(r.time) - Date.parse(log[post].time)) / 1000);
    // Where the wall time went, in seconds from the start of `pulumi up`: what is not the engine's
    // work is Pulumi's start-up (before the first request), the API round trips between the
    // operations, polling lag and Pulumi's wrap-up (after the last request).
    const at = (r: { time: string } | undefined) =>
      r ? Number(((Date.parse(r.time) - began) / 1000).toFixed(2)) : null;
    const firstOf = (method: string, re: RegExp) =>
      log.find((r) => r.method === method && re.test(r.path.replace(/\?.*/, "")));
    const timelineSeconds = {
      firstRequest: at(log[0]),
      hostPost: at(log[post]),
      hostSeenUp: at(pollLog.filter((r) => /\/jobs/.test(r.path)).pop()),
      storageDomainPost: at(firstOf("POST", /\/storagedomains$/)),
      firstVmPost: at(firstOf("POST", /\/vms$/)),
      lastRequest: at(log[log.length - 1]),
      end: Number((run.wallMs / 1000).toFixed(2)),
    };
    progress(
      `converge: ${run.wallMs} ms, critical path ${criticalMs} ms, host install polled ${polls} times`,
    );
    fs.rmSync(p.dir, { recursive: true, force: true });
    return {
      ...run,
      criticalPathMs: criticalMs,
      hostInstallPollRequests: polls,
      hostInstallPolls: pollPaths,
      hostInstallPollAtSeconds: pollSeconds.map((t) => Number(t.toFixed(2))),
      timelineSeconds,
      ratio: run.wallMs / criticalMs,
    };
  } finally {
    await engine.stop();
  }
}

async function scale(n: number): Promise<Record<string, unknown>> {
  progress(`scale ${n}: engine at time scale 0`);
  const engine = await startEngine({ version: "4.4", timeScale: 0 });
  try {
    const p = project(engine, "scale", n);
    progress(`scale ${n}: pulumi up (from empty)`);
    const up = await timed(p, engine, ["up", "--yes", "--skip-preview"]);
    progress(`scale ${n}: up ${up.wallMs} ms, ${up.totalRequests} requests; no-op preview`);
    const preview = await timed(p, engine, ["preview", "--expect-no-changes"]);
    progress(`scale ${n}: preview ${preview.wallMs} ms; refresh`);
    const refresh = await timed(p, engine, ["refresh", "--yes", "--skip-preview"]);
    progress(`scale ${n}: refresh ${refresh.wallMs} ms, ${refresh.totalRequests} requests`);
    const state = stateSize(p);
    fs.rmSync(p.dir, { recursive: true, force: true });
    return { vms: n, resources: n + 2, up, preview, refresh, state };
  } finally {
    await engine.stop();
  }
}

async function peer(): Promise<Record<string, unknown>> {
  if (!fs.existsSync(SDK_PYTHON))
    throw new Error(`${SDK_PYTHON} is missing: run bash testbed/sdk/install.sh`);
  progress(`peer: official Python SDK, sequential, ${PEER_VMS} VMs, time scale 0`);
  const engine = await startEngine({ version: "4.4", timeScale: 0 });
  let sdkMs: number;
  let sdkRequests: number;
  try {
    const from = engine.requests().length;
    const r = spawnSync(SDK_PYTHON, [path.join(repoRoot, "bench", "peer.py")], {
      env: {
        ...process.env,
        OVIRT_URL: engine.url,
        OVIRT_PASSWORD: engine.adminPassword,
        OVIRT_CA_FILE: engine.caFile,
        BENCH_VMS: String(PEER_VMS),
      },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`peer.py failed: ${r.stderr}`);
    sdkMs = (JSON.parse(r.stdout.trim().split("\n").pop()!) as { wall_ms: number }).wall_ms;
    sdkRequests = engine.requests().length - from;
  } finally {
    await engine.stop();
  }
  progress(`peer: SDK ${sdkMs} ms, ${sdkRequests} requests`);
  return { vms: PEER_VMS, sdkWallMs: sdkMs, sdkRequests };
}

// ---- report -------------------------------------------------------------------------------------

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, {
    encoding: "utf8",
    env: { ...process.env, ...offlineEnv({ backendDir: os.tmpdir(), passphrase: "x" }) },
  });
  return (r.stdout || r.stderr || "").trim().split("\n")[0];
}

function machine(): Record<string, unknown> {
  return {
    nproc: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryMb: Math.round(os.totalmem() / 1024 / 1024),
    os: `${os.type()} ${os.release()}`,
    // Other work on the same cores skews every wall time: the 1/5/15-minute load averages at the end.
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(1))),
    node: process.version,
    pulumi: version("pulumi", ["version"]) || PULUMI_VERSION,
    pulumiNodejsSdk: (
      JSON.parse(
        fs.readFileSync(path.join(repoRoot, "node_modules/@pulumi/pulumi/package.json"), "utf8"),
      ) as { version: string }
    ).version,
    pythonSdk: fs.existsSync(SDK_PYTHON)
      ? version(SDK_PYTHON, ["-c", "import ovirtsdk4.version as v; print(v.VERSION)"])
      : "not installed",
    date: new Date().toISOString(),
  };
}

async function section<T>(
  name: string,
  f: () => Promise<T>,
  errors: Record<string, string>,
): Promise<T | undefined> {
  try {
    return await f();
  } catch (err) {
    errors[name] = err instanceof Error ? err.message.slice(0, 2000) : String(err);
    progress(`${name} FAILED: ${errors[name]}`);
    return undefined;
  }
}

type Scale = { vms: number; resources: number; up: Run; preview: Run; refresh: Run; state: StateSize };

/** The results a BENCH_MERGE run adds to. */
function previousResults(): {
  date?: string;
  converge?: { ratio: number; hostInstallPollRequests: number } | null;
  scaling?: Scale[];
  peer?: { vms: number; sdkWallMs: number } | null;
  merged?: unknown;
} {
  const file = path.join(repoRoot, "bench", "results", "latest.json");
  if (!MERGE || !fs.existsSync(file)) return {};
  const prev = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> & {
    machine?: { date?: string };
  };
  return { ...prev, date: prev.machine?.date };
}

async function main(): Promise<void> {
  const errors: Record<string, string> = {};
  const prev = previousResults();
  const kept: Record<string, unknown> = {};
  let conv = process.env.BENCH_SKIP_CONVERGE
    ? undefined
    : ((await section("converge", converge, errors)) as
        { ratio: number; hostInstallPollRequests: number } | undefined);
  if (!conv && prev.converge && process.env.BENCH_SKIP_CONVERGE) {
    conv = prev.converge;
    kept.converge = true;
  }
  const scales: Scale[] = [];
  for (const n of COUNTS) {
    const s = (await section(`scale_${n}`, () => scale(n), errors)) as Scale | undefined;
    if (s) scales.push(s);
  }
  const older = (prev.scaling ?? []).filter((o) => !COUNTS.includes(o.vms));
  if (older.length) {
    scales.push(...older);
    scales.sort((a, b) => a.vms - b.vms);
    kept.scaling = older.map((o) => o.vms);
  }
  let peerRes = process.env.BENCH_SKIP_PEER
    ? undefined
    : ((await section("peer", peer, errors)) as { vms: number; sdkWallMs: number } | undefined);
  if (!peerRes && prev.peer && process.env.BENCH_SKIP_PEER) {
    peerRes = prev.peer;
    kept.peer = true;
  }
  const largest = scales[scales.length - 1];
  const smallest = scales[0];
  const pulumiAtPeer = scales.find((s) => s.vms === PEER_VMS);
  // Preview's cost per resource above the fixed cost: the slope between the smallest and largest runs.
  const previewSlope =
    largest && smallest && largest !== smallest
      ? (largest.preview.wallMs - smallest.preview.wallMs) / (largest.resources - smallest.resources)
      : undefined;
  const at3000 = scales.find((s) => s.vms === 3000);
  // Linear in the VM count through the two largest runs, when 3,000 was not measured.
  const project3000 = (f: (s: Scale) => number): number | null => {
    if (scales.length < 2) return null;
    const [a, b] = scales.slice(-2);
    return Math.round(f(a) + ((f(b) - f(a)) / (b.vms - a.vms)) * (3000 - a.vms));
  };
  const results = {
    machine: machine(),
    settings: { counts: COUNTS, convergeVms: CONVERGE_VMS, peerVms: PEER_VMS },
    converge_over_critical_path: conv ? Number(conv.ratio.toFixed(3)) : null,
    noop_preview_ms_per_resource: previewSlope !== undefined ? Number(previewSlope.toFixed(3)) : null,
    refresh_requests_3000_vms: at3000
      ? at3000.refresh.totalRequests
      : project3000((s) => s.refresh.totalRequests),
    state_bytes_per_vm: largest ? largest.state.vmBytes : null,
    polling_requests_per_long_op: conv ? conv.hostInstallPollRequests : null,
    peak_rss_mb_3000_vms: at3000
      ? { program: at3000.up.programMb, provider: at3000.up.providerMb }
      : { program: project3000((s) => s.up.programMb), provider: project3000((s) => s.up.providerMb) },
    figures_3000_vms: at3000 ? "measured" : "projected",
    peer_ratio_pulumi_over_sdk:
      peerRes && pulumiAtPeer ? Number((pulumiAtPeer.up.wallMs / peerRes.sdkWallMs).toFixed(3)) : null,
    converge: conv ?? null,
    scaling: scales,
    peer: peerRes ?? null,
    // What the previous results had themselves kept from an earlier run stays on record.
    merged: Object.keys(kept).length
      ? { from: prev.date ?? null, ...kept, ...(prev.merged ? { earlier: prev.merged } : {}) }
      : undefined,
    errors,
  };
  const out = path.join(repoRoot, "bench", "results", "latest.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  // Formatted as `make lint` (prettier --check .) expects it.
  const prettier = await import("prettier");
  const options = (await prettier.resolveConfig(out)) ?? {};
  fs.writeFileSync(out, await prettier.format(JSON.stringify(results), { ...options, parser: "json" }));
  progress(`wrote ${path.relative(repoRoot, out)}`);
  const { writeReport } = await import("./report");
  writeReport(results, path.join(repoRoot, "docs", "benchmarks.md"));
  progress("wrote docs/benchmarks.md");
  if (Object.keys(errors).length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
