// /disks and /disks/{id}, and the disk operations the VM area shares (add inline with an attachment,
// resize, remove). A new disk is `locked` until the scheduler has written its image file, then `ok`.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { entityNotFound, mandatory, malformedId, notFound } from "../../http/faults";
import type { Value } from "../../repr/tree";
import type { ApiRequest, Area } from "../context";
import { readEntity } from "../common/input";
import { fail, type Action } from "../common/messages";
import { listWithSearch } from "../common/search";
import type { StorageDomain } from "../storagedomains/model";
import {
  collectionAnswer,
  createdAnswer,
  entityAnswer,
  findByPathId,
  isUuid,
  pathId,
  performedAnswer,
} from "../respond";
import { removeVmOvf, writeVmOvf } from "../../dataplane/ovf";
import type { DiskAttachment } from "../vms/model";
import { removeImage, writeImage } from "./files";
import { DISK, DISK_SEARCH, presentDisk, type Disk } from "./model";

/** Engine milliseconds from locked to ok (CreateImage on a file domain). */
export const DISK_CREATE_MS = 2000;
export const DISK_READY_TIMER = "disk.ready";

/** Hooks run when a disk became ok (the VM area rewrites the owner's OVF), per engine. */
const readyHooks = new WeakMap<EngineContext, Array<(disk: Disk) => void>>();
export function onDiskReady(engine: EngineContext, hook: (disk: Disk) => void): void {
  const hooks = readyHooks.get(engine) ?? [];
  hooks.push(hook);
  readyHooks.set(engine, hooks);
}

function resolveDomain(engine: EngineContext, ref: { id?: string; name?: string }, action: Action) {
  if (ref.id !== undefined) {
    if (!isUuid(ref.id)) throw malformedId(ref.id);
    const sd = engine.store.get<StorageDomain>("storage_domain", ref.id.toLowerCase());
    if (!sd) throw fail(action, "Virtual Disk", "ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST");
    return sd;
  }
  const sd = engine.store.list<StorageDomain>("storage_domain", (s) => s.name === ref.name)[0];
  if (!sd) throw entityNotFound(`Storage: name=${ref.name}`);
  return sd;
}

/**
 * Validates a disk definition (`prefix` names it in mandatory-parameter faults, e.g.
 * `disk_attachment.disk`), stores it `locked` and schedules its creation. `defaultAlias` is used
 * when the body has no name/alias (VM disks: `<vm>_Disk<n>`).
 */
export function addDisk(engine: EngineContext, input: Value, prefix: string, defaultAlias: string): Disk {
  if (input.format === undefined) throw mandatory(`${prefix}.format`);
  if (input.provisioned_size === undefined) throw mandatory(`${prefix}.provisioned_size`);
  const domains = (input.storage_domains as Array<{ id?: string; name?: string }> | undefined) ?? [];
  if (domains.length === 0) throw mandatory(`${prefix}.storage_domains.storage_domain.id|name`);
  const sd = resolveDomain(engine, domains[0], "add");
  // Images are created on domains that are active in their data center (StorageDomainValidator).
  if (sd.status !== "active") {
    const status =
      sd.status.charAt(0).toUpperCase() +
      sd.status.slice(1).replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
    throw fail("add", "Virtual Disk", "ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2", { status });
  }
  const alias = (input.alias as string | undefined) ?? (input.name as string | undefined) ?? defaultAlias;
  const format = input.format as Disk["format"];
  const disk: Disk = {
    id: crypto.randomUUID(),
    name: alias,
    description: (input.description as string | undefined) ?? "",
    alias,
    image_id: crypto.randomUUID(),
    provisioned_size: Number(input.provisioned_size),
    actual_size: 0,
    total_size: 0,
    format,
    // Raw disks on file domains are sparse unless asked otherwise; cow disks are always sparse.
    sparse: format === "cow" ? true : ((input.sparse as boolean | undefined) ?? true),
    shareable: (input.shareable as boolean | undefined) ?? false,
    status: "locked",
    wipe_after_delete: (input.wipe_after_delete as boolean | undefined) ?? sd.wipe_after_delete ?? false,
    propagate_errors: false,
    // `iso` disks hold installation media on data domains (4.4); image transfers fill them.
    content_type: input.content_type === "iso" ? "iso" : "data",
    storage_type: "image",
    storage_domains: [{ id: sd.id }],
  };
  engine.store.insert("disk", disk);
  engine.scheduler.after(DISK_READY_TIMER, DISK_CREATE_MS, { id: disk.id });
  return disk;
}

/** A new disk with `source`'s size, format and domain (template <-> VM copies), `locked` until written. */
export function copyDisk(engine: EngineContext, source: Disk, changes: Partial<Disk> = {}): Disk {
  const { template: _t, ...rest } = source;
  const disk: Disk = {
    ...rest,
    id: crypto.randomUUID(),
    image_id: crypto.randomUUID(),
    status: "locked",
    actual_size: 0,
    total_size: 0,
    ...changes,
  };
  engine.store.insert("disk", disk);
  engine.scheduler.after(DISK_READY_TIMER, DISK_CREATE_MS, { id: disk.id });
  return disk;
}

/** Grows a disk (UpdateDisk / extend): locked while the image is extended. Shrinking is refused. */
export function resizeDisk(engine: EngineContext, disk: Disk, size: number): Disk {
  if (size === disk.provisioned_size) return disk;
  if (disk.status === "locked") throw fail("edit", "Virtual Disk", "ACTION_TYPE_FAILED_DISK_IS_LOCKED");
  if (size < disk.provisioned_size)
    throw fail("edit", "Virtual Disk", "ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL");
  const next: Disk = { ...disk, provisioned_size: size, status: "locked" };
  engine.store.update("disk", next);
  engine.scheduler.after(DISK_READY_TIMER, DISK_CREATE_MS / 2, { id: disk.id });
  return next;
}

/** Removes a disk row, its attachments and its image file. */
export function deleteDisk(engine: EngineContext, disk: Disk): void {
  engine.store.remove("disk", disk.id);
  engine.store.remove("disk_attachment", disk.id);
  removeImage(engine, disk);
}

function registerTimers(engine: EngineContext): void {
  engine.scheduler.on(DISK_READY_TIMER, (payload) => {
    const { id } = payload as { id: string };
    const disk = engine.store.get<Disk>("disk", id);
    if (!disk || disk.status !== "locked") return;
    let used: number;
    try {
      used = writeImage(engine, disk);
    } catch (err) {
      // The image could not be made (a mount or qemu-img failure): the disk is illegal, not locked forever.
      process.stderr.write(`disk ${disk.id}: ${err instanceof Error ? err.message : String(err)}\n`);
      engine.store.update("disk", { ...disk, status: "illegal" });
      return;
    }
    const ready: Disk = { ...disk, status: "ok", actual_size: used, total_size: used };
    engine.store.update("disk", ready);
    for (const hook of readyHooks.get(engine) ?? []) hook(ready);
  });
}

function list(engine: EngineContext, req: ApiRequest) {
  const all = engine.store.list<Disk>("disk");
  const found = listWithSearch(all, req.ctx.query, DISK_SEARCH, (d) => d.alias);
  return collectionAnswer(DISK, found.map(presentDisk), req.ctx);
}

function get(engine: EngineContext, req: ApiRequest) {
  return entityAnswer(DISK, presentDisk(findByPathId<Disk>(engine.store, "disk", req.params.id)), req.ctx);
}

/** /storagedomains/{sd}/disks: the disks whose image is on that domain (hrefs under the domain). */
function domainOf(engine: EngineContext, req: ApiRequest): StorageDomain {
  return findByPathId<StorageDomain>(engine.store, "storage_domain", req.params.sdId);
}

function onDomain(engine: EngineContext, sd: StorageDomain): Disk[] {
  return engine.store.list<Disk>("disk", (d) => d.storage_domains.some((s) => s.id === sd.id));
}

function listOnDomain(engine: EngineContext, req: ApiRequest) {
  const sd = domainOf(engine, req);
  const found = listWithSearch(onDomain(engine, sd), req.ctx.query, DISK_SEARCH, (d) => d.alias);
  return collectionAnswer(DISK, found.map(presentDisk), req.ctx, `storagedomains/${sd.id}/disks`);
}

function getOnDomain(engine: EngineContext, req: ApiRequest) {
  const sd = domainOf(engine, req);
  const id = pathId(req.params.id);
  const disk = onDomain(engine, sd).find((d) => d.id === id);
  if (!disk) throw notFound();
  return entityAnswer(DISK, presentDisk(disk), req.ctx, `storagedomains/${sd.id}/disks`);
}

function add(engine: EngineContext, req: ApiRequest) {
  const raw = readEntity(req, DISK, "disks/methods/add");
  if (!raw) throw mandatory("disk");
  const disk = addDisk(engine, raw, "disk", "Disk");
  return createdAnswer(DISK, presentDisk(disk), req.ctx);
}

function update(engine: EngineContext, req: ApiRequest) {
  const disk = findByPathId<Disk>(engine.store, "disk", req.params.id);
  const raw = readEntity(req, DISK, "disk/methods/update") ?? {};
  let next = disk;
  if (raw.provisioned_size !== undefined) next = resizeDisk(engine, disk, Number(raw.provisioned_size));
  const alias = (raw.alias as string | undefined) ?? (raw.name as string | undefined);
  if (alias !== undefined || raw.description !== undefined) {
    next = { ...next, alias: alias ?? next.alias, name: alias ?? next.name };
    if (raw.description !== undefined) next.description = raw.description as string;
    engine.store.update("disk", next);
  }
  return entityAnswer(DISK, presentDisk(next), req.ctx);
}

function remove(engine: EngineContext, req: ApiRequest) {
  const disk = findByPathId<Disk>(engine.store, "disk", req.params.id);
  if (disk.status === "locked") throw fail("remove", "Virtual Disk", "ACTION_TYPE_FAILED_DISK_IS_LOCKED");
  const vmId = engine.store.get<DiskAttachment>("disk_attachment", disk.id)?.vm.id;
  deleteDisk(engine, disk);
  if (vmId) {
    // The VM's OVF no longer lists the disk (an import elsewhere must not find it).
    removeVmOvf(engine, vmId);
    writeVmOvf(engine, vmId);
  }
  return performedAnswer(req.ctx);
}

export const diskRoutes: Area = (engine) => {
  registerTimers(engine);
  return [
    { method: "GET", path: "/disks", handle: (req) => list(engine, req) },
    { method: "POST", path: "/disks", handle: (req) => add(engine, req) },
    { method: "GET", path: "/disks/:id", handle: (req) => get(engine, req) },
    { method: "PUT", path: "/disks/:id", handle: (req) => update(engine, req) },
    { method: "DELETE", path: "/disks/:id", handle: (req) => remove(engine, req) },
    { method: "GET", path: "/storagedomains/:sdId/disks", handle: (req) => listOnDomain(engine, req) },
    { method: "GET", path: "/storagedomains/:sdId/disks/:id", handle: (req) => getOnDomain(engine, req) },
  ];
};
