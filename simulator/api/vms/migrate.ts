// Live migration: POST /vms/{id}/migrate (MigrateVm, or MigrateVmToServer when a host is given) and
// /vms/{id}/cancelmigration (CancelMigrateVm), and the migrations the system starts when a host goes
// to maintenance (MaintenanceVds -> MigrateMultipleVms). On the durable scheduler:
//   migrate:          up -> migrating (still on the source host) -> up on the destination
//   cancelmigration:  migrating -> up on the source
// A migration whose destination is no longer up when it ends fails (VM_MIGRATION_FAILED) and the VM
// stays up on its source. Validation follows MigrateVmToServerCommand.validateImpl,
// MigrateVmCommand.validateImpl and VmValidator.canMigrate, in their order; the destination is the
// scheduler's: the up hosts of the VM's cluster except its own (only the given one for
// MigrateVmToServer), the one running the fewest VMs first.
import type { EngineContext } from "../../context";
import { writeVmOvf } from "../../dataplane/ovf";
import { entityNotFound, syntaxFault } from "../../http/faults";
import { BodyShapeError, parseBody } from "../../repr/decode";
import type { Answer, ApiRequest } from "../context";
import { fail } from "../common/messages";
import { booleanParam } from "../common/search";
import type { Disk } from "../disks/model";
import { recordEvent } from "../events/record";
import type { Host } from "../hosts/model";
import { performAction } from "../jobs/command";
import { addStep, endJob, jobText } from "../jobs/record";
import { findByPathId } from "../respond";
import type { DiskAttachment, Vm, VmStatus } from "./model";
import { obj, one, refOf, text } from "./register";

/** Engine milliseconds a migration takes (scaled by --time-scale). */
export const MIGRATION_MS = 8_000;
const TIMER = "vm.migration";

/** VMStatus.isQualifyToMigrate. */
const QUALIFY: readonly VmStatus[] = ["up", "powering_up", "paused", "reboot_in_progress"];
/** What a VM still holding a host is (the host cannot reach maintenance while any is on it). */
const ON_HOST: readonly VmStatus[] = [
  "up",
  "powering_up",
  "wait_for_launch",
  "reboot_in_progress",
  "paused",
  "migrating",
  "powering_down",
  "not_responding",
  "saving_state",
  "restoring_state",
];

/** MIGRATION_REASON_HOST_IN_MAINTENANCE (AuditLogMessages). */
export const REASON_HOST_IN_MAINTENANCE = "Host preparing for maintenance";

interface TimerPayload {
  id: string;
  to: string;
  startedAt: number;
}

function hostOf(engine: EngineContext, id: string | undefined): Host | undefined {
  return id ? engine.store.get<Host>("host", id) : undefined;
}

function named(h: { id: string; name: string } | undefined) {
  return h ? { id: h.id, name: h.name } : undefined;
}

/** The VMs that still hold `hostId` (running on it, starting, migrating away from it, stopping). */
export function vmsOnHost(engine: EngineContext, hostId: string): Vm[] {
  return engine.store.list<Vm>("vm", (v) => v.host?.id === hostId && ON_HOST.includes(v.status));
}

function load(engine: EngineContext, hostId: string): number {
  return engine.store.list<Vm>("vm", (v) => v.host?.id === hostId || v.migration?.to === hostId).length;
}

/**
 * The scheduler's candidates for a VM leaving its host: the up hosts of its cluster except its own
 * and those in `exclude` (SchedulingManager.fetchHosts: up, minus the black list, only the white
 * list), the least loaded first.
 */
export function destinations(engine: EngineContext, vm: Vm, only?: string, exclude: string[] = []): Host[] {
  const hosts = engine.store.list<Host>(
    "host",
    (h) =>
      h.cluster.id === vm.cluster.id &&
      h.status === "up" &&
      h.id !== vm.host?.id &&
      !exclude.includes(h.id) &&
      (only === undefined || h.id === only),
  );
  return hosts.sort((a, b) => load(engine, a.id) - load(engine, b.id) || a.name.localeCompare(b.name));
}

/** VmValidator.canMigrate. */
function canMigrate(vm: Vm, force: boolean): void {
  const affinity = vm.placement_policy?.affinity;
  if (affinity === "pinned") throw fail("migrate", "VM", "ACTION_TYPE_FAILED_VM_IS_PINNED_TO_HOST");
  if (affinity === "user_migratable" && !force)
    throw fail(
      "migrate",
      "VM",
      "ACTION_TYPE_FAILED_VM_IS_NON_MIGRTABLE_AND_IS_NOT_FORCED_BY_USER_TO_MIGRATE",
    );
  if (vm.status === "migrating") throw fail("migrate", "VM", "ACTION_TYPE_FAILED_MIGRATION_IN_PROGRESS");
  if (vm.status === "not_responding")
    throw fail("migrate", "VM", "ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL", { vmStatus: "Not Responding" });
  if (!QUALIFY.includes(vm.status)) throw fail("migrate", "VM", "ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING");
}

/**
 * The validation of MigrateVmToServer (a destination given by id) or MigrateVm; returns the
 * destination the scheduler picks.
 */
export function validateMigrate(
  engine: EngineContext,
  vm: Vm,
  opts: { destination?: { id: string }; force: boolean },
): Host {
  let given: Host | undefined;
  if (opts.destination) {
    given = hostOf(engine, opts.destination.id.toLowerCase());
    if (!given) throw fail("migrate", "VM", "VDS_INVALID_SERVER_ID");
    if (given.status !== "up")
      throw fail("migrate", "VM", "ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL", { hostStatus: "Up" });
  }
  canMigrate(vm, opts.force);
  const locked = engine.store
    .listOfVm<DiskAttachment>("disk_attachment", vm.id)
    .filter((a) => a.active)
    .map((a) => engine.store.get<Disk>("disk", a.disk.id))
    .filter((d): d is Disk => d?.status === "locked");
  if (locked.length > 0)
    throw fail("migrate", "VM", "ACTION_TYPE_FAILED_DISKS_LOCKED", {
      diskAliases: locked.map((d) => d.alias).join(", "),
    });
  // The source is black-listed and a given host is the white list, so the same host or a host of
  // another cluster leaves the scheduler without hosts (canScheduleVm comes before the checks for
  // those cases in MigrateVmToServerCommand).
  const [dest] = destinations(engine, vm, given?.id);
  if (!dest) throw fail("migrate", "VM", "SCHEDULING_NO_HOSTS");
  return dest;
}

/** Starts the migration of a VM to `dest` (the VM is up on its source meanwhile, `migrating`). */
export function beginMigration(
  engine: EngineContext,
  vm: Vm,
  dest: Host,
  opts: { jobId?: string; correlationId?: string; reason?: string; system?: boolean },
): void {
  const startedAt = Date.now();
  const source = hostOf(engine, vm.host?.id);
  engine.store.update("vm", {
    ...vm,
    status: "migrating",
    migration: { to: dest.id, jobId: opts.jobId, correlationId: opts.correlationId, startedAt },
  });
  if (opts.jobId) addStep(engine, opts.jobId, `Migrating VM ${vm.name} from Host ${source?.name ?? ""}`);
  recordEvent(engine, {
    type: opts.system ? "VM_MIGRATION_START_SYSTEM_INITIATED" : "VM_MIGRATION_START",
    vars: {
      VmName: vm.name,
      VdsName: source?.name ?? "",
      DestinationVdsName: dest.name,
      OptionalReason: opts.reason ?? "",
    },
    correlationId: opts.correlationId,
    vm: { id: vm.id, name: vm.name },
    host: named(source),
    byUser: !opts.system,
  });
  engine.scheduler.after(TIMER, MIGRATION_MS, { id: vm.id, to: dest.id, startedAt } satisfies TimerPayload);
}

/** DurationFormatUtils.formatDurationWords(ms, true, true): "8 seconds", "1 minute 3 seconds". */
export function durationWords(ms: number): string {
  const s = Math.floor(ms / 1000);
  const parts: Array<[number, string]> = [
    [Math.floor(s / 86400), "day"],
    [Math.floor((s % 86400) / 3600), "hour"],
    [Math.floor((s % 3600) / 60), "minute"],
    [s % 60, "second"],
  ];
  let first = parts.findIndex(([n]) => n !== 0);
  if (first < 0) return "0 seconds";
  let last = parts.length - 1;
  while (last > first && parts[last][0] === 0) last--;
  if (first > last) first = last;
  return parts
    .slice(first, last + 1)
    .map(([n, unit]) => `${n} ${unit}${n === 1 ? "" : "s"}`)
    .join(" ");
}

function onMigrationEnd(engine: EngineContext, p: TimerPayload): void {
  const vm = engine.store.get<Vm>("vm", p.id);
  const m = vm?.migration;
  if (!vm || !m || m.to !== p.to || m.startedAt !== p.startedAt) return;
  const { migration: _done, ...rest } = vm;
  const source = hostOf(engine, vm.host?.id);
  const dest = hostOf(engine, m.to);
  if (vm.status !== "migrating") {
    // Stopped meanwhile: nothing arrived on the destination.
    engine.store.update("vm", rest);
    endJob(engine, m.jobId, false);
    return;
  }
  if (!dest || dest.status !== "up") {
    engine.store.update("vm", { ...rest, status: "up" });
    recordEvent(engine, {
      type: "VM_MIGRATION_FAILED",
      vars: { VmName: vm.name, VdsName: source?.name ?? "", DueToMigrationError: " " },
      correlationId: m.correlationId,
      vm: { id: vm.id, name: vm.name },
      host: named(source),
      byUser: false,
    });
    endJob(engine, m.jobId, false);
    return;
  }
  engine.store.update("vm", { ...rest, status: "up", host: { id: dest.id } });
  const took = durationWords(Date.now() - m.startedAt);
  recordEvent(engine, {
    type: "VM_MIGRATION_DONE",
    vars: {
      VmName: vm.name,
      VdsName: source?.name ?? "",
      DestinationVdsName: dest.name,
      Duration: took,
      TotalDuration: took,
      ActualDowntime: "(N/A)",
    },
    correlationId: m.correlationId,
    vm: { id: vm.id, name: vm.name },
    host: named(dest),
    byUser: false,
  });
  endJob(engine, m.jobId, true);
  writeVmOvf(engine, vm.id);
}

/** Registers the migration timer; called by the VM area before the scheduler starts. */
export function registerMigration(engine: EngineContext): void {
  engine.scheduler.on(TIMER, (p) => onMigrationEnd(engine, p as TimerPayload));
}

/**
 * MaintenanceVds: migrates every VM that is up on the host and not migrating yet to another up
 * host of its cluster (system initiated). Returns how many started.
 */
export function migrateVmsOff(
  engine: EngineContext,
  hostId: string,
  opts: { jobId?: string; correlationId?: string },
): number {
  let started = 0;
  for (const vm of vmsOnHost(engine, hostId)) {
    if (!QUALIFY.includes(vm.status)) continue;
    const affinity = vm.placement_policy?.affinity;
    if (affinity === "pinned") continue;
    const [dest] = destinations(engine, vm);
    if (!dest) continue;
    beginMigration(engine, vm, dest, {
      correlationId: opts.correlationId,
      reason: REASON_HOST_IN_MAINTENANCE,
      system: true,
    });
    started++;
  }
  return started;
}

// ---------------------------------------------------------------------------------------------
// REST

function readBody(req: ApiRequest, usage: string): Record<string, unknown> {
  try {
    return (parseBody(req.body, req.ctx.bodyFormat, "action") as Record<string, unknown> | undefined) ?? {};
  } catch (err) {
    if (err instanceof BodyShapeError) throw syntaxFault(req.ctx.origin, usage);
    throw err;
  }
}

/** POST /vms/{id}/migrate: `<action>` with an optional `<host id|name>` and `<force>`. */
export function migrateAction(engine: EngineContext, req: ApiRequest): Answer {
  const vm = findByPathId<Vm>(engine.store, "vm", req.params.id);
  const body = readBody(req, "vm/methods/migrate");
  const rawForce = one(body.force);
  const force = rawForce === true || booleanParam(text(rawForce));
  const ref = obj(body.host) ? refOf(body.host) : undefined;
  let destination: { id: string } | undefined;
  if (ref?.id) destination = { id: ref.id };
  else if (ref?.name) {
    // BackendResource.getHostId: a name is looked up first (GetVdsByName), outside the command.
    const byName = engine.store.list<Host>("host", (h) => h.name === ref.name)[0];
    if (!byName) throw entityNotFound(ref.name);
    destination = { id: byName.id };
  }
  let dest: Host | undefined;
  const given = destination ? hostOf(engine, destination.id.toLowerCase()) : undefined;
  const description = given
    ? jobText("MigrateVmToServer", { VM: vm.name, VDS: given.name })
    : jobText("MigrateVm", { VM: vm.name });
  return performAction(
    engine,
    req,
    { job: { description } },
    () => {
      dest = validateMigrate(engine, vm, { destination, force });
    },
    (jobId) => {
      beginMigration(engine, vm, dest!, { jobId, correlationId: req.ctx.correlationId });
      return { pending: true };
    },
  );
}

/** POST /vms/{id}/cancelmigration: the VM stays up on its source. */
export function cancelMigrationAction(engine: EngineContext, req: ApiRequest): Answer {
  const vm = findByPathId<Vm>(engine.store, "vm", req.params.id);
  readBody(req, "vm/methods/cancelmigration");
  return performAction(
    engine,
    req,
    { job: { description: jobText("CancelMigrateVm", { VM: vm.name }) } },
    () => {
      if (vm.status !== "migrating" || !vm.migration)
        throw fail("cancel migration", "VM", "VM_CANNOT_CANCEL_MIGRATION_WHEN_VM_IS_NOT_MIGRATING");
    },
    () => {
      const { migration, ...rest } = vm;
      engine.store.update("vm", { ...rest, status: "up" });
      endJob(engine, migration?.jobId, false);
      const source = hostOf(engine, vm.host?.id);
      recordEvent(engine, {
        type: "VM_CANCEL_MIGRATION",
        vars: { VmName: vm.name, VdsName: source?.name ?? "" },
        correlationId: req.ctx.correlationId,
        vm: { id: vm.id, name: vm.name },
        host: named(source),
      });
    },
  );
}
