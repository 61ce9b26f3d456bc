// `npm run bench:engine`: the embedded engine under the load of a 3,000-VM refresh. A 4.4 engine
// state (time scale 0) is seeded in-process with BENCH_ENGINE_VMS VMs (default 3000, each with a NIC; a
// data center, a cluster and an up host around them), an engine process is started on it, then
// `GET /vms` is asked BENCH_ENGINE_REQUESTS
// times (default 60) per format, JSON and XML, BENCH_ENGINE_CONCURRENCY at a time (default 4), over
// loopback with keep-alive. Printed and written to bench/results/engine.json: seeding time, requests
// per second, latency (mean, p50, p95, max), answer size, and the engine's RSS after seeding and
// after the run (VmRSS; VmHWM is the peak).
import fs from "node:fs";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { launchEngine } from "../simulator/engine";
import { startEngine } from "../testbed/engine-process";
import { repoRoot } from "../testbed/paths";

const VMS = Number(process.env.BENCH_ENGINE_VMS ?? "3000");
const REQUESTS = Number(process.env.BENCH_ENGINE_REQUESTS ?? "60");
const CONCURRENCY = Number(process.env.BENCH_ENGINE_CONCURRENCY ?? "4");
const OUT = path.join(repoRoot, "bench", "results", "engine.json");

function seedFile(dir: string): string {
  const file = path.join(dir, `bench-${VMS}.yaml`);
  fs.writeFileSync(
    file,
    [
      `seed: bench-${VMS}`,
      `engine_version: "4.4"`,
      `data_center: { name: bench_dc, version: "4.4" }`,
      `clusters:`,
      `  - name: bench_cluster`,
      `    cpu_type: Intel Skylake Server Family`,
      `    hosts: [{ name: bench-host, address: bench-host.lab, root_password: pw, cores: 16, memory_gib: 256 }]`,
      `networks: [{ name: bench_vms, clusters: [bench_cluster] }]`,
      `vm_groups:`,
      `  - { prefix: vm, count: ${VMS}, cluster: bench_cluster, memory_gib: 2, cpus: 2, os: rhel_8x64,`,
      `      nics: [{ name: nic1, network: bench_vms }] }`,
      ``,
    ].join("\n"),
  );
  return file;
}

/** CPU milliseconds (user + system) a process has used: per-request cost, whatever the load. */
function cpuMsOf(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** VmRSS and VmHWM of a process, in MiB. */
function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMiB: round(kib("VmRSS") / 1024), peakMiB: round(kib("VmHWM") / 1024) };
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function request(
  agent: https.Agent,
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { agent, method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

interface Figures {
  format: "json" | "xml";
  requests: number;
  concurrency: number;
  requestsPerSecond: number;
  vmsPerSecond: number;
  latencyMs: { mean: number; p50: number; p95: number; max: number };
  /** The engine process's CPU time per request (load-independent; USER_HZ 100 assumed). */
  engineCpuMsPerRequest: number;
  answerBytes: number;
}

async function measure(
  pid: number,
  agent: https.Agent,
  url: string,
  token: string,
  format: "json" | "xml",
): Promise<Figures> {
  const headers = { authorization: `Bearer ${token}`, accept: `application/${format}`, version: "4" };
  // One warm-up request, also the size and count check.
  const first = await request(agent, url, { headers });
  if (first.status !== 200) throw new Error(`GET /vms (${format}): ${first.status}`);
  const count =
    format === "json"
      ? (JSON.parse(first.body) as { vm: unknown[] }).vm.length
      : first.body.split("<vm ").length - 1;
  if (count !== VMS) throw new Error(`GET /vms (${format}) listed ${count} VMs, not ${VMS}`);
  const latencies: number[] = [];
  const cpuBefore = cpuMsOf(pid);
  let next = 0;
  const started = process.hrtime.bigint();
  const worker = async () => {
    while (next < REQUESTS) {
      next++;
      const t = process.hrtime.bigint();
      const res = await request(agent, url, { headers });
      if (res.status !== 200) throw new Error(`GET /vms (${format}): ${res.status}`);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const engineCpuMsPerRequest = round((cpuMsOf(pid) - cpuBefore) / REQUESTS);
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return {
    format,
    requests: REQUESTS,
    concurrency: CONCURRENCY,
    requestsPerSecond: round(REQUESTS / seconds, 2),
    vmsPerSecond: Math.round((REQUESTS * VMS) / seconds),
    latencyMs: {
      mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
      p50: round(pct(0.5)),
      p95: round(pct(0.95)),
      max: round(latencies[latencies.length - 1]),
    },
    engineCpuMsPerRequest,
    answerBytes: Buffer.byteLength(first.body),
  };
}

async function main(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-bench-engine-"));
  const seed = seedFile(scratch);
  const stateDir = path.join(scratch, "state");
  // Seeding runs here, in-process (the same launchEngine the CLI runs): thousands of VMs take longer
  // than a process start may (testbed/engine-process.ts waits 60 s for the banner).
  const t = Date.now();
  const seeding = await launchEngine({
    version: "4.4",
    port: 0,
    stateDir,
    adminPassword: "bench-pw",
    timeScale: 0,
    hostname: "localhost",
    seed,
  });
  const seedingSeconds = round((Date.now() - t) / 1000, 2);
  const seedingRss = memoryOf(process.pid);
  await seeding.close();
  console.log(`seeded ${VMS} VMs in ${seedingSeconds} s (seeding process RSS ${seedingRss.rssMiB} MiB)`);
  // The engine under test: a process on the seeded state (--seed again: recorded, nothing done).
  const engine = await startEngine({ version: "4.4", timeScale: 0, stateDir, seed });
  try {
    const afterSeeding = memoryOf(engine.pid);
    console.log(`engine process on the seeded state: RSS ${afterSeeding.rssMiB} MiB`);
    const agent = new https.Agent({ ca: engine.caPem, keepAlive: true, maxSockets: CONCURRENCY });
    const origin = new URL(engine.url).origin;
    const login = await request(agent, `${origin}/ovirt-engine/sso/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "password",
        scope: "ovirt-app-api",
        username: "admin@internal",
        password: engine.adminPassword,
      }).toString(),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.body}`);
    const token = (JSON.parse(login.body) as { access_token: string }).access_token;
    const url = `${origin}/ovirt-engine/api/vms`;
    const runs = [
      await measure(engine.pid, agent, url, token, "json"),
      await measure(engine.pid, agent, url, token, "xml"),
    ];
    const afterRun = memoryOf(engine.pid);
    agent.destroy();
    const result = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: os.cpus().length,
      loadAverage: os.loadavg().map((l) => round(l, 2)),
      vms: VMS,
      seedingSeconds,
      rss: { seedingProcess: seedingRss, afterSeeding, afterRun },
      getVms: runs,
    };
    for (const r of runs) {
      console.log(
        `GET /vms ${r.format.padEnd(4)} ${r.requests} requests x${r.concurrency}: ${r.requestsPerSecond} req/s ` +
          `(${r.vmsPerSecond} VMs/s), latency mean ${r.latencyMs.mean} ms p50 ${r.latencyMs.p50} p95 ${r.latencyMs.p95} ` +
          `max ${r.latencyMs.max}; engine CPU ${r.engineCpuMsPerRequest} ms per request; ` +
          `${round(r.answerBytes / 1024 ** 2, 2)} MiB per answer`,
      );
    }
    console.log(`engine RSS after the run ${afterRun.rssMiB} MiB (peak ${afterRun.peakMiB} MiB)`);
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, JSON.stringify(result, null, 2) + "\n");
    console.log(`written to ${path.relative(repoRoot, OUT)}`);
  } finally {
    await engine.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench:engine failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
