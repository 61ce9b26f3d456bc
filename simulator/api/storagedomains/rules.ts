// The validations of the storage-domain commands (AddStorageDomain / AddExistingFileStorageDomain,
// AttachStorageDomainToPool, Activate/DeactivateStorageDomain, DetachStorageDomainFromPool,
// RemoveStorageDomain, UpdateStorageDomain), in the engine's order, with its messages. Hosts and VMs
// are looked up by kind, so the rules hold whichever area stores them.
import type { EngineContext } from "../../context";
import { ApiFault, entityNotFound } from "../../http/faults";
import { nameTaken } from "../common/lookup";
import { fail, type Action } from "../common/messages";
import type { Cluster } from "../clusters/model";
import { isUuid } from "../respond";
import { domainsOf, type StorageDomain } from "./model";

/** What storage rules need to know about a host (stored by the hosts area). */
export interface HostRow {
  id: string;
  name: string;
  status?: string;
  cluster?: { id: string };
}

/** What storage rules need to know about a VM (stored by the VMs area). */
interface VmRow {
  id: string;
  status?: string;
  cluster?: { id: string };
  storage_domain?: { id: string };
  /** Ids of the storage domains holding the VM's disks, when the VM area records them. */
  storage_domains?: Array<{ id: string }>;
}

/** `Active`, `PreparingForMaintenance`…: how the engine names a status in its messages (the enum name). */
export function statusName(status: string): string {
  return status
    .split("_")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}

/** The data center a host belongs to (through its cluster). */
export function hostDataCenter(engine: EngineContext, host: HostRow): string | undefined {
  if (!host.cluster) return undefined;
  return engine.store.get<Cluster>("cluster", host.cluster.id)?.data_center?.id;
}

export function upHostsIn(engine: EngineContext, dcId: string): HostRow[] {
  return engine.store
    .list<HostRow>("host", (h) => h.status === "up")
    .filter((h) => hostDataCenter(engine, h) === dcId);
}

/** A host named by id or name in a body (`<host id=…/>` / `<host><name>`). */
export function resolveHost(engine: EngineContext, ref: { id?: string; name?: string }): HostRow {
  if (ref.id !== undefined) {
    const found = isUuid(ref.id) ? engine.store.get<HostRow>("host", ref.id.toLowerCase()) : undefined;
    if (!found) throw entityNotFound(`Hosts: id=${ref.id}`);
    return found;
  }
  const found = engine.store.list<HostRow>("host", (h) => h.name === ref.name)[0];
  if (!found) throw entityNotFound(`Hosts: name=${ref.name}`);
  return found;
}

/** The `host` query parameter of remove: an id or a name; unknown -> the engine's invalid host id. */
export function resolveHostParam(engine: EngineContext, raw: string | undefined): HostRow {
  const found =
    raw === undefined
      ? undefined
      : isUuid(raw)
        ? engine.store.get<HostRow>("host", raw.toLowerCase())
        : engine.store.list<HostRow>("host", (h) => h.name === raw)[0];
  if (!found) throw fail("remove", "Storage", "CANNOT_REMOVE_STORAGE_DOMAIN_INVALID_HOST_ID");
  return found;
}

function nameInUse(engine: EngineContext, name: string, exceptId?: string): boolean {
  return nameTaken(engine.store, "storage_domain", name, { caseSensitive: true, exceptId });
}

/** AddStorageDomainCommand: the host must be up, the name free. */
export function validateAdd(engine: EngineContext, sd: StorageDomain, host: HostRow): void {
  if (host.status !== "up") {
    throw fail("add", "Storage", "ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL", { hostStatus: "Up" });
  }
  if (engine.store.get("storage_domain", sd.id)) {
    throw fail("add", "Storage", "ACTION_TYPE_FAILED_STORAGE_DOMAIN_ALREADY_EXIST");
  }
  if (nameInUse(engine, sd.name)) {
    throw fail("add", "Storage", "ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST");
  }
}

export function validateUpdate(engine: EngineContext, old: StorageDomain, sd: StorageDomain): void {
  if (old.name !== sd.name && nameInUse(engine, sd.name, sd.id)) {
    throw fail("edit", "Storage", "ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST");
  }
}

function illegalStatus(action: Action, sd: StorageDomain): ApiFault {
  if (sd.status === "locked" || sd.status === "activating" || sd.status === "preparing_for_maintenance") {
    return fail(action, "Storage", "ACTION_TYPE_FAILED_OBJECT_LOCKED");
  }
  return fail(action, "Storage", "ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2", {
    status: statusName(sd.status),
  });
}

/** AttachStorageDomainToPool: an unattached domain and an up host in the data center. */
export function validateAttach(engine: EngineContext, sd: StorageDomain, dcId: string): void {
  if (sd.data_center || sd.status !== "unattached") {
    throw fail("attach", "Storage", "ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL");
  }
  if (upHostsIn(engine, dcId).length === 0)
    throw fail("attach", "Storage", "ACTION_TYPE_FAILED_NO_VDS_IN_POOL");
}

export function validateActivate(engine: EngineContext, sd: StorageDomain): void {
  if (sd.status !== "maintenance" && sd.status !== "inactive" && sd.status !== "unknown") {
    throw illegalStatus("activate", sd);
  }
  if (upHostsIn(engine, sd.data_center!.id).length === 0)
    throw fail("activate", "Storage", "ACTION_TYPE_FAILED_NO_VDS_IN_POOL");
}

/**
 * VMs not down that use the domain: a disk on it (disk_attachment -> disk.storage_domains), or the
 * domain recorded on the VM itself (its lease / the rows other areas keep).
 */
function runningVmsOn(engine: EngineContext, sd: StorageDomain): VmRow[] {
  const disksHere = new Set(
    engine.store
      .list<{ id: string; storage_domains?: Array<{ id: string }> }>("disk", (d) =>
        (d.storage_domains ?? []).some((r) => r.id === sd.id),
      )
      .map((d) => d.id),
  );
  const vmsWithDisks = new Set(
    engine.store
      .list<{ id: string; vm?: { id: string }; disk?: { id: string } }>(
        "disk_attachment",
        (a) => !!a.disk && disksHere.has(a.disk.id),
      )
      .map((a) => a.vm?.id),
  );
  return engine.store.list<VmRow>(
    "vm",
    (v) =>
      v.status !== undefined &&
      v.status !== "down" &&
      (vmsWithDisks.has(v.id) ||
        v.storage_domain?.id === sd.id ||
        (v.storage_domains ?? []).some((r) => r.id === sd.id)),
  );
}

export function validateDeactivate(engine: EngineContext, sd: StorageDomain): void {
  if (sd.status !== "active" && sd.status !== "unknown" && sd.status !== "inactive") {
    throw illegalStatus("deactivate", sd);
  }
  if (runningVmsOn(engine, sd).length > 0) {
    throw fail("deactivate", "Storage", "ACTION_TYPE_FAILED_DETECTED_ACTIVE_VMS");
  }
}

/** DetachStorageDomainFromPool: in maintenance; the master goes last. */
export function validateDetach(engine: EngineContext, sd: StorageDomain): void {
  if (sd.status !== "maintenance") throw illegalStatus("detach", sd);
  const all = engine.store.list<StorageDomain>("storage_domain");
  if (sd.master && domainsOf(all, sd.data_center!.id).some((o) => o.id !== sd.id)) {
    throw fail("detach", "Storage", "ERROR_CANNOT_DETACH_LAST_STORAGE_DOMAIN");
  }
}

/** RemoveStorageDomain: not attached to a data center, through a host that is up. */
export function validateRemove(sd: StorageDomain, host: HostRow): void {
  if (sd.data_center) throw fail("remove", "Storage", "ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL");
  if (host.status !== "up") {
    throw fail("remove", "Storage", "CANNOT_REMOVE_STORAGE_DOMAIN_HOST_NOT_UP", { hostName: host.name });
  }
}
