// A small SSH client on `ssh2`: run commands on a host, exit code and output captured. The host's
// key is checked against a known_hosts file or an explicit SHA256 fingerprint; only a caller that
// records the key itself (the embedded engine's host-deploy, which has no known_hosts and stores the
// fingerprint on first install) may ask to accept whatever key is presented and read it back from
// `SshSession.hostKeyFingerprint`. Passwords and private keys never appear in messages.
import { createHash, createHmac } from "crypto";
import * as fs from "fs";
import { Client, type ConnectConfig } from "ssh2";

export interface SshTarget {
  host: string;
  port?: number;
  username: string;
  /** A private key in OpenSSH or PEM form (no passphrase). */
  privateKey?: string;
  password?: string;
  /** `SHA256:<base64>` as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint?: string;
  /** An OpenSSH known_hosts file (plain or hashed host names). */
  knownHostsFile?: string;
  /**
   * Accept whatever host key is presented (no fingerprint, no known_hosts): for a caller that records
   * the key (`SshSession.hostKeyFingerprint`) and checks it on later connections itself.
   */
  acceptAnyHostKey?: boolean;
  /** To connect and authenticate, in ms (default 15 s). */
  connectTimeoutMs?: number;
}

export interface ExecResult {
  code: number;
  signal?: string;
  stdout: string;
  stderr: string;
}

export class SshError extends Error {
  constructor(
    message: string,
    readonly kind: "host-key" | "auth" | "connect" | "timeout" | "exit",
    readonly result?: ExecResult,
    /** On a host-key mismatch: the fingerprint the host presented. */
    readonly presentedFingerprint?: string,
  ) {
    super(message);
    this.name = "SshError";
  }
}

/** `SHA256:...` of a raw SSH public key blob, as OpenSSH prints it. */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash("sha256").update(key).digest("base64").replace(/=+$/, "")}`;
}

/** Single-quotes for a POSIX shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hostMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  return pattern.split(",").some((p) => p === name);
}

/** The key blobs (base64) known_hosts lists for host:port. */
export function knownKeys(file: string, host: string, port: number): Array<{ type: string; blob: string }> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new SshError(`cannot read the known_hosts file ${file}: ${(err as Error).message}`, "host-key");
  }
  const name = knownHostName(host, port);
  const out: Array<{ type: string; blob: string }> = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    if (fields[0].startsWith("@")) continue; // @revoked / @cert-authority: not used here
    const [hosts, type, blob] = fields;
    if (hosts && type && blob && hostMatches(hosts, name)) out.push({ type, blob });
  }
  return out;
}

function where(t: SshTarget): string {
  return `${t.username}@${t.host}:${t.port ?? 22}`;
}

/** One connection; several commands may run on it, one after the other. */
export class SshSession {
  private constructor(
    private readonly conn: Client,
    readonly target: SshTarget,
    /** `SHA256:...` of the key the host presented. */
    readonly hostKeyFingerprint: string,
  ) {}

  static async open(target: SshTarget): Promise<SshSession> {
    const port = target.port ?? 22;
    if (!target.privateKey && !target.password) {
      throw new SshError(`ssh ${where(target)}: no private key and no password given`, "auth");
    }
    if (!target.hostKeyFingerprint && !target.knownHostsFile && !target.acceptAnyHostKey) {
      throw new SshError(
        `ssh ${where(target)}: no way to check the host's key: give a known_hosts file or a hostKeyFingerprint`,
        "host-key",
      );
    }
    const known = target.knownHostsFile ? knownKeys(target.knownHostsFile, target.host, port) : [];
    if (target.knownHostsFile && !target.hostKeyFingerprint && known.length === 0) {
      throw new SshError(
        `ssh ${where(target)}: ${knownHostName(target.host, port)} is not in the known_hosts file ${target.knownHostsFile}`,
        "host-key",
      );
    }
    let seen: string | undefined;
    const verify = (key: Buffer): boolean => {
      seen = fingerprintOf(key);
      if (target.hostKeyFingerprint) return seen === target.hostKeyFingerprint;
      if (!target.knownHostsFile) return true; // acceptAnyHostKey: the caller records `seen`
      const b64 = key.toString("base64");
      return known.some((k) => k.blob === b64);
    };
    const config: ConnectConfig = {
      host: target.host,
      port,
      username: target.username,
      readyTimeout: target.connectTimeoutMs ?? 15_000,
      hostVerifier: verify,
      ...(target.privateKey ? { privateKey: target.privateKey } : {}),
      ...(target.password ? { password: target.password } : {}),
      // Offer only the key types known_hosts has, so the server presents one of those.
      ...(known.length && !target.hostKeyFingerprint
        ? {
            algorithms: {
              serverHostKey: [...new Set(known.flatMap((k) => hostKeyAlgorithms(k.type)))] as NonNullable<
                NonNullable<ConnectConfig["algorithms"]>["serverHostKey"]
              >,
            },
          }
        : {}),
    };
    const conn = new Client();
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error & { level?: string }) => {
        conn.removeAllListeners("ready");
        conn.end();
        if (seen !== undefined && /verification failed/i.test(err.message)) {
          const expected = target.hostKeyFingerprint
            ? `the expected ${target.hostKeyFingerprint}`
            : `any key known_hosts (${target.knownHostsFile}) lists for it`;
          reject(
            new SshError(
              `ssh ${where(target)}: HOST KEY MISMATCH: the host presented ${seen}, not ${expected}. ` +
                `It may have been reinstalled (then update the known key) or someone is in the middle; nothing was sent.`,
              "host-key",
              undefined,
              seen,
            ),
          );
        } else if (err.level === "client-authentication") {
          reject(new SshError(`ssh ${where(target)}: authentication refused (${authKinds(target)})`, "auth"));
        } else if (/timed out/i.test(err.message)) {
          reject(new SshError(`ssh ${where(target)}: ${err.message}`, "timeout"));
        } else {
          reject(new SshError(`ssh ${where(target)}: ${err.message}`, "connect"));
        }
      };
      conn.once("ready", () => {
        conn.removeListener("error", fail);
        conn.on("error", () => undefined);
        resolve();
      });
      conn.once("error", fail);
      conn.connect(config);
    });
    return new SshSession(conn, target, seen ?? "");
  }

  /** Runs `command` (a shell line); resolves with its exit code and output, whatever the code. */
  exec(command: string, timeoutMs = 60_000): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        this.conn.end();
        reject(
          new SshError(
            `ssh ${where(this.target)}: \`${command}\` did not finish within ${timeoutMs / 1000}s`,
            "timeout",
          ),
        );
      }, timeoutMs);
      this.conn.exec(command, (err, stream) => {
        if (err) {
          clearTimeout(timer);
          settled = true;
          reject(
            new SshError(`ssh ${where(this.target)}: cannot run \`${command}\`: ${err.message}`, "connect"),
          );
          return;
        }
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        stream.on("data", (d: Buffer) => out.push(d));
        stream.stderr.on("data", (d: Buffer) => errs.push(d));
        stream.on("close", (code: number | null, signal?: string) => {
          clearTimeout(timer);
          if (settled) return;
          settled = true;
          resolve({
            code: code ?? -1,
            ...(signal ? { signal } : {}),
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(errs).toString("utf8"),
          });
        });
      });
    });
  }

  /** Like exec, but a non-zero exit is an SshError carrying the output. */
  async run(command: string, timeoutMs = 60_000): Promise<string> {
    const r = await this.exec(command, timeoutMs);
    if (r.code !== 0) {
      const detail = (r.stderr.trim() || r.stdout.trim()).slice(0, 2000);
      throw new SshError(
        `ssh ${where(this.target)}: \`${command}\` exited with ${r.code}${detail ? `: ${detail}` : ""}`,
        "exit",
        r,
      );
    }
    return r.stdout;
  }

  close(): void {
    this.conn.end();
  }
}

function authKinds(t: SshTarget): string {
  return (
    [t.privateKey ? "private key" : "", t.password ? "password" : ""].filter(Boolean).join(" and ") + " tried"
  );
}

function hostKeyAlgorithms(type: string): string[] {
  return type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type];
}

/** Opens a connection, runs one command, closes. */
export async function sshExec(target: SshTarget, command: string, timeoutMs = 60_000): Promise<ExecResult> {
  const s = await SshSession.open(target);
  try {
    return await s.exec(command, timeoutMs);
  } finally {
    s.close();
  }
}

/** Runs `fn` with a session that is closed afterwards, whatever happens. */
export async function withSession<T>(target: SshTarget, fn: (s: SshSession) => Promise<T>): Promise<T> {
  const s = await SshSession.open(target);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}
