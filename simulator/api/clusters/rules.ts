// The validations of AddCluster, UpdateCluster and RemoveCluster, in the engine's order, with its
// messages. Hosts, VMs and templates are looked up by kind, so the rules hold as those areas arrive.
import type { EngineContext } from "../../context";
import { SETUP_IDS } from "../../setup";
import { compareLevels, isSupportedLevel, levelString } from "../common/levels";
import { nameTaken } from "../common/lookup";
import { commandFailed, fail, type Action, type Failure } from "../common/messages";
import type { DataCenter } from "../datacenters/model";
import { clustersOf, type Cluster } from "./model";

/** @ValidI18NName: letters of any script, digits, '-' and '_'. */
const NAME_RE = /^[\p{L}\p{N}_-]+$/u;
const NAME_MAX = 40;

type Member = { id: string; cluster?: { id: string } };

function membersOf(engine: EngineContext, kind: "host" | "vm" | "template", clusterId: string): Member[] {
  return engine.store.list<Member>(kind, (e) => e.cluster?.id === clusterId);
}

function validateName(name: string, action: Action): void {
  if (name.length > NAME_MAX) throw fail(action, "Cluster", "VALIDATION_CLUSTER_NAME_MAX");
  if (!NAME_RE.test(name)) throw fail(action, "Cluster", "VALIDATION_CLUSTER_NAME_INVALID");
}

function validateServices(c: Cluster, action: Action): void {
  if (!c.virt_service && !c.gluster_service)
    throw fail(action, "Cluster", "CLUSTER_AT_LEAST_ONE_SERVICE_MUST_BE_ENABLED");
}

export function validateAdd(engine: EngineContext, c: Cluster, dc: DataCenter): void {
  validateName(c.name, "create");
  if (nameTaken(engine.store, "cluster", c.name, { caseSensitive: false })) {
    throw fail("create", "Cluster", "CLUSTER_CANNOT_DO_ACTION_NAME_IN_USE");
  }
  if (!isSupportedLevel(engine.personality, c.version)) {
    throw fail("create", "Cluster", "ACTION_TYPE_FAILED_GIVEN_VERSION_NOT_SUPPORTED");
  }
  if (c.virt_service && compareLevels(dc.version, c.version) > 0) {
    throw fail("create", "Cluster", "CLUSTER_CANNOT_ADD_COMPATIBILITY_VERSION_WITH_LOWER_STORAGE_POOL");
  }
  if (dc.local && clustersOf(engine.store, dc.id).length > 0) {
    throw fail("create", "Cluster", "CLUSTER_CANNOT_ADD_MORE_THEN_ONE_HOST_TO_LOCAL_STORAGE");
  }
  validateServices(c, "create");
}

export function validateUpdate(
  engine: EngineContext,
  old: Cluster,
  c: Cluster,
  dc: DataCenter | undefined,
): void {
  validateName(c.name, "edit");
  if (
    old.name !== c.name &&
    nameTaken(engine.store, "cluster", c.name, { caseSensitive: false, exceptId: c.id })
  ) {
    throw fail("edit", "Cluster", "CLUSTER_CANNOT_DO_ACTION_NAME_IN_USE");
  }
  if (!isSupportedLevel(engine.personality, c.version)) {
    throw fail("edit", "Cluster", "ACTION_TYPE_FAILED_GIVEN_VERSION_NOT_SUPPORTED");
  }
  if (compareLevels(c.version, old.version) > 0) {
    // Every active host's vdsm must support the new level (UpdateClusterCommand).
    const level = levelString(c.version);
    const lower = engine.store.list<Member & { name: string; status?: string; supported_levels?: string[] }>(
      "host",
      (h) => h.cluster?.id === c.id && h.status === "up" && !(h.supported_levels ?? [level]).includes(level),
    );
    if (lower.length > 0) {
      throw fail("edit", "Cluster", "CLUSTER_CANNOT_UPDATE_COMPATIBILITY_VERSION_WITH_LOWER_HOSTS", {
        host: lower.map((h) => h.name).join(", "),
      });
    }
  }
  const lowering = compareLevels(c.version, old.version) < 0;
  if (lowering && membersOf(engine, "host", c.id).length > 0) {
    throw fail(
      "edit",
      "Cluster",
      "ACTION_TYPE_FAILED_CANNOT_DECREASE_CLUSTER_WITH_HOSTS_COMPATIBILITY_VERSION",
    );
  }
  if (lowering && dc && compareLevels(dc.version, c.version) > 0) {
    throw fail("edit", "Cluster", "ACTION_TYPE_FAILED_CANNOT_DECREASE_COMPATIBILITY_VERSION_UNDER_DC");
  }
  if (old.data_center && old.data_center.id !== c.data_center?.id) {
    throw fail("edit", "Cluster", "CLUSTER_CANNOT_CHANGE_STORAGE_POOL");
  }
  if (!old.data_center && dc) {
    // Attaching a detached cluster to a data center.
    if (dc.local && clustersOf(engine.store, dc.id).length > 0) {
      throw fail("edit", "Cluster", "CLUSTER_CANNOT_ADD_MORE_THEN_ONE_HOST_TO_LOCAL_STORAGE");
    }
    if (dc.local && c.id === SETUP_IDS.defaultCluster) {
      throw fail("edit", "Cluster", "DEFAULT_CLUSTER_CANNOT_BE_ON_LOCALFS");
    }
  }
  validateServices(c, "edit");
}

/** RemoveClusterCommand collects every failure before answering, so several can come back at once. */
export function validateRemove(engine: EngineContext, c: Cluster): void {
  const failures: Failure[] = [];
  if (c.id === SETUP_IDS.defaultCluster) failures.push({ key: "VDS_CANNOT_REMOVE_DEFAULT_CLUSTER" });
  if (membersOf(engine, "host", c.id).length > 0)
    failures.push({ key: "VDS_CANNOT_REMOVE_CLUSTER_VDS_DETECTED" });
  if (membersOf(engine, "vm", c.id).length > 0)
    failures.push({ key: "VM_CANNOT_REMOVE_CLUSTER_VMS_DETECTED" });
  if (membersOf(engine, "template", c.id).length > 0)
    failures.push({ key: "VMT_CANNOT_REMOVE_CLUSTER_VMTS_DETECTED" });
  if (failures.length > 0) throw commandFailed("remove", "Cluster", failures);
}
