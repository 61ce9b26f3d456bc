// The real data plane for tests and the demo: three Gluster servers and the seed lab's hypervisor
// hosts, each in its own network namespace on this machine (testbed.sh does the work). Needs root:
// when it cannot run, ensureTestbed() throws a loud error (a test that needs it then fails).
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fingerprintOf, type SshTarget } from "../../providers/ssh/client";
import { repoRoot } from "../paths";

export const testbedScript = path.join(repoRoot, "testbed", "hosts", "testbed.sh");

/** Where the testbed keeps its state (keys, per-host trees); testbed.sh reads the same variable. */
export const testbedDir = process.env.OVIRT_LAB_TESTBED_DIR ?? "/var/tmp/ovirt-lab-testbed";

/** The main namespace's own address on the testbed's network. */
export const mainAddress = "198.18.0.1";

export const glusterServers = {
  gs1: "198.18.0.11",
  gs2: "198.18.0.12",
  gs3: "198.18.0.13",
} as const;

export const hypervisors = {
  calvin: "198.18.0.21",
  dogbert: "198.18.0.22",
  rhvnode3: "198.18.0.23",
  rhvnode4: "198.18.0.24",
  rhvnode5: "198.18.0.25",
} as const;

export type GlusterServer = keyof typeof glusterServers;
export type Hypervisor = keyof typeof hypervisors;

/** Each hypervisor's OS after a fresh `start` (testbed.sh DEFAULT_OS): what tests put back. */
export const defaultOs: Readonly<Record<Hypervisor, "el7" | "el8">> = {
  calvin: "el7",
  dogbert: "el7",
  rhvnode3: "el8",
  rhvnode4: "el8",
  rhvnode5: "el8",
};
export type TestbedHost = GlusterServer | Hypervisor;

export const hostAddresses: Readonly<Record<TestbedHost, string>> = { ...glusterServers, ...hypervisors };

/** The private key every test host accepts for root (no passphrase). */
export const privateKeyPath = path.join(testbedDir, "id_ed25519");
/** known_hosts listing every host's current SSH host keys (rewritten by start and reprovision). */
export const knownHostsPath = path.join(testbedDir, "known_hosts");
/** The file holding the hosts' root password (what the engine's add-host sends). */
export const rootPasswordPath = path.join(testbedDir, "root-password");

/** A host's /etc as its own processes see it (the upper layer of its overlay). */
export function hostEtcDir(host: TestbedHost): string {
  return path.join(testbedDir, "hosts", host, "etc-upper");
}

/** A Gluster server's /srv as seen from the main namespace (where bricks under /srv live). */
export function hostSrvDir(host: TestbedHost): string {
  return path.join(testbedDir, "hosts", host, "srv");
}

/** The `SHA256:` fingerprint of a host's ed25519 key: the key our client (ssh2) negotiates first. */
export function hostKeyFingerprint(host: TestbedHost): string {
  const [, blob] = fs
    .readFileSync(path.join(hostEtcDir(host), "ssh", "ssh_host_ed25519_key.pub"), "utf8")
    .split(" ");
  return fingerprintOf(Buffer.from(blob, "base64"));
}

export function rootPassword(): string {
  return fs.readFileSync(rootPasswordPath, "utf8").trim();
}

export function privateKey(): string {
  return fs.readFileSync(privateKeyPath, "utf8");
}

export class TestbedUnavailableError extends Error {}

function run(args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "bash",
      [testbedScript, ...args],
      {
        timeout: timeoutMs,
        killSignal: "SIGTERM",
        env: { ...process.env, OVIRT_LAB_TESTBED_DIR: testbedDir },
      },
      (err, stdout, stderr) => {
        if (err) {
          const how = err.killed ? `timed out after ${timeoutMs / 1000}s` : `exited with ${String(err.code)}`;
          reject(
            new TestbedUnavailableError(
              `ovirt-lab testbed: \`${testbedScript} ${args.join(" ")}\` ${how}:\n${stderr.trim() || stdout.trim()}`,
            ),
          );
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

function requireRoot(what: string): void {
  if (process.platform !== "linux") {
    throw new TestbedUnavailableError(
      `ovirt-lab testbed: ${what} needs Linux network namespaces; this is ${process.platform}. ` +
        `The Gluster/SSH tests cannot run here.`,
    );
  }
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    throw new TestbedUnavailableError(
      `ovirt-lab testbed: ${what} must run as root (it creates network namespaces, veths and bind mounts, ` +
        `and runs glusterd and sshd); this process runs as uid ${process.getuid()}. ` +
        `Run the tests as root (CI does): sudo npx jest tests/testbed tests/providers/glustervolume`,
    );
  }
}

/**
 * Starts every test host (a no-op when they run); rejects with a TestbedUnavailableError otherwise.
 * With a `user` (e.g. the test file's name), the start is a lease: releaseTestbed(user) stops the
 * testbed once no other live lease holds it, and only if a lease started it.
 */
export async function ensureTestbed(
  user?: string,
  timeoutMs = 300_000,
): Promise<{ seconds: number; log: string }> {
  requireRoot("ensureTestbed()");
  const t0 = Date.now();
  const { stderr } = await run(user ? ["start", "--lease", leaseId(user)] : ["start"], timeoutMs);
  return { seconds: (Date.now() - t0) / 1000, log: stderr };
}

/** Drops this process's lease `user`; the testbed stops when it was the last one (see ensureTestbed). */
export async function releaseTestbed(
  user: string,
  timeoutMs = 60_000,
): Promise<{ seconds: number; stopped: boolean; log: string }> {
  requireRoot("releaseTestbed()");
  const t0 = Date.now();
  const { stderr } = await run(["release", leaseId(user)], timeoutMs);
  return { seconds: (Date.now() - t0) / 1000, stopped: /stopped in/.test(stderr), log: stderr };
}

function leaseId(user: string): string {
  return `${process.pid}-${user.replace(/[^A-Za-z0-9._-]/g, "_")}`;
}

/** Stops every test host: its processes by pid, its namespaces and veths. The state directory stays. */
export async function stopTestbed(timeoutMs = 60_000): Promise<{ seconds: number; log: string }> {
  requireRoot("stopTestbed()");
  const t0 = Date.now();
  const { stderr } = await run(["stop"], timeoutMs);
  return { seconds: (Date.now() - t0) / 1000, log: stderr };
}

export async function testbedStatus(timeoutMs = 30_000): Promise<string> {
  requireRoot("testbedStatus()");
  return (await run(["status"], timeoutMs)).stdout;
}

/** What a kickstart reinstall does: a new OS identity and new SSH host keys. */
export async function reprovision(host: Hypervisor, os: "el7" | "el8", timeoutMs = 60_000): Promise<void> {
  requireRoot("reprovision()");
  await run(["reprovision", host, os], timeoutMs);
}

/** How our SSH client reaches a test host as root: the testbed's key and known_hosts. */
export function rootTarget(address: string, auth: "key" | "password" = "key"): SshTarget {
  return {
    host: address,
    port: 22,
    username: "root",
    ...(auth === "key" ? { privateKey: privateKey() } : { password: rootPassword() }),
    knownHostsFile: knownHostsPath,
  };
}
