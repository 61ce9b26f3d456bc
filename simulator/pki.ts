// The engine's own PKI, like engine-setup's: a CA created once per state directory (and reused on
// every restart, so clients keep trusting the same ca.pem) and a server certificate signed by it.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import forge from "node-forge";

export interface ServerTls {
  caFile: string;
  caPem: string;
  key: string;
  cert: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function newKeyPair(): forge.pki.rsa.KeyPair {
  // node-forge delegates to Node's native RSA generation for these defaults, which keeps start-up fast.
  return forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
}

export function serialNumber(): string {
  // DER wants a positive integer without leading zero bytes: first byte in 0x01..0x7f.
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString("hex");
}

function validity(cert: forge.pki.Certificate, days: number): void {
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + days * DAY_MS);
}

function createCa(hostname: string): { keyPem: string; certPem: string } {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, 3650);
  // engine-setup names its CA "<fqdn>.<random>"; we mimic that so two labs' CAs never look alike.
  const attrs = [
    { shortName: "C", value: "US" },
    { shortName: "O", value: "ovirt-lab" },
    { shortName: "CN", value: `${hostname}.${crypto.randomInt(10000, 99999)}` },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { keyPem: forge.pki.privateKeyToPem(keys.privateKey), certPem: forge.pki.certificateToPem(cert) };
}

function isIp(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(":");
}

function issueServerCert(
  caKeyPem: string,
  caCertPem: string,
  hostname: string,
): { key: string; cert: string } {
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const caCert = forge.pki.certificateFromPem(caCertPem);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, 398);
  cert.setSubject([
    { shortName: "C", value: "US" },
    { shortName: "O", value: "ovirt-lab" },
    { shortName: "CN", value: hostname },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  const names = Array.from(new Set(["localhost", "127.0.0.1", hostname]));
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: names.map((n) => (isIp(n) ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}

/** Loads (or creates once) the CA under `<stateDir>/pki` and issues a fresh server certificate. */
export function prepareTls(stateDir: string, hostname: string): ServerTls {
  const dir = path.join(stateDir, "pki");
  const caFile = path.resolve(dir, "ca.pem");
  const caKeyFile = path.join(dir, "private", "ca.key");
  if (!fs.existsSync(caFile) || !fs.existsSync(caKeyFile)) {
    const ca = createCa(hostname);
    fs.mkdirSync(path.dirname(caKeyFile), { recursive: true, mode: 0o700 });
    // Key first, certificate last: a crash in between leaves no ca.pem without its key.
    fs.writeFileSync(caKeyFile, ca.keyPem, { mode: 0o600 });
    fs.writeFileSync(caFile, ca.certPem);
  }
  const caPem = fs.readFileSync(caFile, "utf8");
  const server = issueServerCert(fs.readFileSync(caKeyFile, "utf8"), caPem, hostname);
  return { caFile, caPem, ...server };
}

export interface EngineSshKey {
  /** PEM (PKCS#1), what ssh2 logs in with. */
  privateKey: string;
  /** One authorized_keys line: `ssh-rsa AAAA... ovirt-engine`. */
  publicKey: string;
}

/** The SSH wire form of an RSA public key (RFC 4253 6.6: string "ssh-rsa", mpint e, mpint n). */
function sshRsaBlob(privateKeyPem: string): Buffer {
  const jwk = crypto.createPublicKey(privateKeyPem).export({ format: "jwk" });
  const field = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const mpint = (b64url: string) => {
    const raw = Buffer.from(b64url, "base64url");
    return field(raw[0] & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw);
  };
  return Buffer.concat([field(Buffer.from("ssh-rsa")), mpint(jwk.e!), mpint(jwk.n!)]);
}

const sshKeys = new Map<string, EngineSshKey>();

/**
 * The engine's SSH key pair (engine-setup's /etc/pki/ovirt-engine/keys/engine_id_rsa): generated once
 * into `<pkiDir>/keys/` on first use and reused on every restart. Host-deploy logs in with it
 * (publickey authentication) and deploys its public half to root's authorized_keys.
 */
export function engineSshKey(pkiDir: string): EngineSshKey {
  const cached = sshKeys.get(pkiDir);
  if (cached) return cached;
  const keyFile = path.join(pkiDir, "keys", "engine_id_rsa");
  if (!fs.existsSync(keyFile)) {
    const { privateKey } = crypto.generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
    const tmp = `${keyFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, privateKey, { mode: 0o600 });
    fs.renameSync(tmp, keyFile);
  }
  const privateKey = fs.readFileSync(keyFile, "utf8");
  const key: EngineSshKey = {
    privateKey,
    publicKey: `ssh-rsa ${sshRsaBlob(privateKey).toString("base64")} ovirt-engine`,
  };
  sshKeys.set(pkiDir, key);
  return key;
}
