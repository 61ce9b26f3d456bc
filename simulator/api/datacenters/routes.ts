// /datacenters and /datacenters/{id}: list (search, max), get, add, update, remove.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { mandatory } from "../../http/faults";
import { maxLevel } from "../../personality";
import { SETUP_IDS } from "../../setup";
import type { Value } from "../../repr/tree";
import type { ApiRequest, Area } from "../context";
import { applyInput, readEntity } from "../common/input";
import { completeLevel, parseLevel } from "../common/levels";
import { booleanParam, listWithSearch } from "../common/search";
import { addManagementNetwork, removeNetworksOf } from "../networks/model";
import { collectionAnswer, createdAnswer, entityAnswer, findByPathId, performedAnswer } from "../respond";
import { DATA_CENTER, DATA_CENTER_SEARCH, presentDataCenter, type DataCenter } from "./model";
import { validateAdd, validateRemove, validateUpdate } from "./rules";
import { clustersOf } from "../clusters/model";
import { detachAllFrom } from "../storagedomains/lifecycle";

export function getDataCenter(engine: EngineContext, rawId: string): DataCenter {
  return findByPathId<DataCenter>(engine.store, "data_center", rawId);
}

function present(engine: EngineContext, dc: DataCenter): Value {
  const levels = clustersOf(engine.store, dc.id).map((c) => c.version);
  return presentDataCenter(dc, engine.personality.clusterLevels, levels);
}

function list(engine: EngineContext, req: ApiRequest) {
  const all = engine.store.list<DataCenter>("data_center");
  const found = listWithSearch(all, req.ctx.query, DATA_CENTER_SEARCH, (d) => d.name);
  return collectionAnswer(
    DATA_CENTER,
    found.map((d) => present(engine, d)),
    req.ctx,
  );
}

/** The input members a client may set; a version counts only when complete, a MAC pool only by id. */
function fromInput(input: Value): Partial<DataCenter> {
  const {
    version,
    mac_pool,
    id: _id,
    ...rest
  } = input as Partial<DataCenter> & {
    version?: { major?: number; minor?: number };
    mac_pool?: { id?: string };
  };
  const level = completeLevel(version);
  return {
    ...rest,
    ...(level ? { version: level } : {}),
    ...(mac_pool?.id ? { mac_pool: { id: mac_pool.id.toLowerCase() } } : {}),
  };
}

function add(engine: EngineContext, req: ApiRequest) {
  const input = readEntity(req, DATA_CENTER, "data_centers/methods/add");
  // The generated validation checks `local` before `name` (DataCentersService.Add).
  if (!input) throw mandatory("data_center");
  if (input.local === undefined) throw mandatory("data_center.local");
  if (input.name === undefined) throw mandatory("data_center.name");
  const dc: DataCenter = {
    id: crypto.randomUUID(),
    name: "",
    local: false,
    quota_mode: "disabled",
    status: "uninitialized",
    version: parseLevel(maxLevel(engine.personality)),
    mac_pool: { id: SETUP_IDS.defaultMacPool },
    ...fromInput(input),
  };
  validateAdd(engine, dc);
  engine.store.transaction(() => {
    engine.store.insert("data_center", dc);
    addManagementNetwork(engine.store, dc.id);
  });
  return createdAnswer(DATA_CENTER, present(engine, dc), req.ctx);
}

function update(engine: EngineContext, req: ApiRequest) {
  const old = getDataCenter(engine, req.params.id);
  const input = readEntity(req, DATA_CENTER, "data_center/methods/update") ?? {};
  const dc = applyInput(old, fromInput(input), new Set(["mac_pool", "version"]));
  validateUpdate(engine, old, dc);
  engine.store.update("data_center", dc);
  return entityAnswer(DATA_CENTER, present(engine, dc), req.ctx);
}

function remove(engine: EngineContext, req: ApiRequest) {
  const dc = getDataCenter(engine, req.params.id);
  validateRemove(engine, dc, booleanParam(req.ctx.query.force));
  engine.store.transaction(() => {
    removeNetworksOf(engine.store, dc.id);
    // Clusters outlive their data center, detached (cluster.storage_pool_id is ON DELETE SET NULL).
    for (const c of clustersOf(engine.store, dc.id)) {
      const { data_center: _dc, management_network: _mn, ...detached } = c;
      engine.store.update("cluster", detached);
    }
    detachAllFrom(engine, dc.id);
    engine.store.remove("data_center", dc.id);
  });
  return performedAnswer(req.ctx);
}

function get(engine: EngineContext, req: ApiRequest) {
  return entityAnswer(DATA_CENTER, present(engine, getDataCenter(engine, req.params.id)), req.ctx);
}

export const dataCenterRoutes: Area = (engine) => [
  { method: "GET", path: "/datacenters", handle: (req) => list(engine, req) },
  { method: "POST", path: "/datacenters", handle: (req) => add(engine, req) },
  { method: "GET", path: "/datacenters/:id", handle: (req) => get(engine, req) },
  { method: "PUT", path: "/datacenters/:id", handle: (req) => update(engine, req) },
  { method: "DELETE", path: "/datacenters/:id", handle: (req) => remove(engine, req) },
];
