// Shared storage, laid out the way vdsm lays it out on a mounted file domain. A storage export
// (NFS `server:/export`, Gluster `server:/volume`) is a directory `<data-plane>/storage/<mount name>`
// named like oVirt's mount points (`server:/exports/data1` -> `server:_exports_data1`); a storage
// domain on it is `<that>/<sd uuid>/` with
//   dom_md/metadata   key=value lines (SDUUID, DESCRIPTION = the name, ROLE, CLASS, POOL_UUID, ...)
//   images/<disk>/<volume>   disk images (written by the VM area)
//   master/vms/<vm>.ovf      the OVF store: VM definitions, read back when the domain is imported
// Two engines given the same --data-plane see the same domains: that is how a domain detached from
// the 4.3 engine is imported, with its id, name and VMs, into the 4.4 engine. Writes are atomic.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** Where a domain's data lives: the export it is on (`server:/path`). */
export interface StorageLocation {
  /** `server:/path` (NFS address + path, or a Gluster `server:/volume`). */
  connection: string;
}

export type DomainClass = "Data" | "Iso" | "Backup";

/** The dom_md/metadata of a file domain (vdsm's keys; values as text). */
export interface DomainMetadata {
  SDUUID: string;
  /** vdsm keeps the domain's name in DESCRIPTION. */
  DESCRIPTION: string;
  CLASS: DomainClass;
  /** "Master" or "Regular". */
  ROLE: "Master" | "Regular";
  /** The pool (data center) the domain is attached to; empty when detached. */
  POOL_UUID: string;
  TYPE: "NFS" | "GLUSTERFS" | "POSIXFS";
  VERSION: string;
  [key: string]: string;
}

/** `server:/exports/data1` -> `server:_exports_data1` (vdsm's mount directory name). */
export function mountName(connection: string): string {
  return connection.replace(/\/+$/, "").replace(/\//g, "_");
}

/** The directory of a storage export. */
export function storageDir(dataPlane: string, connection: string): string {
  return path.join(dataPlane, "storage", mountName(connection));
}

/** The directory of one storage domain on its export. */
export function domainDir(dataPlane: string, where: StorageLocation, sdId: string): string {
  return path.join(storageDir(dataPlane, where.connection), sdId);
}

/** Where a disk volume lives: `images/<disk id>/<volume id>`. */
export function imagePath(
  dataPlane: string,
  where: StorageLocation,
  sdId: string,
  diskId: string,
  volumeId: string,
): string {
  return path.join(domainDir(dataPlane, where, sdId), "images", diskId, volumeId);
}

function metadataPath(dir: string): string {
  return path.join(dir, "dom_md", "metadata");
}

/** Writes `data` to `file` atomically (temp file in the same directory, fsync, rename). */
export function writeAtomic(file: string, data: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

function formatMetadata(md: DomainMetadata): string {
  const lines = Object.keys(md)
    .sort()
    .map((k) => `${k}=${md[k]}`);
  return `${lines.join("\n")}\n`;
}

function parseMetadata(text: string): DomainMetadata | undefined {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out.SDUUID ? (out as DomainMetadata) : undefined;
}

export function readMetadata(dir: string): DomainMetadata | undefined {
  try {
    return parseMetadata(fs.readFileSync(metadataPath(dir), "utf8"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export function writeMetadata(dir: string, md: DomainMetadata): void {
  writeAtomic(metadataPath(dir), formatMetadata(md));
}

/** Changes some metadata keys of an existing domain (no-op when the domain is gone from storage). */
export function updateMetadata(dir: string, changes: Partial<DomainMetadata>): void {
  const md = readMetadata(dir);
  if (!md) return;
  const next: DomainMetadata = { ...md };
  for (const [k, v] of Object.entries(changes)) if (v !== undefined) next[k] = v;
  writeMetadata(dir, next);
}

/** Lays out a new domain on storage: metadata, images/, and for data domains master/vms/. */
export function createDomain(dir: string, md: DomainMetadata): void {
  fs.mkdirSync(path.join(dir, "images"), { recursive: true });
  if (md.CLASS === "Data") fs.mkdirSync(path.join(dir, "master", "vms"), { recursive: true });
  writeMetadata(dir, md);
}

/** The domains found on a storage export (directories with dom_md/metadata), by their metadata. */
export function domainsAt(dataPlane: string, connection: string): DomainMetadata[] {
  const dir = storageDir(dataPlane, connection);
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return entries
    .sort()
    .map((e) => readMetadata(path.join(dir, e)))
    .filter((md): md is DomainMetadata => md !== undefined);
}

/** Formats the domain away: its directory is deleted (what `format=true` does). */
export function formatDomain(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes a VM's OVF into the domain's OVF store (`master/vms/<vm id>.ovf`). */
export function writeOvf(dir: string, vmId: string, ovf: string): void {
  writeAtomic(path.join(dir, "master", "vms", `${vmId}.ovf`), ovf);
}

/** Removes a VM's OVF from the store (no-op when absent). */
export function removeOvf(dir: string, vmId: string): void {
  fs.rmSync(path.join(dir, "master", "vms", `${vmId}.ovf`), { force: true });
}

/** Every OVF in the domain's store, keyed by VM id. */
export function readOvfs(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const vms = path.join(dir, "master", "vms");
  let entries: string[];
  try {
    entries = fs.readdirSync(vms);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return out;
    throw err;
  }
  for (const e of entries.sort()) {
    if (!e.endsWith(".ovf")) continue;
    out.set(e.slice(0, -4), fs.readFileSync(path.join(vms, e), "utf8"));
  }
  return out;
}
