// Command-line arguments of the engine, validated with messages that say what to fix.
import { FaultSpecError, parseFaultSpec } from "./http/fault-injection";
import { ENGINE_VERSIONS, type EngineVersion } from "./personality";
import type { EngineOptions } from "./engine";
import { GLUSTER_STORAGE_MODES, type GlusterStorageMode } from "./dataplane/mounts";

export const USAGE = `usage: npm run engine -- --engine-version <4.3|4.4> --port <N> --state <dir> --admin-password <pw> [--time-scale X] [--hostname H] [--faults SPEC] [--seed FILE] [--gluster-storage directory|mount] [--host-deploy simulated|ssh]

  --engine-version  which engine to be: 4.3 or 4.4
  --port            TCP port on 127.0.0.1 (0 picks a free one)
  --state           state directory (SQLite database, CA, request log); created if missing
  --admin-password  password of admin@internal
  --time-scale      multiplies every engine duration (default 1; 0 = instant)
  --hostname        name in the API URL and the server certificate (default localhost)
  --data-plane      shared storage and hosts directory (default <state>/dataplane); engines given
                    the same directory see the same storage domains and machines
  --faults          inject faults, e.g. locked=0.2,5xx=0.05,latency=200ms±50ms,drop=0.01,seed=42
                    (simulator/README.md "Fault injection"; default off)
  --seed            load a lab description (simulator/seeds/*.yaml) into a fresh state; refused on
                    a state that is not empty, a no-op when the same seed was applied already
  --gluster-storage glusterfs domains as data-plane directories (directory, the default) or FUSE
                    mounts of the real volumes at <data-plane>/rhev/data-center/mnt/glusterSD (mount)
  --host-deploy     how hosts are installed: simulated (the data plane's machine records, the
                    default) or ssh (a real host-deploy session over SSH to the host's address)`;

export class UsageError extends Error {}

const FLAGS = [
  "engine-version",
  "port",
  "state",
  "admin-password",
  "time-scale",
  "hostname",
  "data-plane",
  "faults",
  "seed",
  "gluster-storage",
  "host-deploy",
] as const;
type Flag = (typeof FLAGS)[number];

function collect(argv: readonly string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new UsageError(`unexpected argument '${arg}'`);
    const name = m[1] as Flag;
    if (!FLAGS.includes(name)) throw new UsageError(`unknown option --${m[1]}`);
    if (out[name] !== undefined) throw new UsageError(`--${name} given twice`);
    let value = m[2];
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
    }
    out[name] = value;
  }
  return out;
}

export function parseArgs(argv: readonly string[]): EngineOptions {
  const a = collect(argv);
  const missing = (["engine-version", "port", "state", "admin-password"] as const).filter(
    (f) => a[f] === undefined,
  );
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((f) => `--${f}`).join(", ")}`);

  const version = a["engine-version"]!;
  if (!ENGINE_VERSIONS.includes(version as EngineVersion)) {
    throw new UsageError(`--engine-version must be one of ${ENGINE_VERSIONS.join(", ")} (got '${version}')`);
  }
  const portText = a.port!;
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new UsageError(`--port must be an integer 0-65535 (got '${portText}')`);
  const state = a.state!;
  if (state.trim() === "") throw new UsageError("--state must not be empty");
  const adminPassword = a["admin-password"]!;
  if (adminPassword === "") throw new UsageError("--admin-password must not be empty");
  const scaleText = a["time-scale"] ?? "1";
  const timeScale = Number(scaleText);
  if (scaleText.trim() === "" || !Number.isFinite(timeScale) || timeScale < 0) {
    throw new UsageError(`--time-scale must be a number >= 0 (got '${scaleText}')`);
  }
  const hostname = a.hostname ?? "localhost";
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(hostname)) {
    throw new UsageError(`--hostname must be a host name or IPv4 address (got '${hostname}')`);
  }
  const dataPlane = a["data-plane"];
  if (dataPlane !== undefined && dataPlane.trim() === "")
    throw new UsageError("--data-plane must not be empty");
  if (a.seed !== undefined && a.seed.trim() === "") throw new UsageError("--seed must not be empty");
  const faults = a.faults;
  if (faults !== undefined) {
    try {
      parseFaultSpec(faults);
    } catch (err) {
      if (err instanceof FaultSpecError) throw new UsageError(`--faults: ${err.message}`);
      throw err;
    }
  }
  const glusterStorage = a["gluster-storage"];
  if (
    glusterStorage !== undefined &&
    !(GLUSTER_STORAGE_MODES as readonly string[]).includes(glusterStorage)
  ) {
    throw new UsageError(
      `--gluster-storage must be one of ${GLUSTER_STORAGE_MODES.join(", ")} (got '${glusterStorage}')`,
    );
  }
  const hostDeploy = a["host-deploy"];
  if (hostDeploy !== undefined && hostDeploy !== "simulated" && hostDeploy !== "ssh") {
    throw new UsageError(`--host-deploy must be one of simulated, ssh (got '${hostDeploy}')`);
  }
  return {
    version: version as EngineVersion,
    port,
    stateDir: state,
    adminPassword,
    timeScale,
    hostname,
    dataPlane,
    faults,
    seed: a.seed,
    ...(glusterStorage !== undefined ? { glusterStorage: glusterStorage as GlusterStorageMode } : {}),
    ...(hostDeploy !== undefined ? { hostDeploy } : {}),
  };
}
