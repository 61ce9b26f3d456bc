// The storage-domain state machine of a data center (API-NOTES 3.5, 4.2), on the durable scheduler:
// attach: locked -> maintenance -> activating -> active; activate: activating -> active;
// deactivate: preparing_for_maintenance -> maintenance; detach: unattached at once.
// The first data domain to become active in a data center without a master becomes the master and
// brings the data center up; a master going to maintenance hands the role to another active data
// domain, or takes the data center to maintenance with it. Storage metadata follows (POOL_UUID, ROLE).
import type { EngineContext } from "../../context";
import { domainDir, updateMetadata } from "../../dataplane/storage";
import type { DataCenter } from "../datacenters/model";
import { endJob } from "../jobs/record";
import { domainsOf, locationOf, type SdStatus, type StorageDomain } from "./model";

export const TRANSITION = "storagedomain.transition";

/** Engine durations (ms, before --time-scale) of each step. */
const DURATION: Partial<Record<SdStatus, number>> = {
  locked: 4_000,
  maintenance: 1_000,
  activating: 3_000,
  preparing_for_maintenance: 5_000,
};

interface Step {
  id: string;
  /** The status the domain must still have for the step to apply (a later command supersedes it). */
  from: SdStatus;
  to: SdStatus;
  /** After an attach, maintenance leads on to activation. */
  thenActivate?: boolean;
  /** The command's job, ended when the domain reaches where the command leads. */
  jobId?: string;
}

export function dirOf(engine: EngineContext, sd: StorageDomain): string {
  return domainDir(engine.dataPlane, locationOf(sd), sd.id);
}

function setDcStatus(engine: EngineContext, dcId: string, status: DataCenter["status"]): void {
  const dc = engine.store.get<DataCenter>("data_center", dcId);
  if (!dc || dc.status === status) return;
  engine.store.update("data_center", { ...dc, status });
}

/** Schedules the next step of a domain now in `from`. */
export function schedule(engine: EngineContext, step: Step): void {
  engine.scheduler.after(TRANSITION, DURATION[step.from] ?? 1_000, step);
}

function becomeActive(engine: EngineContext, sd: StorageDomain): StorageDomain {
  const dcId = sd.data_center!.id;
  const others = domainsOf(engine.store.list<StorageDomain>("storage_domain"), dcId).filter(
    (o) => o.id !== sd.id,
  );
  const next = { ...sd, status: "active" as const };
  if (sd.type === "data" && !others.some((o) => o.master)) {
    next.master = true;
    const dc = engine.store.get<DataCenter>("data_center", dcId);
    if (dc)
      engine.store.update("data_center", { ...dc, status: "up", storage_format: dc.storage_format ?? "v5" });
  }
  updateMetadata(dirOf(engine, next), { POOL_UUID: dcId, ROLE: next.master ? "Master" : "Regular" });
  return next;
}

/** A master going to maintenance: another active data domain takes over, or the pool goes down too. */
function leaveMaster(engine: EngineContext, sd: StorageDomain): StorageDomain {
  if (!sd.master) return sd;
  const dcId = sd.data_center!.id;
  const heir = domainsOf(engine.store.list<StorageDomain>("storage_domain"), dcId).find(
    (o) => o.id !== sd.id && o.type === "data" && o.status === "active",
  );
  if (heir) {
    engine.store.update("storage_domain", { ...heir, master: true });
    updateMetadata(dirOf(engine, heir), { ROLE: "Master" });
    updateMetadata(dirOf(engine, sd), { ROLE: "Regular" });
    return { ...sd, master: false };
  }
  setDcStatus(engine, dcId, "maintenance");
  return sd;
}

function apply(engine: EngineContext, step: Step): void {
  const sd = engine.store.get<StorageDomain>("storage_domain", step.id);
  if (!sd || sd.status !== step.from || !sd.data_center) return;
  let next: StorageDomain = { ...sd, status: step.to };
  if (step.to === "active") next = becomeActive(engine, sd);
  if (step.to === "maintenance" && step.from === "preparing_for_maintenance")
    next = leaveMaster(engine, next);
  engine.store.update("storage_domain", next);
  const { jobId } = step;
  if (step.to === "maintenance" && step.thenActivate) {
    schedule(engine, { id: sd.id, from: "maintenance", to: "activating", jobId });
  } else if (step.to === "activating") {
    schedule(engine, { id: sd.id, from: "activating", to: "active", jobId });
  } else if (jobId) {
    endJob(engine, jobId, true);
  }
}

/** Registers the timer handler; called by the area before the scheduler starts. */
export function registerLifecycle(engine: EngineContext): void {
  engine.scheduler.on(TRANSITION, (payload) => apply(engine, payload as Step));
}

/** Attach: the domain is locked in the data center, then comes up by itself. */
export function attach(
  engine: EngineContext,
  sd: StorageDomain,
  dcId: string,
  jobId?: string,
): StorageDomain {
  const next: StorageDomain = { ...sd, status: "locked", data_center: { id: dcId }, master: false };
  engine.store.update("storage_domain", next);
  updateMetadata(dirOf(engine, next), { POOL_UUID: dcId, ROLE: "Regular" });
  schedule(engine, { id: sd.id, from: "locked", to: "maintenance", thenActivate: true, jobId });
  return next;
}

export function activate(engine: EngineContext, sd: StorageDomain, jobId?: string): StorageDomain {
  const next: StorageDomain = { ...sd, status: "activating" };
  engine.store.update("storage_domain", next);
  schedule(engine, { id: sd.id, from: "activating", to: "active", jobId });
  return next;
}

export function deactivate(engine: EngineContext, sd: StorageDomain, jobId?: string): StorageDomain {
  const next: StorageDomain = { ...sd, status: "preparing_for_maintenance" };
  engine.store.update("storage_domain", next);
  schedule(engine, { id: sd.id, from: "preparing_for_maintenance", to: "maintenance", jobId });
  return next;
}

/** Detach (or the data center going away): the domain is unattached, its metadata freed. */
export function detach(engine: EngineContext, sd: StorageDomain): StorageDomain {
  const { data_center: dc, ...rest } = sd;
  const next: StorageDomain = { ...rest, status: "unattached", master: false };
  engine.store.update("storage_domain", next);
  updateMetadata(dirOf(engine, next), { POOL_UUID: "", ROLE: "Regular" });
  if (dc && domainsOf(engine.store.list<StorageDomain>("storage_domain"), dc.id).length === 0) {
    setDcStatus(engine, dc.id, "uninitialized");
  }
  return next;
}

/** RemoveStoragePool: every domain still attached is detached with the data center. */
export function detachAllFrom(engine: EngineContext, dcId: string): void {
  for (const sd of domainsOf(engine.store.list<StorageDomain>("storage_domain"), dcId)) detach(engine, sd);
}
