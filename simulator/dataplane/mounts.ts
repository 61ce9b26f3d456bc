// Gluster storage as real FUSE mounts (engine option glusterStorage "mount"). A glusterfs connection
// `server:/volume` is mounted where vdsm mounts it, `<data-plane>/rhev/data-center/mnt/glusterSD/
// <server>:_<volume>`, and `<data-plane>/storage/<mount name>` (storage.ts storageDir) becomes a
// symlink to that mount point, so everything that reads or writes domains through storageDir(),
// domainDir() or imagePath() works unchanged on the real volume. Mounts belong to the data plane,
// not to an engine: an existing mount (an earlier engine process, another engine on the same data
// plane) is reused, and engines never unmount when they stop; unmountAll() is the teardown.
// Disk images on a mounted domain are made with qemu-img (qemuImg()).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { mountName, storageDir } from "./storage";

export const GLUSTER_STORAGE_MODES = ["directory", "mount"] as const;
/** `directory`: exports are plain directories of the data plane; `mount`: glusterfs is FUSE-mounted. */
export type GlusterStorageMode = (typeof GLUSTER_STORAGE_MODES)[number];

const MOUNT_TIMEOUT_MS = 60_000;
const QEMU_IMG_TIMEOUT_MS = 60_000;

/** A glusterfs connection that could not be mounted; the message names it and says why. */
export class MountError extends Error {
  constructor(
    readonly connection: string,
    reason: string,
  ) {
    super(`cannot mount glusterfs ${connection}: ${reason}`);
  }
}

/** The parent directory of every glusterfs mount of a data plane (vdsm's layout). */
export function glusterMountRoot(dataPlane: string): string {
  return path.join(dataPlane, "rhev", "data-center", "mnt", "glusterSD");
}

/** Where `server:/volume` is mounted: `<data-plane>/rhev/data-center/mnt/glusterSD/server:_volume`. */
export function glusterMountPoint(dataPlane: string, connection: string): string {
  return path.join(glusterMountRoot(dataPlane), mountName(connection));
}

interface MountEntry {
  source: string;
  target: string;
  fstype: string;
}

/** /proc/mounts decodes octal escapes (`\040` for a space...). */
function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function mounts(): MountEntry[] {
  return fs
    .readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [source, target, fstype] = l.split(" ");
      return { source: unescapeMount(source), target: unescapeMount(target), fstype };
    });
}

/** The glusterfs FUSE mount at `dir`, if any (the last one mounted there wins, as in the kernel). */
function glusterMountAt(dir: string): MountEntry | undefined {
  return mounts()
    .filter((m) => m.target === dir && m.fstype === "fuse.glusterfs")
    .pop();
}

/** True when `connection` is mounted at its mount point of `dataPlane`. */
export function isMounted(dataPlane: string, connection: string): boolean {
  return glusterMountAt(glusterMountPoint(dataPlane, connection)) !== undefined;
}

/** A mount whose glusterfs client died answers ENOTCONN: it is lazily unmounted and made again. */
function stale(dir: string): boolean {
  try {
    fs.statSync(dir);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ENOTCONN";
  }
}

function output(r: ReturnType<typeof spawnSync>): string {
  return `${r.stderr?.toString() ?? ""}${r.stdout?.toString() ?? ""}`.trim().replace(/\s+/g, " ");
}

/** `<data-plane>/storage/<mount name>` -> the mount point (a plain directory there is refused). */
function linkExport(dataPlane: string, connection: string, mountPoint: string): void {
  const link = storageDir(dataPlane, connection);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(link);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  if (st?.isSymbolicLink()) {
    if (fs.readlinkSync(link) === mountPoint) return;
    fs.unlinkSync(link);
  } else if (st?.isDirectory()) {
    if (fs.readdirSync(link).length > 0) {
      throw new MountError(
        connection,
        `${link} is a plain directory with content (a data plane used with glusterStorage "directory"); ` +
          "use another --data-plane or move it away",
      );
    }
    fs.rmdirSync(link);
  } else if (st) {
    throw new MountError(connection, `${link} exists and is not a directory or symlink`);
  }
  const tmp = `${link}.${process.pid}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(mountPoint, tmp);
  fs.renameSync(tmp, link);
}

/** A mount point left by a failed mount goes (only when empty: never what is mounted there). */
function removeEmptyDir(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // Not empty, busy or gone: left as it is.
  }
}

/**
 * Mounts `server:/volume` at its mount point (idempotent: an existing mount is reused) and links the
 * export directory to it. Concurrent callers (two engines on one data plane) serialize on a lock
 * file, so a volume is never mounted twice on the same point. Throws MountError.
 */
export function ensureMounted(dataPlane: string, connection: string, mountOptions?: string): string {
  const dir = glusterMountPoint(dataPlane, connection);
  if (!/^[^:/\s]+:\/[^\s]+$/.test(connection)) throw new MountError(connection, "not a server:/volume path");
  const current = glusterMountAt(dir);
  if (current && stale(dir)) {
    spawnSync("umount", ["-l", dir], { timeout: MOUNT_TIMEOUT_MS });
  } else if (current) {
    linkExport(dataPlane, connection, dir);
    return dir;
  }
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(glusterMountRoot(dataPlane), ".mount.lock");
  const opts = mountOptions ? ["-o", mountOptions] : [];
  // Inside the lock: mount only when nothing is mounted there yet (another engine may have been first).
  const r = spawnSync(
    "flock",
    [
      // -o: the lock fd is not inherited by mount, or the glusterfs client daemon would hold it forever.
      "-o",
      "-w",
      String(MOUNT_TIMEOUT_MS / 1000),
      lock,
      "sh",
      "-c",
      'd=$1; shift; mountpoint -q "$d" || exec mount -t glusterfs "$@"',
      "mount",
      dir,
      ...opts,
      connection,
      dir,
    ],
    { timeout: MOUNT_TIMEOUT_MS + 5_000 },
  );
  if (r.error || r.status !== 0) removeEmptyDir(dir);
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new MountError(
      connection,
      code === "ENOENT" ? "flock (util-linux) is not installed" : `mount did not finish: ${r.error.message}`,
    );
  }
  if (r.status !== 0) {
    const why = output(r);
    if (!fs.existsSync("/usr/sbin/mount.glusterfs") && !fs.existsSync("/sbin/mount.glusterfs")) {
      throw new MountError(
        connection,
        "mount.glusterfs is missing (install the Debian package glusterfs-client)",
      );
    }
    throw new MountError(connection, `mount -t glusterfs failed (exit ${r.status}): ${why || "no output"}`);
  }
  const made = glusterMountAt(dir);
  if (!made) throw new MountError(connection, `mount reported success but ${dir} is not a glusterfs mount`);
  linkExport(dataPlane, connection, dir);
  return dir;
}

/**
 * Unmounts every glusterfs mount of the data plane (lazily when busy) and removes the export links
 * to them. Returns the mount points it unmounted.
 */
export function unmountAll(dataPlane: string): string[] {
  const root = glusterMountRoot(path.resolve(dataPlane)) + path.sep;
  const done: string[] = [];
  for (const m of mounts().reverse()) {
    if (m.fstype !== "fuse.glusterfs" || !m.target.startsWith(root)) continue;
    const r = spawnSync("umount", [m.target], { timeout: MOUNT_TIMEOUT_MS });
    if (r.status !== 0) spawnSync("umount", ["-l", m.target], { timeout: MOUNT_TIMEOUT_MS });
    done.push(m.target);
  }
  const exports = path.join(path.resolve(dataPlane), "storage");
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(exports);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  for (const e of entries) {
    const link = path.join(exports, e);
    if (fs.lstatSync(link).isSymbolicLink() && (fs.readlinkSync(link) + path.sep).startsWith(root)) {
      fs.unlinkSync(link);
    }
  }
  return [...new Set(done)];
}

/** Runs `qemu-img args...`; a missing qemu-img is named with its Debian package. */
export function qemuImg(args: string[]): string {
  const r = spawnSync("qemu-img", args, { timeout: QEMU_IMG_TIMEOUT_MS });
  if (r.error) {
    if ((r.error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new Error("qemu-img is not installed (install the Debian package qemu-utils)");
    }
    throw new Error(`qemu-img ${args.join(" ")}: ${r.error.message}`);
  }
  if (r.status !== 0) throw new Error(`qemu-img ${args.join(" ")} failed (exit ${r.status}): ${output(r)}`);
  return r.stdout.toString();
}
