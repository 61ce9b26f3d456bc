// What engine-setup leaves in a fresh database (packaging/dbscripts/data/*.sql): the Default data
// center and cluster with their fixed ids, the default MAC pool, the ovirtmgmt network, the Blank
// template and admin@internal. Runs once per state directory.
import crypto from "node:crypto";
import { newCluster } from "./api/clusters/defaults";
import { parseLevel } from "./api/common/levels";
import type { DataCenter } from "./api/datacenters/model";
import { addManagementNetwork, attachManagementNetwork } from "./api/networks/model";
import { DEFAULT_MANAGEMENT_PROFILE_ID } from "./api/vnicprofiles/model";
import { maxLevel, type EngineVersion, type Personality } from "./personality";
import { getMeta, setMeta, type Db } from "./store/database";
import type { EntityStore } from "./store/entities";

export const NIL_UUID = "00000000-0000-0000-0000-000000000000";

export const SETUP_IDS = {
  defaultDataCenter: "58cfb470-02f3-03d7-0386-0000000003bc",
  defaultCluster: "58cfb470-03b9-01d0-03b9-0000000001e7",
  defaultMacPool: "58ca604b-017d-0374-0220-00000000014e",
  defaultManagementNetwork: "00000000-0000-0000-0000-000000000009",
  blankTemplate: NIL_UUID,
  rootTag: NIL_UUID,
} as const;

export interface SetupFacts {
  instanceId: string;
  adminUserId: string;
}

/**
 * Seeds a new state directory for `p`, or checks an existing one belongs to the same engine version
 * (a 4.3 database is not silently served by a 4.4 engine; moving between them is an explicit step).
 */
export function ensureSetup(db: Db, store: EntityStore, p: Personality): SetupFacts {
  const existing = getMeta(db, "engine_version");
  if (existing && existing !== p.version) {
    throw new Error(
      `the state directory belongs to a ${existing} engine; start it with --engine-version ${existing as EngineVersion} or use another --state`,
    );
  }
  if (!existing) {
    store.transaction(() => {
      const adminUserId = crypto.randomUUID();
      seed(store, p, adminUserId);
      setMeta(db, "instance_id", crypto.randomUUID());
      setMeta(db, "admin_user_id", adminUserId);
      setMeta(db, "engine_version", p.version);
    });
  }
  return { instanceId: getMeta(db, "instance_id")!, adminUserId: getMeta(db, "admin_user_id")! };
}

function seed(store: EntityStore, p: Personality, adminUserId: string): void {
  const level = parseLevel(maxLevel(p));
  const dc: DataCenter = {
    id: SETUP_IDS.defaultDataCenter,
    name: "Default",
    description: "The default Data Center",
    local: false,
    quota_mode: "disabled",
    status: "uninitialized",
    version: level,
    mac_pool: { id: SETUP_IDS.defaultMacPool },
  };
  store.insert("data_center", dc);
  addManagementNetwork(store, dc.id, {
    network: SETUP_IDS.defaultManagementNetwork,
    profile: DEFAULT_MANAGEMENT_PROFILE_ID,
  });
  const cluster = newCluster(p, {
    id: SETUP_IDS.defaultCluster,
    name: "Default",
    description: "The default server cluster",
    version: level,
    macPoolId: SETUP_IDS.defaultMacPool,
    dataCenterId: dc.id,
    managementNetworkId: SETUP_IDS.defaultManagementNetwork,
  });
  // The seeded Default cluster has no scheduling properties of its own (NULL in the data script).
  delete cluster.custom_scheduling_policy_properties;
  store.insert("cluster", cluster);
  attachManagementNetwork(store, cluster.id, SETUP_IDS.defaultManagementNetwork);
  store.insert("template", { id: SETUP_IDS.blankTemplate, name: "Blank", description: "Blank template" });
  store.insert("user", { id: adminUserId, user_name: "admin@internal", domain: "internal-authz" });
}
