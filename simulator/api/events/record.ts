// The audit log: areas record what happened with the engine's code, severity and text
// (AuditLogMessages.properties), linked to the objects involved, e.g.
//   recordEvent(engine, { type: "USER_ADD_VDS", vars: { VdsName: name }, correlationId, host, cluster });
import type { EngineContext } from "../../context";
import { fill } from "../jobs/record";
import type { EngineEvent, Severity } from "./model";

interface EventType {
  code: number;
  severity: Severity;
  text: string;
}

const e = (code: number, severity: Severity, text: string): EventType => ({ code, severity, text });

/** The user the engine names in texts (`${UserName}`): the only user of this engine. */
export const ADMIN_USER_NAME = "admin@internal-authz";

/** AuditLogType code and severity with the AuditLogMessages text. Areas add theirs here. */
export const EVENT_TYPES = {
  VDS_DETECTED: e(13, "normal", "Status of host ${VdsName} was set to ${HostStatus}."),
  VDS_ACTIVATE: e(16, "normal", "Activation of host ${VdsName} initiated by ${UserName}."),
  VDS_ACTIVATE_FAILED: e(18, "error", "Failed to activate Host ${VdsName}.(User: ${UserName})."),
  VDS_MAINTENANCE: e(15, "normal", "Host ${VdsName} was switched to Maintenance Mode."),
  USER_VDS_START: e(20, "normal", "Host ${VdsName} was started by ${UserName}."),
  USER_VDS_STOP: e(21, "normal", "Host ${VdsName} was stopped by ${UserName}."),
  USER_VDS_RESTART: e(41, "normal", "Host ${VdsName} was restarted by ${UserName}."),
  USER_ADD_VDS: e(42, "normal", "Host ${VdsName} was added by ${UserName}."),
  USER_UPDATE_VDS: e(43, "normal", "Host ${VdsName} configuration was updated by ${UserName}."),
  USER_REMOVE_VDS: e(44, "normal", "Host ${VdsName} was removed by ${UserName}."),
  VDS_CLUSTER_VERSION_NOT_SUPPORTED: e(
    154,
    "error",
    "Host ${VdsName} is compatible with versions (${VdsSupportedVersions}) and cannot join Cluster ${ClusterName} which is set to version ${CompatibilityVersion}.",
  ),
  VDS_INSTALL: e(504, "normal", "Host ${VdsName} installed"),
  VDS_INSTALL_FAILED: e(505, "error", "Host ${VdsName} installation failed. ${FailedInstallMessage}."),
  VDS_INSTALL_IN_PROGRESS: e(509, "normal", "Installing Host ${VdsName}. ${Message}."),
  USER_VDS_MAINTENANCE: e(
    600,
    "normal",
    "Host ${VdsName} was switched to Maintenance mode by ${UserName} (Reason: ${Reason}).",
  ),
  USER_VDS_MAINTENANCE_WITHOUT_REASON: e(
    620,
    "normal",
    "Host ${VdsName} was switched to Maintenance mode by ${UserName}.",
  ),
  HOST_REFRESHED_CAPABILITIES: e(
    606,
    "normal",
    "Successfully refreshed the capabilities of host ${VdsName}.",
  ),
  USER_UPDATE_CLUSTER: e(811, "normal", "Host cluster ${ClusterName} was updated by ${UserName}"),
  HOST_UPGRADE_STARTED: e(840, "normal", "Host ${VdsName} upgrade was started (User: ${UserName})."),
  HOST_UPGRADE_FAILED: e(841, "error", "Failed to upgrade Host ${VdsName} (User: ${UserName})."),
  HOST_UPGRADE_FINISHED: e(842, "normal", "Host ${VdsName} upgrade was completed successfully."),
  HOST_AVAILABLE_UPDATES_STARTED: e(
    884,
    "normal",
    "Started to check for available updates on host ${VdsName}.",
  ),
  HOST_AVAILABLE_UPDATES_FINISHED: e(
    885,
    "normal",
    "Check for available updates on host ${VdsName} was completed successfully with message '${Message}'.",
  ),
  HOST_UPGRADE_FINISHED_AND_WILL_BE_REBOOTED: e(
    888,
    "normal",
    "Upgrade was successful and host ${VdsName} will be rebooted.",
  ),
  USER_START_CLUSTER_UPGRADE: e(
    892,
    "normal",
    "Successfully set upgrade running flag on Host cluster ${ClusterName} by ${UserName}",
  ),
  USER_FINISH_CLUSTER_UPGRADE: e(
    894,
    "normal",
    "Successfully cleared upgrade running flag on Host cluster ${ClusterName} by (User: ${UserName})",
  ),
  USER_ADD_STORAGE_DOMAIN: e(956, "normal", "Storage Domain ${StorageDomainName} was added by ${UserName}"),
  USER_REMOVE_STORAGE_DOMAIN: e(
    960,
    "normal",
    "Storage Domain ${StorageDomainName} was removed by ${UserName}",
  ),
  USER_ATTACH_STORAGE_DOMAIN_TO_POOL: e(
    962,
    "normal",
    "Storage Domain ${StorageDomainName} was attached to Data Center ${StoragePoolName} by ${UserName}",
  ),
  USER_DETACH_STORAGE_DOMAIN_FROM_POOL: e(
    964,
    "normal",
    "Storage Domain ${StorageDomainName} was detached from Data Center ${StoragePoolName} by ${UserName}",
  ),
  USER_ACTIVATED_STORAGE_DOMAIN: e(
    966,
    "normal",
    "Storage Domain ${StorageDomainName} (Data Center ${StoragePoolName}) was activated by ${UserName}",
  ),
  USER_DEACTIVATED_STORAGE_DOMAIN: e(
    968,
    "normal",
    "Storage Domain ${StorageDomainName} (Data Center ${StoragePoolName}) was deactivated and has moved to 'Preparing for maintenance' until it will no longer be accessed by any Host of the Data Center.",
  ),
  GLUSTER_VOLUME_CREATE: e(
    4000,
    "normal",
    "Gluster Volume ${glusterVolumeName} created on cluster ${clusterName}.",
  ),
  GLUSTER_VOLUME_START: e(
    4004,
    "normal",
    "Gluster Volume ${glusterVolumeName} of cluster ${clusterName} started.",
  ),
  GLUSTER_VOLUME_STOP: e(
    4006,
    "normal",
    "Gluster Volume ${glusterVolumeName} stopped on cluster ${clusterName}.",
  ),
  GLUSTER_VOLUME_REMOVE_BRICKS: e(
    4014,
    "normal",
    "Bricks removed from Gluster Volume ${glusterVolumeName} of cluster ${clusterName}.",
  ),
  GLUSTER_VOLUME_ADD_BRICK: e(
    4019,
    "normal",
    "${NoOfBricks} brick(s) added to volume ${glusterVolumeName} of cluster ${clusterName}.",
  ),
  // VMs
  USER_RUN_VM: e(32, "normal", "VM ${VmName} started on Host ${VdsName}"),
  USER_STOP_VM: e(33, "normal", "VM ${VmName} powered off by ${UserName} (Host: ${VdsName})."),
  USER_ADD_VM: e(34, "normal", "VM ${VmName} was created by ${UserName}."),
  VM_DOWN: e(61, "normal", "VM ${VmName} is down. ${ExitMessage}"),
  USER_INITIATED_SHUTDOWN_VM: e(
    73,
    "normal",
    "VM shutdown initiated by ${UserName} on VM ${VmName} (Host: ${VdsName}).",
  ),
  USER_STARTED_VM: e(153, "normal", "VM ${VmName} was started by ${UserName} (Host: ${VdsName})."),
  NETWORK_COMMINT_NETWORK_CHANGES: e(1104, "normal", "Network changes were saved on host ${VdsName}"),
  FREEZE_VM_SUCCESS: e(10767, "normal", "Guest filesystems on VM ${VmName} have been frozen successfully."),
  THAW_VM_SUCCESS: e(10768, "normal", "Guest filesystems on VM ${VmName} have been thawed successfully."),
  TEMPLATE_IMPORT_FROM_CONFIGURATION_SUCCESS: e(
    180,
    "normal",
    "Template ${VmTemplateName} has been successfully imported from the given configuration.",
  ),
  VM_SET_TICKET: e(164, "normal", "User ${UserName} initiated console session for VM ${VmName}"),
  // VM migration (MigrateVmCommand.getAuditLogTypeValue, CancelMigrateVmCommand).
  VM_MIGRATION_START: e(
    62,
    "normal",
    "Migration started (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, User: ${UserName}). ${OptionalReason}",
  ),
  VM_MIGRATION_DONE: e(
    63,
    "normal",
    "Migration completed (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, Duration: ${Duration}, Total: ${TotalDuration}, Actual downtime: ${ActualDowntime})",
  ),
  VM_MIGRATION_FAILED: e(
    65,
    "error",
    "Migration failed${DueToMigrationError} (VM: ${VmName}, Source: ${VdsName}).",
  ),
  VM_MIGRATION_START_SYSTEM_INITIATED: e(
    67,
    "normal",
    "Migration initiated by system (VM: ${VmName}, Source: ${VdsName}, Destination: ${DestinationVdsName}, Reason: ${OptionalReason}).",
  ),
  VM_CANCEL_MIGRATION: e(
    161,
    "normal",
    "Migration cancelled (VM: ${VmName}, Source: ${VdsName}, User: ${UserName}).",
  ),
  VM_IMPORT_FROM_CONFIGURATION_EXECUTED_SUCCESSFULLY: e(
    174,
    "normal",
    "VM ${VmName} has been successfully imported from the given configuration.",
  ),
} as const;

export type EventTypeName = keyof typeof EVENT_TYPES;

export interface Named {
  id: string;
  name: string;
}

export interface RecordEventOptions {
  type: EventTypeName;
  vars?: Record<string, string>;
  correlationId?: string;
  host?: Named;
  cluster?: Named;
  dataCenter?: Named;
  storageDomain?: Named;
  vm?: Named;
  template?: Named;
  /** Events of user commands name the user (default); monitoring events do not. */
  byUser?: boolean;
}

const counters = new WeakMap<object, number>();

function nextIndex(engine: EngineContext): number {
  let n = counters.get(engine.store);
  if (n === undefined) {
    n = engine.store.list<EngineEvent>("event").reduce((max, ev) => Math.max(max, ev.index), 0);
  }
  n += 1;
  counters.set(engine.store, n);
  return n;
}

const ref = (n: Named | undefined) => (n ? { id: n.id } : undefined);

/** Appends an event to the audit log and returns it. */
export function recordEvent(engine: EngineContext, opts: RecordEventOptions): EngineEvent {
  const type = EVENT_TYPES[opts.type];
  const byUser = opts.byUser ?? true;
  const index = nextIndex(engine);
  const vars: Record<string, string> = {
    UserName: ADMIN_USER_NAME,
    VdsName: opts.host?.name ?? "",
    ClusterName: opts.cluster?.name ?? "",
    ...opts.vars,
  };
  const event: EngineEvent = {
    id: String(index),
    index,
    code: type.code,
    severity: type.severity,
    time: Date.now(),
    description: fill(type.text, vars),
    correlation_id: opts.correlationId,
    origin: "oVirt",
    custom_id: -1,
    flood_rate: 30,
    log_on_host: false,
    user: byUser ? { id: engine.adminUserId } : undefined,
    host: ref(opts.host),
    cluster: ref(opts.cluster),
    data_center: ref(opts.dataCenter),
    storage_domain: ref(opts.storageDomain),
    vm: ref(opts.vm),
    template: ref(opts.template),
    names: {
      host: opts.host?.name,
      cluster: opts.cluster?.name,
      data_center: opts.dataCenter?.name,
      storage: opts.storageDomain?.name,
      vm: opts.vm?.name,
      template: opts.template?.name,
      user: byUser ? ADMIN_USER_NAME : undefined,
    },
  };
  engine.store.insert("event", event);
  return event;
}
