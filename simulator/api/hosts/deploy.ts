// Host-deploy over real SSH (engine option hostDeploy "ssh"): what InstallVdsInternal does on the host.
// The session logs in as root (the request's root password, kept in this process's memory only, or the
// engine's own key for publickey), checks the host key against the fingerprint the engine recorded or
// was given (recording it on first install), reads the OS identity and vdsm version, deploys the
// engine's public key to root's authorized_keys and the engine's CA certificate to vdsm's PKI.
// The session runs asynchronously next to the durable install timer (machine.ts); its outcome lives in
// memory, keyed by host id: after an engine restart it is gone, and machine.ts fails the install.
import fs from "node:fs";
import path from "node:path";
import type { SshSession, SshTarget } from "../../../providers/ssh/client";
import type { EngineContext } from "../../context";
import { blockingClaim, type HostOs } from "../../dataplane/hosts";
import { engineSshKey } from "../../pki";
import type { Host } from "./model";

/** What the session read on the host. */
export interface DeployFacts {
  os: HostOs;
  /** /etc/redhat-release, e.g. "CentOS Linux release 7.9.2009 (Core)". */
  release: string;
  osMajor: number;
  osMinor: number;
  /** /etc/ovirt-lab/vdsm-version, e.g. "vdsm-4.30.46-1.el7". */
  vdsmFull: string;
  vdsm: { major: number; minor: number; build: number; revision: number };
  hostname: string;
  /** `SHA256:...` of the host key presented. */
  fingerprint: string;
}

export type DeployOutcome = { ok: true; facts: DeployFacts } | { ok: false; message: string };

interface Session {
  promise: Promise<DeployOutcome>;
  outcome?: DeployOutcome;
  /** Set by the install timer when it fell due before the session ended: finish on completion. */
  onDone?: (o: DeployOutcome) => void;
}

/** Connecting and authenticating, in ms. */
const CONNECT_TIMEOUT_MS = 10_000;
/** One command on the host. */
const COMMAND_TIMEOUT_MS = 20_000;
/** The whole session (wall clock, not scaled: it is real network time). */
export const SESSION_TIMEOUT_MS = 60_000;

// Keyed by the entity store: the seeder's context (its own scheduler) shares the engine's sessions.
const sessions = new WeakMap<object, Map<string, Session>>();

function sessionsOf(engine: EngineContext): Map<string, Session> {
  let m = sessions.get(engine.store);
  if (!m) sessions.set(engine.store, (m = new Map<string, Session>()));
  return m;
}

export function authFailedText(address: string): string {
  return `SSH authentication to 'root@${address}' failed. Please verify provided credentials. Make sure key is authorized at host`;
}

export function noSessionText(address: string): string {
  return `Failed to establish session with host '${address}'`;
}

/** EngineSSHClient's text when the host presents another key than the recorded one. */
export function fingerprintMismatchText(actual: string, expected: string): string {
  return `Invalid fingerprint ${actual}, expected ${expected}`;
}

const FACTS_SCRIPT = ["/etc/redhat-release", "/etc/ovirt-lab/os", "/etc/ovirt-lab/vdsm-version"]
  .map((f) => `cat ${f} 2>/dev/null; echo @@`)
  .concat(["hostname"])
  .join("; ");

function parseFacts(out: string, fingerprint: string): DeployFacts | string {
  const [release = "", osId = "", vdsmFull = "", hostname = ""] = out.split("@@\n").map((s) => s.trim());
  const rel = /release (\d+)\.(\d+)/.exec(release);
  const os: HostOs | undefined =
    osId === "el7" || osId === "el8" ? osId : rel?.[1] === "7" ? "el7" : rel?.[1] === "8" ? "el8" : undefined;
  if (!os || !rel) return `Unsupported operating system on host: '${release || "unknown"}'`;
  const v = /^vdsm-(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?-/.exec(vdsmFull);
  if (!v) return `Package vdsm is not installed on host ('${vdsmFull}')`;
  return {
    os,
    release,
    osMajor: Number(rel[1]),
    osMinor: Number(rel[2]),
    vdsmFull,
    vdsm: { major: Number(v[1]), minor: Number(v[2]), build: Number(v[3]), revision: Number(v[4] ?? 0) },
    hostname,
    fingerprint,
  };
}

async function runSession(
  engine: EngineContext,
  h: Host,
  auth: { password?: string },
  expectedFingerprint: string | undefined,
): Promise<DeployOutcome> {
  // Loaded on first use: an engine in simulated mode never loads ssh2.
  const { SshError, SshSession, shellQuote } = await import("../../../providers/ssh/client");
  const pkiDir = engine.pkiDir;
  if (!pkiDir) return { ok: false, message: "host-deploy over SSH needs the engine's PKI directory" };
  const key = engineSshKey(pkiDir);
  const target: SshTarget = {
    host: h.address,
    port: h.ssh.port ?? 22,
    username: "root",
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    ...(h.ssh.authentication_method === "publickey"
      ? { privateKey: key.privateKey }
      : { password: auth.password }),
    ...(expectedFingerprint ? { hostKeyFingerprint: expectedFingerprint } : { acceptAnyHostKey: true }),
  };
  let s: SshSession;
  try {
    s = await SshSession.open(target);
  } catch (err) {
    if (err instanceof SshError && err.kind === "host-key" && err.presentedFingerprint && expectedFingerprint)
      return { ok: false, message: fingerprintMismatchText(err.presentedFingerprint, expectedFingerprint) };
    if (err instanceof SshError && err.kind === "auth")
      return { ok: false, message: authFailedText(h.address) };
    return { ok: false, message: noSessionText(h.address) };
  }
  try {
    // A machine another engine manages (its claim names the key it had then) is left alone.
    const owner = blockingClaim(engine.dataPlane, h.address, engine.instanceId, s.hostKeyFingerprint);
    if (owner) return { ok: false, message: managedElsewhereText(h.address, owner) };
    const facts = parseFacts(await s.run(FACTS_SCRIPT, COMMAND_TIMEOUT_MS), s.hostKeyFingerprint);
    if (typeof facts === "string") return { ok: false, message: facts };
    const pub = shellQuote(key.publicKey);
    await s.run(
      "umask 077 && mkdir -p ~/.ssh && chmod 700 ~/.ssh && touch ~/.ssh/authorized_keys && " +
        `chmod 600 ~/.ssh/authorized_keys && { grep -qxF ${pub} ~/.ssh/authorized_keys || echo ${pub} >> ~/.ssh/authorized_keys; }`,
      COMMAND_TIMEOUT_MS,
    );
    const ca = fs.readFileSync(path.join(pkiDir, "ca.pem"), "utf8");
    await s.run(
      `mkdir -p /etc/pki/vdsm/certs && printf '%s' ${shellQuote(ca)} > /etc/pki/vdsm/certs/cacert.pem.tmp && ` +
        "mv -f /etc/pki/vdsm/certs/cacert.pem.tmp /etc/pki/vdsm/certs/cacert.pem",
      COMMAND_TIMEOUT_MS,
    );
    return { ok: true, facts };
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    return { ok: false, message: `Failed to execute stage 'Misc configuration': ${detail}` };
  } finally {
    s.close();
  }
}

export function managedElsewhereText(
  address: string,
  o: { engineName: string; instanceId: string; hostId: string },
): string {
  return (
    `Host ${address} is already managed by another engine (${o.engineName}, instance ${o.instanceId}, host id ${o.hostId}); ` +
    `remove it from that engine first`
  );
}

/** Starts host-deploy for `h` (its address, ssh port and method); the password stays in this closure. */
export function startDeploy(
  engine: EngineContext,
  h: Host,
  opts: { password?: string; fingerprint?: string },
): void {
  const map = sessionsOf(engine);
  let timer: NodeJS.Timeout | undefined;
  const bounded = new Promise<DeployOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, message: noSessionText(h.address) }), SESSION_TIMEOUT_MS);
  });
  const session: Session = {
    promise: Promise.race([
      runSession(engine, h, { password: opts.password }, opts.fingerprint || undefined).catch(
        (err: unknown): DeployOutcome => ({
          ok: false,
          message: `${noSessionText(h.address)}: ${err instanceof Error ? err.message : String(err)}`,
        }),
      ),
      bounded,
    ]).finally(() => clearTimeout(timer)),
  };
  map.set(h.id, session);
  void session.promise.then((o) => {
    session.outcome = o;
    if (map.get(h.id) === session && session.onDone) {
      map.delete(h.id);
      session.onDone(o);
    }
  });
}

/**
 * What the install timer finds: the outcome (the session is then forgotten), "running" (then `onDone`
 * runs once it ends), or undefined when this process has no session for the host (an engine restart).
 */
export function takeDeploy(
  engine: EngineContext,
  hostId: string,
  onDone: (o: DeployOutcome) => void,
): DeployOutcome | "running" | undefined {
  const map = sessionsOf(engine);
  const s = map.get(hostId);
  if (!s) return undefined;
  if (s.outcome) {
    map.delete(hostId);
    return s.outcome;
  }
  s.onDone = onDone;
  return "running";
}

/** Whether this process runs (or ran, unclaimed) a host-deploy session for the host. */
export function hasDeploy(engine: EngineContext, hostId: string): boolean {
  return sessionsOf(engine).has(hostId);
}

/** Resolves once no host-deploy session of this engine is running (the seeder waits on it). */
export async function deploysSettled(engine: EngineContext): Promise<void> {
  for (;;) {
    const running = [...sessionsOf(engine).values()].filter((s) => !s.outcome).map((s) => s.promise);
    if (running.length === 0) return;
    await Promise.all(running);
    // Let the completion callbacks run (they may finish installs).
    await new Promise((r) => setImmediate(r));
  }
}
