// The engine's validation messages (AppErrors.properties) with their ErrorType (EngineMessage), and
// the way the REST layer turns a failed command into a fault: reason "Operation Failed", detail the
// Java List.toString() of the messages, status by ErrorMessageHelper. Areas add the keys they use.
import { ApiFault } from "../../http/faults";

type ErrorType =
  "BAD_PARAMETERS" | "CONFLICT" | "CONSTRAINT_VIOLATION" | "INCOMPATIBLE_VERSION" | "INTERNAL_ERROR";

interface EngineMessage {
  readonly text: string;
  readonly type: ErrorType;
}

const m = (text: string, type: ErrorType): EngineMessage => ({ text, type });

export const MSG = {
  // data centers (storage pools)
  ACTION_TYPE_FAILED_STORAGE_POOL_NAME_ALREADY_EXIST: m(
    "Cannot ${action} ${type}. The Data Center name is already in use.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG: m(
    "Cannot ${action} ${type}. The given name is too long.",
    "BAD_PARAMETERS",
  ),
  VALIDATION_DATA_CENTER_NAME_INVALID: m(
    "Data Center name may only contain letters, numbers, '-', or '_'.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_GIVEN_VERSION_NOT_SUPPORTED: m(
    "Cannot ${action} ${type}. Selected Compatibility Version is not supported.",
    "INCOMPATIBLE_VERSION",
  ),
  ERROR_CANNOT_REMOVE_ACTIVE_STORAGE_POOL: m("Cannot remove an active Data Center.", "CONFLICT"),
  ERROR_CANNOT_REMOVE_POOL_WITH_ACTIVE_DOMAINS: m(
    "Cannot remove Data Center which contains Storage Domains that are not in Maintenance status.\n-Please deactivate all domains and wait for tasks to finish before removing the Data Center.",
    "CONFLICT",
  ),
  ERROR_CANNOT_REMOVE_STORAGE_POOL_WITH_NONMASTER_DOMAINS: m(
    "Cannot remove Data Center when more than one Storage Domain is attached.",
    "CONFLICT",
  ),
  ERROR_CANNOT_FORCE_REMOVE_STORAGE_POOL_WITH_VDS_NOT_IN_MAINTENANCE: m(
    "Cannot ${action} ${type} while there are Hosts that are not in Maintenance mode.",
    "CONFLICT",
  ),
  ERROR_CANNOT_UPDATE_STORAGE_POOL_COMPATIBILITY_VERSION_BIGGER_THAN_CLUSTERS: m(
    "Cannot update Data Center compatibility version to a value that is greater than its cluster's version. The following clusters should be upgraded: ${ClustersList}.",
    "INCOMPATIBLE_VERSION",
  ),
  ACTION_TYPE_FAILED_CANNOT_DECREASE_DATA_CENTER_COMPATIBILITY_VERSION: m(
    "Cannot decrease data center compatibility version.",
    "CONSTRAINT_VIOLATION",
  ),
  ACTION_TYPE_FAILED_STORAGE_POOL_WITH_DEFAULT_CLUSTER_CANNOT_BE_LOCALFS: m(
    "Default Cluster cannot be moved to the Data Center that has local Storage.",
    "CONFLICT",
  ),
  // clusters
  CLUSTER_CANNOT_DO_ACTION_NAME_IN_USE: m(
    "Cannot ${action} Cluster. Cluster name is already in use.",
    "CONFLICT",
  ),
  VALIDATION_CLUSTER_NAME_INVALID: m(
    "Cluster names may only contain letters, numbers, '-', or '_'.",
    "BAD_PARAMETERS",
  ),
  VALIDATION_CLUSTER_NAME_MAX: m("Cluster name must not exceed 40 characters", "BAD_PARAMETERS"),
  CLUSTER_CANNOT_ADD_COMPATIBILITY_VERSION_WITH_LOWER_STORAGE_POOL: m(
    "Cannot add Cluster with Compatibility Version that is lower than the Data Center Compatibility Version.\n-Please upgrade your Cluster to a later Compatibility version first.",
    "INCOMPATIBLE_VERSION",
  ),
  CLUSTER_CANNOT_ADD_MORE_THEN_ONE_HOST_TO_LOCAL_STORAGE: m(
    'Cannot add more than one Cluster to a Data Center with "Local Storage".',
    "CONSTRAINT_VIOLATION",
  ),
  CLUSTER_AT_LEAST_ONE_SERVICE_MUST_BE_ENABLED: m(
    "At least one service [virt / gluster] must be enabled on the cluster.",
    "BAD_PARAMETERS",
  ),
  CLUSTER_ENABLING_BOTH_VIRT_AND_GLUSTER_SERVICES_NOT_ALLOWED: m(
    "Cannot ${action} ${type}. Enabling both Virt and Gluster services is not allowed.",
    "CONFLICT",
  ),
  CLUSTER_CANNOT_CHANGE_STORAGE_POOL: m(
    "Cannot change Data Center association when editing a Cluster.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_CANNOT_DECREASE_COMPATIBILITY_VERSION_UNDER_DC: m(
    "Cannot decrease cluster compatibility version beneath data center compatibility version.",
    "CONSTRAINT_VIOLATION",
  ),
  ACTION_TYPE_FAILED_CANNOT_DECREASE_CLUSTER_WITH_HOSTS_COMPATIBILITY_VERSION: m(
    "Cluster compatibility version can't be decreased if there are hosts in the Cluster.",
    "CONSTRAINT_VIOLATION",
  ),
  DEFAULT_CLUSTER_CANNOT_BE_ON_LOCALFS: m(
    "Data Center containing the default Cluster does not support local Storage.",
    "CONFLICT",
  ),
  VDS_CANNOT_REMOVE_DEFAULT_CLUSTER: m("Cannot remove default Host Cluster.", "CONFLICT"),
  VDS_CANNOT_REMOVE_CLUSTER_VDS_DETECTED: m(
    "Cannot ${action} ${type}. Cluster contains one or more Hosts",
    "CONFLICT",
  ),
  VM_CANNOT_REMOVE_CLUSTER_VMS_DETECTED: m(
    "Cannot ${action} ${type}. One or more VMs are still assigned to the Cluster",
    "CONFLICT",
  ),
  VMT_CANNOT_REMOVE_CLUSTER_VMTS_DETECTED: m(
    "Cannot ${action} ${type}. One or more Template(s) are still associated with the ${type}",
    "CONFLICT",
  ),
  CLUSTER_CANNOT_UPDATE_COMPATIBILITY_VERSION_WITH_LOWER_HOSTS: m(
    "Cannot change Cluster Compatibility Version to higher version when there are active Hosts with lower version.\n-Please move Host ${host} with lower version to maintenance first.",
    "INCOMPATIBLE_VERSION",
  ),
  // hosts (VDS)
  VDS_TRY_CREATE_WITH_EXISTING_PARAMS: m(
    "Cannot ${action} ${type}. Host with the same address already exists.",
    "CONFLICT",
  ),
  VDS_CANNOT_INSTALL_EMPTY_PASSWORD: m("Cannot ${action} ${type}. Root password is empty.", "BAD_PARAMETERS"),
  VDS_ALREADY_UP: m("Cannot ${action} ${type}. Host is already Up.", "CONFLICT"),
  VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL: m(
    "Cannot ${action} ${type}. Host is operational. Please switch Host to Maintenance mode first.",
    "CONFLICT",
  ),
  VDS_CANNOT_INSTALL_STATUS_ILLEGAL: m(
    "Cannot ${action} ${type}. Please move Host to Maintenance mode first.",
    "CONFLICT",
  ),
  VDS_STATUS_NOT_VALID_FOR_UPDATE: m(
    "Cannot ${action} ${type}. Host parameters cannot be modified while Host is operational.\nPlease switch Host to Maintenance mode first.",
    "CONFLICT",
  ),
  VDS_CANNOT_MAINTENANCE_IT_INCLUDES_NON_MIGRATABLE_VM: m(
    "Cannot switch the following Hosts to Maintenance mode: ${HostsList}.\nOne or more running VMs are indicated as non-migratable. The non-migratable VMs are: ${VmsList}.",
    "CONFLICT",
  ),
  CANNOT_MAINTENANCE_VDS_RUN_VMS_NO_OTHER_RUNNING_VDS: m(
    "The following Hosts have running VMs and cannot be switched to maintenance mode: ${HostsList}.\nPlease ensure that the following Clusters have at least one Host in UP state: ${ClustersList}.",
    "CONFLICT",
  ),
  VDS_CANNOT_MAINTENANCE_VDS_IS_IN_MAINTENANCE: m(
    "Cannot switch Host to Maintenance mode. Host is already in Maintenance mode.",
    "CONFLICT",
  ),
  CANNOT_UPGRADE_HOST_STATUS_ILLEGAL: m(
    "Cannot ${action} ${type}. Valid Host statuses for upgrade are Up, Maintenance, and Non-Operational.",
    "CONFLICT",
  ),
  CANNOT_CHECK_FOR_HOST_UPGRADE_STATUS_ILLEGAL: m(
    "Cannot ${action} ${type}. Valid Host statuses for upgrade check are Up or Non-Operational.",
    "CONFLICT",
  ),
  NO_AVAILABLE_UPDATES_FOR_HOST: m(
    "Cannot ${action} ${type}. There are no available updates for the host.",
    "CONFLICT",
  ),
  VDS_FENCE_DISABLED: m(
    "Cannot ${action} ${type}. Power Management is not enabled for the Host.",
    "CONFLICT",
  ),
  // storage domains
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST: m(
    "Cannot ${action} ${type}. The Storage Domain name is already in use.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_ALREADY_EXIST: m(
    "Cannot ${action} ${type}. The Storage Domain already exists.",
    "CONFLICT",
  ),
  // storage server connections (AddStorageServerConnection, Update…, Remove…)
  ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS: m(
    "Cannot ${action} ${type}. Storage connection already exists.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_UNSUPPORTED_ACTION_DOMAIN_MUST_BE_IN_MAINTENANCE_OR_UNATTACHED: m(
    "Cannot ${action} ${type}. The data domains ${domainNames} should be in maintenance or unattached.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_STORAGE_CONNECTION_UNSUPPORTED_ACTION_NOT_SAME_STORAGE_TYPE: m(
    "Cannot ${action} ${type}. Storage connection and domain type don't match.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_STORAGE_CONNECTION_BELONGS_TO_SEVERAL_STORAGE_DOMAINS: m(
    "Cannot ${action} ${type}. Storage connection parameters are used by the following storage domains : ${domainNames}.",
    "CONFLICT",
  ),
  ERROR_CANNOT_ADD_EXISTING_STORAGE_DOMAIN_CONNECTION_DATA_ILLEGAL: m(
    "Cannot import Storage Domain. Internal Error: The connection data is illegal.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL: m(
    "Cannot ${action} ${type}. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL2: m(
    "Cannot ${action} ${type}. The relevant Storage Domain's status is ${status}.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_STORAGE_DELETE_PROTECTED: m(
    "Cannot ${action} ${type}. The following VMs/Templates are delete protected: ${vms}.",
    "CONFLICT",
  ),
  ERROR_CANNOT_DETACH_LAST_STORAGE_DOMAIN: m(
    "Cannot detach the master Storage Domain from the Data Center while there are other storage domains attached to it.\n-Please try to activate another Storage Domain in the Data Center.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_DETECTED_ACTIVE_VMS: m(
    'Cannot deactivate Storage. VMs in a state other than "Down" were detected.\n-Please ensure all VMs associated with this Storage Domain are stopped and in the Down state first.',
    "CONFLICT",
  ),
  CANNOT_REMOVE_STORAGE_DOMAIN_HOST_NOT_UP: m(
    "Cannot remove Storage. Host ${hostName} is not up.",
    "CONFLICT",
  ),
  CANNOT_REMOVE_STORAGE_DOMAIN_INVALID_HOST_ID: m(
    "Can not Remove Storage Domain - the underlying Host ID is invalid.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL: m(
    "Cannot ${action} ${type}. Operation can be performed only when Host status is ${hostStatus}.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_OBJECT_LOCKED: m(
    "Cannot ${action} ${type}. Related operation is currently in progress. Please try again later.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_NO_VDS_IN_POOL: m(
    "Cannot ${action} ${type}. There is no active Host in the Data Center.",
    "CONFLICT",
  ),
  // gluster volumes
  ACTION_TYPE_FAILED_GLUSTER_VOLUME_NAME_ALREADY_EXISTS: m(
    "Cannot ${action} ${type}. Volume name ${volumeName} already exists.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_GLUSTER_VOLUME_ALREADY_STARTED: m(
    "Cannot ${action} ${type}. Gluster Volume ${volumeName} already started.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_GLUSTER_VOLUME_ALREADY_STOPPED: m(
    "Cannot ${action} ${type}. Gluster Volume ${volumeName} already stopped.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_GLUSTER_VOLUME_IS_UP: m(
    "Cannot ${action} ${type}. Gluster Volume ${volumeName} is up.",
    "CONFLICT",
  ),
  // gluster bricks (AddBricksToGlusterVolume, GlusterVolumeRemoveBricks, GlusterBrickValidator)
  ACTION_TYPE_FAILED_NO_UP_SERVER_FOUND: m(
    "Cannot ${action} ${type}. No up server found in ${clusterName}.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_BRICKS_REQUIRED: m("Cannot ${action} ${type}. Bricks are required.", "BAD_PARAMETERS"),
  ACTION_TYPE_FAILED_CAN_NOT_INCREASE_REPLICA_COUNT_MORE_THAN_ONE: m(
    "Cannot ${action} ${type}. Replica count cannot be increased by more than one.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_CAN_NOT_REDUCE_REPLICA_COUNT: m(
    "Cannot ${action} ${type}. Replica count cannot be reduced when adding bricks.",
    "CONFLICT",
  ),
  // EngineMessage has NOT_SUPPORTED for the two disperse messages; ErrorMessageHelper answers 400 for it.
  ACTION_TYPE_FAILED_ADD_BRICK_TO_DISPERSE_VOLUME_NOT_SUPPORTED: m(
    "Cannot ${action} ${type}. Addition of bricks to disperse volume is not supported.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_REMOVE_BRICK_FROM_DISPERSE_VOLUME_NOT_SUPPORTED: m(
    "Cannot ${action} ${type}. Removal of bricks from disperse volume is not supported.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_INVALID_BRICK_SERVER_ID: m(
    "Cannot ${action} ${type}. Invalid server id in brick.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_DUPLICATE_BRICKS: m(
    "Cannot ${action} ${type}. Duplicate entries found for brick ${brick}.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_BRICK_ALREADY_EXISTS_IN_VOLUME: m(
    "Cannot ${action} ${type}. Brick ${brick} is already used by the volume ${volumeName}.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_REPLICASET_SAME_SERVER: m(
    "Cannot ${action} ${type}. Replica set contains bricks from same server. This is not supported for hyper-converged cluster.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_CAN_NOT_REMOVE_ALL_BRICKS_FROM_VOLUME: m(
    "Cannot ${action} ${type}. Cannot remove all the bricks from a Volume.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_CAN_NOT_REDUCE_REPLICA_COUNT_MORE_THAN_ONE: m(
    "Cannot ${action} ${type}. Replica count cannot be reduced by more than one.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_CAN_NOT_INCREASE_REPLICA_COUNT: m(
    "Cannot ${action} ${type}. Replica count cannot be increased when removing bricks.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_GLUSTER_BRICK_INVALID: m(
    "Cannot ${action} ${type}. Invalid gluster brick.",
    "BAD_PARAMETERS",
  ),
  // VMs, their NICs and disks, templates
  ACTION_TYPE_FAILED_NAME_ALREADY_USED: m(
    "Cannot ${action} ${type}. The ${type} name is already in use, please choose a unique name and try again.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_VM_IS_RUNNING: m("Cannot ${action} ${type}. VM is running.", "CONFLICT"),
  ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING: m("Cannot ${action} ${type}. VM is not running.", "CONFLICT"),
  VM_CANNOT_REMOVE_VM_WHEN_STATUS_IS_NOT_DOWN: m(
    "Cannot ${action} VM that its state is not down.\n-Please stop the VM first.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_VM_IS_LOCKED: m(
    "Cannot ${action} ${type}: VM is locked. Please try again in a few minutes.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_DISK_IS_LOCKED: m(
    "Cannot ${action} ${type}: Disk is locked. Please try again later.",
    "CONFLICT",
  ),
  // Lab text (the engine refuses these through its ImageTransfer phase checks): an action the
  // transfer's current phase does not allow.
  ACTION_TYPE_FAILED_IMAGE_TRANSFER_PHASE: m(
    "Cannot ${action} ${type}. The image transfer is in phase ${phase}.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_DISKS_LOCKED: m(
    "Cannot ${action} ${type}: The following disks are locked: ${diskAliases}. Please try again in a few minutes.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL: m(
    "Cannot ${action} ${type} because the VM is in ${vmStatus} status.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_VDS_VM_CLUSTER: m(
    "Cannot ${action} ${type}. There are no available running Hosts in the Host Cluster.",
    "CONFLICT",
  ),
  // VM migration (MigrateVm, MigrateVmToServer, CancelMigrateVm; VmValidator.canMigrate).
  VDS_INVALID_SERVER_ID: m("Cannot ${action} ${type}. Invalid Host Id.", "BAD_PARAMETERS"),
  ACTION_TYPE_FAILED_VM_IS_PINNED_TO_HOST: m("Cannot ${action} ${type}. VM is pinned to Host.", "CONFLICT"),
  ACTION_TYPE_FAILED_VM_IS_NON_MIGRTABLE_AND_IS_NOT_FORCED_BY_USER_TO_MIGRATE: m(
    "Cannot ${action} ${type}. VM is non migratable and user did not specify the force-migration flag",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_MIGRATION_IN_PROGRESS: m(
    "Cannot ${action} ${type}. VM migration is in progress",
    "CONFLICT",
  ),
  // The scheduler's message has no ErrorType in EngineMessage: the REST layer's default, 400.
  SCHEDULING_NO_HOSTS: m(
    "There are no hosts to use. Check that the cluster contains at least one host in Up state.",
    "BAD_PARAMETERS",
  ),
  VM_CANNOT_CANCEL_MIGRATION_WHEN_VM_IS_NOT_MIGRATING: m(
    "Cannot cancel migration for non migrating VM.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_TEMPLATE_IS_LOCKED: m(
    "Cannot ${action} ${type}. Template is locked. Please try again in a few minutes.",
    "CONFLICT",
  ),
  NETWORK_MAC_ADDRESS_IN_USE: m("MAC Address is already in use.", "CONFLICT"),
  NETWORK_INVALID_MAC_ADDRESS: m(
    "The specified MAC Address cannot be set.\n-Please check MAC Address validity.",
    "BAD_PARAMETERS",
  ),
  NETWORK_INTERFACE_NAME_ALREADY_IN_USE: m("Network interface name is already in use", "CONFLICT"),
  ACTION_TYPE_FAILED_VNIC_PROFILE_NOT_EXISTS: m(
    "Cannot ${action} ${type}. VM network interface profile doesn't exist.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST: m(
    "Cannot ${action} ${type}. Storage Domain doesn't exist.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL: m(
    "Cannot ${action} ${type}. New disk size must be larger than the current disk size.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_DISK_IS_ALREADY_ATTACHED: m(
    "Cannot ${action} ${type}. The disk is already attached to VM ${VmName}.",
    "CONFLICT",
  ),
  VMT_CANNOT_CREATE_TEMPLATE_FROM_DOWN_VM: m(
    "Cannot ${action} ${type}. VM still running, stop the VM and try again.",
    "CONFLICT",
  ),
  VMT_CANNOT_REMOVE_BLANK_TEMPLATE: m(
    "Cannot ${action} ${type}. Removing Blank Template is not allowed.",
    "CONFLICT",
  ),
  VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM: m(
    "Cannot delete Template. Template is being used by the following VMs: ${vmsList}.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_TEMPLATE_DOES_NOT_EXIST: m(
    "Cannot ${action} ${type}. The relevant Template doesn't exist.",
    "BAD_PARAMETERS",
  ),
  VM_CANNOT_IMPORT_VM_NAME_EXISTS: m(
    "Import VM failed - VM Name already exists in the Data Center. Please rename the VM in the Data Center first",
    "CONFLICT",
  ),
  VM_CANNOT_IMPORT_VM_EXISTS: m(
    "Import VM failed - VM ID already exists in the system. Please remove the VM (${VmName}) from the system first",
    "CONFLICT",
  ),
  VMT_CANNOT_IMPORT_TEMPLATE_EXISTS: m(
    "Cannot ${action} ${type}. Template or VM with the same ID already exists in the system. Please remove the Template or VM (${TemplateOrVmName}) from the system first",
    "CONFLICT",
  ),
  VM_CANNOT_IMPORT_TEMPLATE_NAME_EXISTS: m(
    "Import Template failed - Template Name already exists in the system. Please rename the Template in the system first",
    "CONFLICT",
  ),
  // logical networks and vNIC profiles (NOT_SUPPORTED in EngineMessage answers 400, like BAD_PARAMETERS)
  ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE: m(
    "Cannot ${action} ${type}. The name of the logical network '${NetworkName}' is already used by an existing logical network in the same data-center.\n-Please choose a different name.",
    "CONFLICT",
  ),
  NETWORK_CANNOT_CONTAIN_BOND_NAME: m("Bad network name, network cannot start with 'bond'", "BAD_PARAMETERS"),
  NETWORK_VLAN_OUT_OF_RANGE: m("VLAN ID must be a number between 0 and 4094.", "BAD_PARAMETERS"),
  ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST: m("Data Center doesn't exist.", "BAD_PARAMETERS"),
  NON_VM_NETWORK_CANNOT_SUPPORT_STP: m(
    "Cannot ${action} ${type}. STP can only be enabled on VM Networks.",
    "CONFLICT",
  ),
  NETWORK_CANNOT_REMOVE_MANAGEMENT_NETWORK: m(
    "The Management Network ('${NetworkName}') is mandatory and cannot be removed.",
    "CONSTRAINT_VIOLATION",
  ),
  ACTION_TYPE_FAILED_DATA_CENTER_ID_CANNOT_BE_CHANGED: m(
    "Cannot ${action} ${type}. Change of Data Center ID is not allowed.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE: m(
    "Cannot ${action} ${type}. This logical network is used by ${entities}: ${ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE_ENTITY}\n - Please remove it from this ${entities} and try again.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES: m(
    "Cannot ${action} ${type}. This logical network is used by ${entities}: (${ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES_LIST_COUNTER}): ${ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES_LIST}\n - Please detach ${entities} using this logical network and try again.",
    "CONFLICT",
  ),
  NETWORK_ALREADY_ATTACHED_TO_CLUSTER: m("Logical Network is already attached to Cluster.", "CONFLICT"),
  ACTION_TYPE_FAILED_NETWORK_FROM_DIFFERENT_DC: m(
    "Cannot ${action} ${type}. Network belongs to a different data-center.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_MANAGEMENT_NETWORK_REQUIRED: m(
    "Cannot ${action} ${type}. The management network '${NetworkName}' must be required, please change the network to be required and try again.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_VNIC_PROFILE_NAME_IN_USE: m(
    "Cannot ${action} ${type}. The VM network interface profile's name is already used by an existing profile for the same network.\n-Please choose a different name.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_CANNOT_CHANGE_VNIC_PROFILE_NETWORK: m(
    "Cannot ${action} ${type}. VM network interface profile's network cannot be changed.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_CANNOT_ADD_VNIC_PROFILE_TO_NON_VM_NETWORK: m(
    "Cannot ${action} ${type}. VM network interface profiles cannot be added to a non-VM network. Please make sure the network is a VM network.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_PASSTHROUGH_PROFILE_CONTAINS_NOT_SUPPORTED_PROPERTIES: m(
    "Cannot ${action} ${type}. 'Port Mirroring,'Qos' and 'Network Filter' are not supported on passthrough profiles.",
    "BAD_PARAMETERS",
  ),
  ACTION_TYPE_FAILED_VNIC_PROFILE_IN_ONE_USE: m(
    "Cannot ${action} ${type}. This VM network interface profile is used by ${entities}:  ${ENTITIES_USING_VNIC_PROFILE}.\n - Please remove it from this ${entities} and try again.",
    "CONFLICT",
  ),
  ACTION_TYPE_FAILED_VNIC_PROFILE_IN_MANY_USES: m(
    "Cannot ${action} ${type}. This VM network interface profile is used by ${entities} (${ENTITIES_USING_VNIC_PROFILE_COUNTER}): ${ENTITIES_USING_VNIC_PROFILE}\n - Please detach ${entities} using this profile and try again.",
    "CONFLICT",
  ),
} as const;

export type MessageKey = keyof typeof MSG;

/** VAR__ACTION__* values: what `${action}` reads as. */
export type Action =
  | "add"
  | "create"
  | "edit"
  | "remove"
  | "attach"
  | "detach"
  | "migrate"
  | "cancel migration"
  | "activate"
  | "deactivate"
  | "start"
  | "stop"
  | "run"
  | "shutdown"
  | "reboot"
  | "import"
  | "maintenance"
  | "install"
  | "upgrade"
  | "check for upgrade"
  | "restart"
  | "fence"
  | "transfer"
  | "set"
  | "freeze"
  | "thaw";
/** VAR__TYPE__* values: what `${type}` reads as. */
export type TypeName =
  | "Cluster"
  | "Data Center"
  | "Host"
  | "Storage"
  | "VM"
  | "Template"
  | "Network"
  | "Gluster Volume"
  | "Virtual Disk"
  | "Interface"
  | "VM network interface profile"
  | "Storage Connection"
  | "Virtual Machine Ticket"
  | "Brick(s)";

export interface Failure {
  key: MessageKey;
  vars?: Record<string, string>;
}

function render(
  msg: EngineMessage,
  action: Action,
  type: TypeName,
  vars: Record<string, string> = {},
): string {
  const all: Record<string, string> = { action, type, ...vars };
  return msg.text.replace(/\$\{(\w+)\}/g, (whole, name: string) => all[name] ?? whole);
}

/** ErrorMessageHelper.getErrorStatus over all messages: any 400 wins, then 409, then 500. */
function statusOf(types: ErrorType[]): number {
  const statuses = types.map((t) => (t === "CONFLICT" ? 409 : t === "INTERNAL_ERROR" ? 500 : 400));
  if (statuses.includes(400)) return 400;
  if (statuses.includes(409)) return 409;
  if (statuses.includes(500)) return 500;
  return 400;
}

/** The fault of a command whose validation failed with `failures` (in the engine's order). */
export function commandFailed(action: Action, type: TypeName, failures: Failure[]): ApiFault {
  const texts = failures.map((f) => render(MSG[f.key], action, type, f.vars));
  return new ApiFault(
    statusOf(failures.map((f) => MSG[f.key].type)),
    "Operation Failed",
    `[${texts.join(", ")}]`,
  );
}

/** Shorthand for the common single-message failure. */
export function fail(
  action: Action,
  type: TypeName,
  key: MessageKey,
  vars?: Record<string, string>,
): ApiFault {
  return commandFailed(action, type, [{ key, vars }]);
}
