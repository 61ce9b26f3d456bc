// The validations of AddEmptyStoragePool, UpdateStoragePool and RemoveStoragePool, in the engine's
// order, with its messages. Each throws the fault the REST layer would answer with.
import type { EngineContext } from "../../context";
import { clustersOf } from "../clusters/model";
import { compareLevels, isSupportedLevel } from "../common/levels";
import { nameTaken } from "../common/lookup";
import { fail, type Action } from "../common/messages";
import { MANAGEMENT_NETWORK_NAME, type Network } from "../networks/model";
import { SETUP_IDS } from "../../setup";
import { validateRemoveStorage } from "../storagedomains/pool";
import type { DataCenter } from "./model";

const NAME_RE = /^[0-9a-zA-Z_-]+$/;
const NAME_MAX = 40;

/** Entity-level constraints (@ValidName, name length) checked before the command's validate(). */
function validateName(name: string, action: Action): void {
  if (!NAME_RE.test(name)) throw fail(action, "Data Center", "VALIDATION_DATA_CENTER_NAME_INVALID");
  if (name.length > NAME_MAX) throw fail(action, "Data Center", "ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG");
}

export function validateAdd(engine: EngineContext, dc: DataCenter): void {
  validateName(dc.name, "create");
  if (nameTaken(engine.store, "data_center", dc.name, { caseSensitive: true })) {
    throw fail("create", "Data Center", "ACTION_TYPE_FAILED_STORAGE_POOL_NAME_ALREADY_EXIST");
  }
  if (!isSupportedLevel(engine.personality, dc.version)) {
    throw fail("create", "Data Center", "ACTION_TYPE_FAILED_GIVEN_VERSION_NOT_SUPPORTED");
  }
}

export function validateUpdate(engine: EngineContext, old: DataCenter, dc: DataCenter): void {
  validateName(dc.name, "edit");
  if (
    old.name !== dc.name &&
    nameTaken(engine.store, "data_center", dc.name, { caseSensitive: true, exceptId: dc.id })
  ) {
    throw fail("edit", "Data Center", "ACTION_TYPE_FAILED_STORAGE_POOL_NAME_ALREADY_EXIST");
  }
  const clusters = clustersOf(engine.store, dc.id);
  if (!old.local && dc.local && clusters.length > 1) {
    throw fail("edit", "Data Center", "CLUSTER_CANNOT_ADD_MORE_THEN_ONE_HOST_TO_LOCAL_STORAGE");
  }
  const change = compareLevels(dc.version, old.version);
  if (change !== 0) {
    if (!isSupportedLevel(engine.personality, dc.version)) {
      throw fail("edit", "Data Center", "ACTION_TYPE_FAILED_GIVEN_VERSION_NOT_SUPPORTED");
    }
    if (change < 0) {
      // Lowering is allowed only while the data center has no network besides the management one.
      const networks = engine.store.list<Network>("network", (n) => n.data_center?.id === dc.id);
      if (networks.some((n) => n.name !== MANAGEMENT_NETWORK_NAME)) {
        throw fail(
          "edit",
          "Data Center",
          "ACTION_TYPE_FAILED_CANNOT_DECREASE_DATA_CENTER_COMPATIBILITY_VERSION",
        );
      }
    } else {
      const lower = clusters.filter((c) => compareLevels(dc.version, c.version) > 0).map((c) => c.name);
      if (lower.length > 0) {
        throw fail(
          "edit",
          "Data Center",
          "ERROR_CANNOT_UPDATE_STORAGE_POOL_COMPATIBILITY_VERSION_BIGGER_THAN_CLUSTERS",
          {
            ClustersList: lower.join(","),
          },
        );
      }
    }
  }
  if (dc.local && clusters.some((c) => c.id === SETUP_IDS.defaultCluster)) {
    throw fail(
      "edit",
      "Data Center",
      "ACTION_TYPE_FAILED_STORAGE_POOL_WITH_DEFAULT_CLUSTER_CANNOT_BE_LOCALFS",
    );
  }
}

/**
 * RemoveStoragePool: an `up` data center cannot go; with force, every host of the data center must be
 * in maintenance; without force, its storage domains must allow it (storagedomains/pool.ts).
 */
export function validateRemove(engine: EngineContext, dc: DataCenter, force: boolean): void {
  if (dc.status === "up") throw fail("remove", "Data Center", "ERROR_CANNOT_REMOVE_ACTIVE_STORAGE_POOL");
  if (!force) validateRemoveStorage(engine, dc.id);
  if (force) {
    const clusterIds = new Set(clustersOf(engine.store, dc.id).map((c) => c.id));
    const hosts = engine.store.list<{ id: string; status?: string; cluster?: { id: string } }>(
      "host",
      (h) => !!h.cluster && clusterIds.has(h.cluster.id),
    );
    if (hosts.some((h) => h.status !== "maintenance")) {
      throw fail(
        "remove",
        "Data Center",
        "ERROR_CANNOT_FORCE_REMOVE_STORAGE_POOL_WITH_VDS_NOT_IN_MAINTENANCE",
      );
    }
  }
}
