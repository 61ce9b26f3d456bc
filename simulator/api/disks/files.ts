// Disk images as real files in their storage domain (`images/<disk id>/<image id>`, the layout of
// dataplane/storage.ts): raw disks are sparse files of the provisioned size, cow disks a qcow2 v3
// header carrying the virtual size (what `qemu-img info` reads; no data clusters yet). On a Gluster
// domain that is a real FUSE mount (glusterStorage "mount") the images are made by qemu-img instead.
import fs from "node:fs";
import path from "node:path";
import type { EngineContext } from "../../context";
import { imagePath } from "../../dataplane/storage";
import { ensureMounted, qemuImg } from "../../dataplane/mounts";
import type { StorageDomain } from "../storagedomains/model";
import { mountedStorage } from "../storagedomains/mounting";
import type { Disk } from "./model";

const QCOW_MAGIC = 0x514649fb;
const QCOW_HEADER_LENGTH = 104;
const CLUSTER_BITS = 16;

function qcowHeader(virtualSize: number): Buffer {
  const b = Buffer.alloc(512);
  b.writeUInt32BE(QCOW_MAGIC, 0);
  b.writeUInt32BE(3, 4); // version
  b.writeUInt32BE(CLUSTER_BITS, 20);
  b.writeBigUInt64BE(BigInt(virtualSize), 24);
  b.writeUInt32BE(4, 96); // refcount_order
  b.writeUInt32BE(QCOW_HEADER_LENGTH, 100);
  return b;
}

/** The virtual size a qcow2 header declares (tests and resize). */
export function qcowVirtualSize(file: string): number {
  const fd = fs.openSync(file, "r");
  try {
    const b = Buffer.alloc(32);
    fs.readSync(fd, b, 0, 32, 0);
    if (b.readUInt32BE(0) !== QCOW_MAGIC) throw new Error(`${file} is not a qcow2 image`);
    return Number(b.readBigUInt64BE(24));
  } finally {
    fs.closeSync(fd);
  }
}

/** The image file of a disk, or undefined when its domain is not known to this engine. */
export function diskFile(engine: EngineContext, disk: Disk): string | undefined {
  const sdId = disk.storage_domains[0]?.id;
  const sd = sdId ? engine.store.get<StorageDomain>("storage_domain", sdId) : undefined;
  if (!sd?.connection) return undefined;
  return imagePath(engine.dataPlane, { connection: sd.connection }, sd.id, disk.id, disk.image_id);
}

/** The domain of a disk, when its storage is a real FUSE mount (glusterStorage "mount"). */
function mountedDomain(engine: EngineContext, disk: Disk): StorageDomain | undefined {
  const sdId = disk.storage_domains[0]?.id;
  const sd = sdId ? engine.store.get<StorageDomain>("storage_domain", sdId) : undefined;
  return sd?.connection && mountedStorage(engine, sd) ? sd : undefined;
}

/**
 * On a mounted Gluster domain, what vdsm does: `qemu-img create` (raw, or qcow2 compat 1.1) at the
 * provisioned size, `qemu-img resize` when the image is there already. Returns the bytes allocated.
 */
function qemuImage(engine: EngineContext, sd: StorageDomain, disk: Disk, file: string): number {
  ensureMounted(engine.dataPlane, sd.connection, sd.storage.mount_options);
  const format = disk.format === "cow" ? "qcow2" : "raw";
  if (fs.existsSync(file)) {
    qemuImg(["resize", "-f", format, file, String(disk.provisioned_size)]);
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const opts = format === "qcow2" ? ["-o", "compat=1.1"] : [];
    qemuImg(["create", "-q", "-f", format, ...opts, file, String(disk.provisioned_size)]);
  }
  return fs.statSync(file).blocks * 512;
}

/** Creates (or grows) the image file; returns the bytes it occupies. */
export function writeImage(engine: EngineContext, disk: Disk): number {
  const file = diskFile(engine, disk);
  if (!file) return 0;
  const mounted = mountedDomain(engine, disk);
  if (mounted) return qemuImage(engine, mounted, disk, file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (disk.format === "cow") {
    const fd = fs.openSync(file, fs.existsSync(file) ? "r+" : "w");
    try {
      const header = qcowHeader(disk.provisioned_size);
      fs.writeSync(fd, header, 0, header.length, 0);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return 200704;
  }
  const fd = fs.openSync(file, fs.existsSync(file) ? "r+" : "w");
  try {
    fs.ftruncateSync(fd, disk.provisioned_size);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return disk.sparse ? 0 : disk.provisioned_size;
}

/** Deletes the image directory of a disk (RemoveDisk; never the whole domain). */
export function removeImage(engine: EngineContext, disk: Disk): void {
  const file = diskFile(engine, disk);
  if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
