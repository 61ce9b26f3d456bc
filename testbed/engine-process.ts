// Runs the embedded engine as a child process (`node dist/simulator/main.js`), the way the demo and
// the e2e tests use it: parses the lines it prints on start, and offers stop / kill -9 / the request
// log. Assumes `npm run build` has produced dist/.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readRequestLog, type RequestLogEntry } from "../simulator/http/request-log";

export interface StartEngineOptions {
  version: "4.3" | "4.4";
  /** Defaults to a new temporary directory (left in place, so a restarted engine can reuse it). */
  stateDir?: string;
  /** Defaults to 0: a free port. */
  port?: number;
  timeScale?: number;
  /** Defaults to a random password. */
  adminPassword?: string;
  /** `--data-plane`: engines given the same directory share storage and hosts. */
  dataPlane?: string;
  /** `--faults`: a fault injection spec (simulator/http/fault-injection.ts). */
  faults?: string;
  /** `--seed`: a lab description loaded into a fresh state (simulator/seeds/). */
  seed?: string;
  /** `--gluster-storage`: glusterfs domains as data-plane directories (default) or FUSE mounts. */
  glusterStorage?: "directory" | "mount";
  /** `--host-deploy`: hosts installed from data-plane records (default) or over real SSH. */
  hostDeploy?: "simulated" | "ssh";
}

export type LoggedRequest = RequestLogEntry;

export interface EngineProcess {
  url: string;
  caFile: string;
  caPem: string;
  adminPassword: string;
  stateDir: string;
  pid: number;
  /** SIGTERM, then waits for a clean exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** SIGKILL, no clean-up: what a crash looks like to the state directory. */
  kill9(): void;
  /** Every request the engine answered, oldest first (its `<state>/requests.log`). */
  requests(): LoggedRequest[];
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

function repoRoot(): string {
  // This file runs from testbed/ (ts-jest) or dist/testbed/ (compiled): walk up to package.json.
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`engine-process: no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

function engineMain(): string {
  const main = path.join(repoRoot(), "dist", "simulator", "main.js");
  if (!fs.existsSync(main)) {
    throw new Error(`engine-process: ${main} does not exist; run \`npm run build\` first`);
  }
  return main;
}

interface Banner {
  url: string;
  caFile: string;
}

/** Resolves with the banner once all three start-up lines are out; rejects if the process dies first. */
function awaitBanner(child: ChildProcess, stderr: () => string): Promise<Banner> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => fail(new Error(`engine did not start within ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const listening = /^ovirt-lab embedded engine \S+ listening$/m.test(out);
      const url = /^API URL: (\S+)$/m.exec(out)?.[1];
      const caFile = /^CA certificate: (.+)$/m.exec(out)?.[1];
      if (listening && url && caFile) {
        clearTimeout(timer);
        resolve({ url, caFile });
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`engine exited before it was ready (code ${code}, signal ${signal}): ${stderr().trim()}`),
      );
    });
    child.once("error", fail);
  });
}

export async function startEngine(opts: StartEngineOptions): Promise<EngineProcess> {
  const main = engineMain();
  const stateDir = path.resolve(
    opts.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `ovirt-lab-engine-${opts.version}-`)),
  );
  const adminPassword = opts.adminPassword ?? crypto.randomBytes(12).toString("base64url");
  const args = [
    main,
    "--engine-version",
    opts.version,
    "--port",
    String(opts.port ?? 0),
    "--state",
    stateDir,
    "--admin-password",
    adminPassword,
    "--time-scale",
    String(opts.timeScale ?? 1),
    ...(opts.dataPlane !== undefined ? ["--data-plane", opts.dataPlane] : []),
    ...(opts.faults !== undefined ? ["--faults", opts.faults] : []),
    ...(opts.seed !== undefined ? ["--seed", opts.seed] : []),
    ...(opts.glusterStorage !== undefined ? ["--gluster-storage", opts.glusterStorage] : []),
    ...(opts.hostDeploy !== undefined ? ["--host-deploy", opts.hostDeploy] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const banner = await awaitBanner(child, () => stderr);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
  const logFile = path.join(stateDir, "requests.log");

  return {
    url: banner.url,
    caFile: banner.caFile,
    caPem: fs.readFileSync(banner.caFile, "utf8"),
    adminPassword,
    stateDir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
    kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
    requests: () => readRequestLog(logFile),
  };
}
