// /storageconnections[/{id}] and /storagedomains/{id}/storageconnections (read-only here: the
// connections come and go with their storage domains).
import type { EngineContext } from "../../context";
import type { ApiRequest, Area } from "../context";
import { collectionAnswer, entityAnswer, findByPathId } from "../respond";
import type { StorageDomain } from "../storagedomains/model";
import { STORAGE_CONNECTION, type StorageConnection } from "./model";

function present(c: StorageConnection): Record<string, unknown> {
  const { host: _host, ...rest } = c;
  return rest;
}

function list(engine: EngineContext, req: ApiRequest) {
  const all = engine.store.list<StorageConnection>("storage_connection");
  all.sort((a, b) => `${a.address}:${a.path}`.localeCompare(`${b.address}:${b.path}`));
  return collectionAnswer(STORAGE_CONNECTION, all.map(present), req.ctx);
}

function get(engine: EngineContext, req: ApiRequest) {
  const c = findByPathId<StorageConnection>(engine.store, "storage_connection", req.params.id);
  return entityAnswer(STORAGE_CONNECTION, present(c), req.ctx);
}

function ofDomain(engine: EngineContext, req: ApiRequest) {
  const sd = findByPathId<StorageDomain>(engine.store, "storage_domain", req.params.sdId);
  const c = engine.store.get<StorageConnection>("storage_connection", sd.storage_connection.id);
  return collectionAnswer(
    STORAGE_CONNECTION,
    c ? [present(c)] : [],
    req.ctx,
    `storagedomains/${sd.id}/storageconnections`,
  );
}

export const storageConnectionRoutes: Area = (engine) => [
  { method: "GET", path: "/storageconnections", handle: (req) => list(engine, req) },
  { method: "GET", path: "/storageconnections/:id", handle: (req) => get(engine, req) },
  {
    method: "GET",
    path: "/storagedomains/:sdId/storageconnections",
    handle: (req) => ofDomain(engine, req),
  },
];
