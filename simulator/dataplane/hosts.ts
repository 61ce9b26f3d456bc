// The physical machines the engines manage, shared the way real hosts are: one JSON file per machine
// in `<data-plane>/hosts/<address>.json`. Two engines started with the same --data-plane see the same
// machines, so a host one engine manages cannot be added to the other until the first removes it, and
// a host's OS (EL7 with vdsm 4.30, EL8 with vdsm 4.40) decides which cluster levels it supports.
// Writes are atomic (temp file + rename) and claims go through a short per-host lock file, so two
// engine processes never both take the same host.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export type HostOs = "el7" | "el8";
export const HOST_OSES: readonly HostOs[] = ["el7", "el8"];

export interface VersionInfo {
  major: number;
  minor: number;
  build: number;
  revision: number;
  full_version: string;
}

/** Which engine manages the machine (its vdsm trusts that engine's certificate). */
export interface ManagementClaim {
  /** The engine's instance id (engine.ts: config InstanceId). */
  instanceId: string;
  /** The engine's product version, for messages ("4.3.10.4-1.el7"). */
  engineFullVersion: string;
  /** The engine's API URL or name, for messages. */
  engineName: string;
  /** The host's id on that engine. */
  hostId: string;
  /**
   * The machine's SSH host key (`SHA256:...`) when the claim was taken over SSH (hostDeploy "ssh"). A
   * machine presenting another key was reinstalled since: its vdsm no longer trusts that engine.
   */
  hostKeyFingerprint?: string;
}

export interface PhysicalHost {
  address: string;
  os: HostOs;
  /** os.version as the host reports it: 7.9 / 8.6. */
  osVersion: { major: number; minor: number; full_version: string };
  kernelCmdline: string;
  /** vdsm: 4.30 on EL7, 4.40 on EL8. */
  vdsm: VersionInfo;
  libvirt: VersionInfo;
  /** Cluster levels vdsm supports (dsaversion.py clusterLevels). */
  clusterLevels: string[];
  cpu: { name: string; type: string; speed: number; sockets: number; cores: number; threads: number };
  /** Bytes. */
  memory: number;
  hardwareUuid: string;
  rootPassword?: string;
  /** An authorized_keys entry (the engine's public key once it deployed the host). */
  authorizedKey?: string;
  /** Whether packages newer than the installed ones are available (upgradecheck finds them). */
  updatesAvailable: boolean;
  managedBy?: ManagementClaim;
  /** What host-deploy over SSH last read: `hostname` and the SSH host key's fingerprint. */
  hostname?: string;
  sshFingerprint?: string;
}

const HOSTS_DIR = "hosts";
const LOCK_WAIT_MS = 5000;

function hostsDir(dataPlaneDir: string): string {
  return path.join(dataPlaneDir, HOSTS_DIR);
}

/** A file name for an address (host names and IPv4/IPv6 addresses; anything else is escaped). */
function fileOf(dataPlaneDir: string, address: string): string {
  const safe = address.toLowerCase().replace(/[^a-z0-9._-]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return path.join(hostsDir(dataPlaneDir), `${safe}.json`);
}

function atomicWrite(file: string, data: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Runs `fn` holding the machine's lock file (O_EXCL); a stale lock older than 30 s is broken. */
function withLock<R>(dataPlaneDir: string, address: string, fn: () => R): R {
  const lock = `${fileOf(dataPlaneDir, address)}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const start = Date.now();
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, "wx"));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (Date.now() - start > LOCK_WAIT_MS) {
        throw new Error(`data plane: host ${address} is locked (${lock})`, { cause: err });
      }
      try {
        if (Date.now() - fs.statSync(lock).mtimeMs > 30_000) fs.rmSync(lock, { force: true });
      } catch {
        // the holder just released it
      }
      sleepSync(10);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function version(major: number, minor: number, build: number, full: string): VersionInfo {
  return { major, minor, build, revision: 0, full_version: full };
}

/** What a freshly installed machine of `os` looks like. */
export function installedOs(
  os: HostOs,
): Pick<PhysicalHost, "os" | "osVersion" | "kernelCmdline" | "vdsm" | "libvirt" | "clusterLevels"> {
  if (os === "el7") {
    return {
      os,
      osVersion: { major: 7, minor: 9, full_version: "7.9 - 2009.el7" },
      kernelCmdline:
        "BOOT_IMAGE=/vmlinuz-3.10.0-1160.el7.x86_64 root=/dev/mapper/rhel-root ro crashkernel=auto",
      vdsm: version(4, 30, 46, "vdsm-4.30.46-1.el7"),
      libvirt: version(4, 5, 0, "libvirt-4.5.0-36.el7"),
      clusterLevels: ["4.1", "4.2", "4.3"],
    };
  }
  return {
    os,
    osVersion: { major: 8, minor: 6, full_version: "8.6 - 1.el8" },
    kernelCmdline:
      "BOOT_IMAGE=(hd0,msdos1)/vmlinuz-4.18.0-372.el8.x86_64 root=/dev/mapper/rhel-root ro crashkernel=auto",
    vdsm: version(4, 40, 100, "vdsm-4.40.100.2-1.el8"),
    // libvirt >= 7.0 adds levels 4.5 and 4.6 (dsaversion.py, ovirt-4.4.z).
    libvirt: version(8, 0, 0, "libvirt-8.0.0-5.module+el8.6.0"),
    clusterLevels: ["4.2", "4.3", "4.4", "4.5", "4.6"],
  };
}

export function readHost(dataPlaneDir: string, address: string): PhysicalHost | undefined {
  try {
    return JSON.parse(fs.readFileSync(fileOf(dataPlaneDir, address), "utf8")) as PhysicalHost;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function writeHost(dataPlaneDir: string, host: PhysicalHost): void {
  atomicWrite(fileOf(dataPlaneDir, host.address), JSON.stringify(host, null, 2) + "\n");
}

export interface RegisterOptions {
  rootPassword?: string;
  authorizedKey?: string;
  /** 16 threads / 256 GiB like the lab's rhvnodes unless given. */
  cores?: number;
  threads?: number;
  memory?: number;
}

/** Puts a machine into the registry (or returns the one already there, unchanged). */
export function registerHost(
  dataPlaneDir: string,
  address: string,
  os: HostOs,
  opts: RegisterOptions = {},
): PhysicalHost {
  return withLock(dataPlaneDir, address, () => {
    const existing = readHost(dataPlaneDir, address);
    if (existing) return existing;
    const cores = opts.cores ?? 8;
    const threads = opts.threads ?? 2;
    const host: PhysicalHost = {
      address,
      ...installedOs(os),
      cpu: {
        name: "Intel(R) Xeon(R) Silver 4110 CPU @ 2.10GHz",
        type: "Intel Skylake Server IBRS SSBD MDS",
        speed: 2100,
        sockets: 1,
        cores,
        threads,
      },
      memory: opts.memory ?? 256 * 1024 ** 3,
      hardwareUuid: crypto.randomUUID().toUpperCase(),
      rootPassword: opts.rootPassword,
      authorizedKey: opts.authorizedKey,
      updatesAvailable: false,
    };
    writeHost(dataPlaneDir, host);
    return host;
  });
}

/**
 * "Reinstall the OS": the machine comes back with `os` (and its vdsm/libvirt), a new root password
 * if given, and no engine's certificate: whichever engine managed it no longer does. Registers the
 * machine when it is not there yet.
 */
export function reprovisionHost(
  dataPlaneDir: string,
  address: string,
  os: HostOs,
  opts: { rootPassword?: string; authorizedKey?: string } = {},
): PhysicalHost {
  if (!HOST_OSES.includes(os)) throw new Error(`unknown OS "${os}" (expected ${HOST_OSES.join(" or ")})`);
  registerHost(dataPlaneDir, address, os, opts);
  return withLock(dataPlaneDir, address, () => {
    const old = readHost(dataPlaneDir, address)!;
    const host: PhysicalHost = {
      ...old,
      ...installedOs(os),
      rootPassword: opts.rootPassword ?? old.rootPassword,
      authorizedKey: opts.authorizedKey,
      updatesAvailable: false,
      managedBy: undefined,
    };
    delete host.managedBy;
    writeHost(dataPlaneDir, host);
    return host;
  });
}

/**
 * The claim that keeps engine `instanceId` from taking the machine, if any: another engine's, unless
 * the machine now presents another SSH host key than the one that claim recorded (it was reinstalled).
 */
export function blockingClaim(
  dataPlaneDir: string,
  address: string,
  instanceId: string,
  presentedFingerprint?: string,
): ManagementClaim | undefined {
  const owner = readHost(dataPlaneDir, address)?.managedBy;
  return owner && !claimVoid(owner, instanceId, presentedFingerprint) ? owner : undefined;
}

function claimVoid(owner: ManagementClaim, instanceId: string, presentedFingerprint?: string): boolean {
  if (owner.instanceId === instanceId) return true;
  return (
    presentedFingerprint !== undefined &&
    owner.hostKeyFingerprint !== undefined &&
    owner.hostKeyFingerprint !== presentedFingerprint
  );
}

export type ClaimResult = { ok: true; host: PhysicalHost } | { ok: false; managedBy: ManagementClaim };

/**
 * Takes the machine for an engine (host-deploy puts the engine's certificate and key on it). Fails
 * when another engine manages it; the same engine re-claiming (reinstall, a retried install) is fine.
 */
export function claimHost(dataPlaneDir: string, address: string, claim: ManagementClaim): ClaimResult {
  return withLock(dataPlaneDir, address, () => {
    const host = readHost(dataPlaneDir, address);
    if (!host) throw new Error(`data plane: no machine ${address}`);
    const owner = host.managedBy;
    if (owner && !claimVoid(owner, claim.instanceId, claim.hostKeyFingerprint))
      return { ok: false, managedBy: owner };
    const claimed = { ...host, managedBy: claim };
    writeHost(dataPlaneDir, claimed);
    return { ok: true, host: claimed };
  });
}

/** Releases the machine if `instanceId` manages it (removing the host from that engine). */
export function releaseHost(dataPlaneDir: string, address: string, instanceId: string): void {
  withLock(dataPlaneDir, address, () => {
    const host = readHost(dataPlaneDir, address);
    if (!host || host.managedBy?.instanceId !== instanceId) return;
    const released = { ...host };
    delete released.managedBy;
    writeHost(dataPlaneDir, released);
  });
}

/** Updates a machine's mutable facts (upgrade installs packages, upgradecheck finds them). */
export function updateHost(
  dataPlaneDir: string,
  address: string,
  change: (h: PhysicalHost) => PhysicalHost,
): PhysicalHost | undefined {
  return withLock(dataPlaneDir, address, () => {
    const host = readHost(dataPlaneDir, address);
    if (!host) return undefined;
    const next = change(host);
    writeHost(dataPlaneDir, next);
    return next;
  });
}
