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
} as const;

export type MessageKey = keyof typeof MSG;

/** VAR__ACTION__* values: what `${action}` reads as. */
export type Action = "add" | "create" | "edit" | "remove";
/** VAR__TYPE__* values: what `${type}` reads as. */
export type TypeName = "Cluster" | "Data Center" | "Host" | "Storage" | "VM" | "Template" | "Network";

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
