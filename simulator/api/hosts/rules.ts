// The validations of AddVds, UpdateVds, RemoveVds and the host actions, in the engine's order, with
// its messages. Each throws the fault the REST layer answers with.
import type { EngineContext } from "../../context";
import { fail, type Action } from "../common/messages";
import type { Host, HostStatus } from "./model";
import { vmsOnHost } from "../vms/migrate";

const NAME_MAX = 255;

/** Statuses in which the engine edits fields that need a host out of service (address, cluster, port). */
const OFFLINE_EDITABLE: readonly HostStatus[] = ["maintenance", "install_failed", "non_responsive", "down"];
/** Statuses RemoveVds accepts. */
const REMOVABLE: readonly HostStatus[] = [
  "maintenance",
  "install_failed",
  "pending_approval",
  "down",
  "non_responsive",
];
/** Statuses InstallVds (reinstall) accepts. */
const REINSTALLABLE: readonly HostStatus[] = [
  "maintenance",
  "install_failed",
  "non_operational",
  "non_responsive",
  "down",
];
/** Transitional statuses: the host is locked by a running command. */
const BUSY: readonly HostStatus[] = [
  "installing",
  "initializing",
  "preparing_for_maintenance",
  "reboot",
  "installing_os",
  "unassigned",
  "connecting",
  "kdumping",
];

export function isBusy(h: Host): boolean {
  return BUSY.includes(h.status);
}

function nameTaken(engine: EngineContext, name: string, exceptId?: string): boolean {
  return engine.store.list<Host>("host", (h) => h.id !== exceptId && h.name === name).length > 0;
}

function addressTaken(engine: EngineContext, address: string, exceptId?: string): boolean {
  const a = address.toLowerCase();
  return (
    engine.store.list<Host>("host", (h) => h.id !== exceptId && h.address.toLowerCase() === a).length > 0
  );
}

export function validateAdd(
  engine: EngineContext,
  h: Host,
  auth: { method: "password" | "publickey"; password?: string },
): void {
  if (h.name.length > NAME_MAX) throw fail("add", "Host", "ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG");
  if (nameTaken(engine, h.name)) throw fail("add", "Host", "ACTION_TYPE_FAILED_NAME_ALREADY_USED");
  if (addressTaken(engine, h.address)) throw fail("add", "Host", "VDS_TRY_CREATE_WITH_EXISTING_PARAMS");
  if (auth.method === "password" && !auth.password)
    throw fail("add", "Host", "VDS_CANNOT_INSTALL_EMPTY_PASSWORD");
}

/** `changed` names the members the PUT changes. */
export function validateUpdate(
  engine: EngineContext,
  old: Host,
  h: Host,
  changed: ReadonlySet<string>,
): void {
  if (h.name.length > NAME_MAX) throw fail("edit", "Host", "ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG");
  if (isBusy(old)) throw fail("edit", "Host", "ACTION_TYPE_FAILED_OBJECT_LOCKED");
  const offlineOnly = ["address", "cluster", "port", "ssh"].filter((f) => changed.has(f));
  if (offlineOnly.length > 0 && !OFFLINE_EDITABLE.includes(old.status)) {
    throw fail("edit", "Host", "VDS_STATUS_NOT_VALID_FOR_UPDATE");
  }
  if (old.name !== h.name && nameTaken(engine, h.name, h.id))
    throw fail("edit", "Host", "ACTION_TYPE_FAILED_NAME_ALREADY_USED");
  if (old.address.toLowerCase() !== h.address.toLowerCase() && addressTaken(engine, h.address, h.id))
    throw fail("edit", "Host", "VDS_TRY_CREATE_WITH_EXISTING_PARAMS");
}

export function validateRemove(h: Host): void {
  if (!REMOVABLE.includes(h.status)) throw fail("remove", "Host", "VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL");
}

export function validateActivate(h: Host): void {
  if (h.status === "up") throw fail("activate", "Host", "VDS_ALREADY_UP");
  if (isBusy(h)) throw fail("activate", "Host", "ACTION_TYPE_FAILED_OBJECT_LOCKED");
  if (h.status === "install_failed")
    throw fail("activate", "Host", "ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL", { hostStatus: "Maintenance" });
}

export function validateDeactivate(h: Host): void {
  if (h.status === "maintenance")
    throw fail("maintenance", "Host", "VDS_CANNOT_MAINTENANCE_VDS_IS_IN_MAINTENANCE");
  if (isBusy(h)) throw fail("maintenance", "Host", "ACTION_TYPE_FAILED_OBJECT_LOCKED");
}

/**
 * MaintenanceNumberOfVdss: VMs pinned to the host cannot leave it
 * (VDS_CANNOT_MAINTENANCE_IT_INCLUDES_NON_MIGRATABLE_VM); a host with running VMs needs another up
 * host in its cluster to take them (CANNOT_MAINTENANCE_VDS_RUN_VMS_NO_OTHER_RUNNING_VDS).
 */
export function validateMaintenanceMigration(engine: EngineContext, h: Host): void {
  const running = vmsOnHost(engine, h.id);
  if (running.length === 0) return;
  const pinned = running.filter((v) => v.placement_policy?.affinity === "pinned").map((v) => v.name);
  if (pinned.length > 0)
    throw fail("maintenance", "Host", "VDS_CANNOT_MAINTENANCE_IT_INCLUDES_NON_MIGRATABLE_VM", {
      HostsList: h.name,
      VmsList: pinned.join(" , "),
    });
  const others = engine.store.list<Host>(
    "host",
    (o) => o.id !== h.id && o.cluster.id === h.cluster.id && o.status === "up",
  );
  if (others.length > 0) return;
  const cluster = engine.store.get<{ id: string; name: string }>("cluster", h.cluster.id);
  throw fail("maintenance", "Host", "CANNOT_MAINTENANCE_VDS_RUN_VMS_NO_OTHER_RUNNING_VDS", {
    HostsList: h.name,
    ClustersList: cluster?.name ?? "",
  });
}

export function validateInstall(
  h: Host,
  auth: { method: "password" | "publickey"; password?: string },
): void {
  if (!REINSTALLABLE.includes(h.status)) throw fail("install", "Host", "VDS_CANNOT_INSTALL_STATUS_ILLEGAL");
  if (auth.method === "password" && !auth.password)
    throw fail("install", "Host", "VDS_CANNOT_INSTALL_EMPTY_PASSWORD");
}

export function validateUpgradeCheck(h: Host): void {
  if (h.status !== "up" && h.status !== "non_operational")
    throw fail("check for upgrade", "Host", "CANNOT_CHECK_FOR_HOST_UPGRADE_STATUS_ILLEGAL");
}

export function validateUpgrade(h: Host): void {
  if (!["up", "maintenance", "non_operational"].includes(h.status))
    throw fail("upgrade", "Host", "CANNOT_UPGRADE_HOST_STATUS_ILLEGAL");
  if (!h.update_available) throw fail("upgrade", "Host", "NO_AVAILABLE_UPDATES_FOR_HOST");
}

export function validateFence(h: Host, fenceType: string): void {
  const action: Action = fenceType === "start" ? "start" : fenceType === "stop" ? "stop" : "restart";
  if (fenceType === "manual" || fenceType === "status") return;
  if (!h.power_management.enabled) throw fail(action, "Host", "VDS_FENCE_DISABLED");
  if (isBusy(h)) throw fail(action, "Host", "ACTION_TYPE_FAILED_OBJECT_LOCKED");
}
