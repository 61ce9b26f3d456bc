// glusterStorage "mount": the engine side of dataplane/mounts.ts. A glusterfs domain's volume is
// FUSE-mounted when the domain is added or imported (a failure is vdsm's MountError, code 477, as
// the engine reports it, and nothing is created) and, at engine start, for every glusterfs domain in
// the store. Disk images on such a domain are made with qemu-img (api/disks/files.ts).
import type { EngineContext } from "../../context";
import { ensureMounted, MountError } from "../../dataplane/mounts";
import { ApiFault } from "../../http/faults";
import type { StorageDomain } from "./model";

interface Mountable {
  connection: string;
  storage: { type: string; mount_options?: string };
}

/** True when the domain's storage is a real FUSE mount in this engine. */
export function mountedStorage(engine: EngineContext, sd: Mountable): boolean {
  return engine.glusterStorage === "mount" && sd.storage.type === "glusterfs";
}

/** Mounts the domain's volume (idempotent); an ApiFault like the engine's when it cannot. */
export function mountForDomain(engine: EngineContext, sd: Mountable): void {
  if (!mountedStorage(engine, sd)) return;
  try {
    ensureMounted(engine.dataPlane, sd.connection, sd.storage.mount_options);
  } catch (err) {
    if (!(err instanceof MountError)) throw err;
    // vdsm's MountError (477) comes back to the client as the engine's translation of it.
    process.stderr.write(`storage: ${err.message}\n`);
    throw new ApiFault(400, "Operation Failed", "[Problem while trying to mount target]");
  }
}

/** At engine start: every glusterfs domain of the store is mounted (a failure is logged, not fatal). */
export function mountStoredDomains(engine: EngineContext): void {
  if (engine.glusterStorage !== "mount") return;
  const seen = new Set<string>();
  for (const sd of engine.store.list<StorageDomain>("storage_domain")) {
    if (!sd.connection || !mountedStorage(engine, sd) || seen.has(sd.connection)) continue;
    seen.add(sd.connection);
    try {
      ensureMounted(engine.dataPlane, sd.connection, sd.storage.mount_options);
    } catch (err) {
      if (!(err instanceof MountError)) throw err;
      process.stderr.write(`storage: domain ${sd.name}: ${err.message}\n`);
    }
  }
}
