// /storageconnections[/{id}] (list, get, add, update, remove) and /storagedomains/{id}/storageconnections.
// A file domain's connection is made by the storage-domain add and removed with the domain; one made
// here stands alone until a domain uses it. The engine's rules: no two connections to the same
// `server:/path`; a connection a domain uses is edited only while its domains are in maintenance or
// unattached (and keeps its type), and is not removed while any domain uses it.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { ApiFault, mandatory } from "../../http/faults";
import type { Value } from "../../repr/tree";
import type { ApiRequest, Area } from "../context";
import { readEntity } from "../common/input";
import { fail, type Action } from "../common/messages";
import { collectionAnswer, entityAnswer, findByPathId, performedAnswer } from "../respond";
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

const TYPES = ["nfs", "glusterfs", "posixfs"] as const;

function incomplete(fields: string[], method: "add" | "update"): ApiFault {
  return new ApiFault(
    400,
    "Incomplete parameters",
    `StorageConnection [${fields.join(", ")}] required for ${method}`,
  );
}

/** Which fields a connection of `type` must carry (the REST layer's validateParameters). */
function checkComplete(c: Partial<StorageConnection>, method: "add" | "update"): void {
  if (!c.type) throw incomplete(["type"], method);
  if (!(TYPES as readonly string[]).includes(c.type)) {
    throw new ApiFault(
      400,
      "Operation Failed",
      `[Cannot ${method === "add" ? "add" : "edit"} Storage Connection. Storage type ${c.type} is not available in the embedded engine (nfs, glusterfs, posixfs are).]`,
    );
  }
  const missing = [
    ...(c.type === "nfs" && !c.address ? ["address"] : []),
    ...(!c.path ? ["path"] : []),
    ...(c.type !== "nfs" && !c.vfs_type ? ["vfs_type"] : []),
  ];
  if (missing.length) throw incomplete(missing, method);
}

function sameTarget(a: StorageConnection, b: Partial<StorageConnection>): boolean {
  return a.type === b.type && (a.address ?? "") === (b.address ?? "") && a.path === b.path;
}

function domainsUsing(engine: EngineContext, c: StorageConnection): StorageDomain[] {
  return engine.store.list<StorageDomain>("storage_domain", (sd) => sd.storage_connection?.id === c.id);
}

function checkUnique(
  engine: EngineContext,
  c: Partial<StorageConnection>,
  action: Action,
  self?: string,
): void {
  const other = engine.store.list<StorageConnection>(
    "storage_connection",
    (o) => o.id !== self && sameTarget(o, c),
  );
  if (other.length > 0)
    throw fail(action, "Storage Connection", "ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS");
}

function pick(raw: Value): Partial<StorageConnection> {
  const out: Partial<StorageConnection> = {};
  for (const k of ["type", "address", "path", "mount_options", "vfs_type", "nfs_version"] as const) {
    if (raw[k] !== undefined) (out as Record<string, unknown>)[k] = raw[k];
  }
  return out;
}

function add(engine: EngineContext, req: ApiRequest) {
  const raw = readEntity(req, STORAGE_CONNECTION, "storageconnections/methods/add");
  if (!raw) throw mandatory("storage_connection");
  const input = pick(raw);
  checkComplete(input, "add");
  checkUnique(engine, input, "add");
  const c: StorageConnection = {
    id: crypto.randomUUID(),
    ...input,
    type: input.type!,
    address: input.address ?? "",
    path: input.path!,
    nfs_version: input.type === "nfs" ? (input.nfs_version ?? "auto") : undefined,
  };
  engine.store.insert("storage_connection", c);
  return {
    status: 201,
    node: entityAnswer(STORAGE_CONNECTION, present(c), req.ctx).node,
    headers: { location: `${req.ctx.origin}${req.ctx.render.base}/storageconnections/${c.id}` },
  };
}

function update(engine: EngineContext, req: ApiRequest) {
  const old = findByPathId<StorageConnection>(engine.store, "storage_connection", req.params.id);
  const raw = readEntity(req, STORAGE_CONNECTION, "storageconnection/methods/update") ?? {};
  const next: StorageConnection = { ...old, ...pick(raw) };
  checkComplete(next, "update");
  const domains = domainsUsing(engine, old);
  if (domains.length > 0 && next.type !== old.type) {
    throw fail(
      "edit",
      "Storage Connection",
      "ACTION_TYPE_FAILED_STORAGE_CONNECTION_UNSUPPORTED_ACTION_NOT_SAME_STORAGE_TYPE",
    );
  }
  const busy = domains.filter((sd) => sd.status !== "maintenance" && sd.status !== "unattached");
  if (busy.length > 0) {
    throw fail(
      "edit",
      "Storage Connection",
      "ACTION_TYPE_FAILED_UNSUPPORTED_ACTION_DOMAIN_MUST_BE_IN_MAINTENANCE_OR_UNATTACHED",
      {
        domainNames: busy.map((sd) => sd.name).join(","),
      },
    );
  }
  checkUnique(engine, next, "edit", old.id);
  engine.store.transaction(() => {
    engine.store.update("storage_connection", next);
    // The domains on it now reach their storage there (the data is where the admin put it).
    for (const sd of domains) {
      const connection = next.type === "nfs" || next.address ? `${next.address}:${next.path}` : next.path;
      engine.store.update("storage_domain", {
        ...sd,
        connection,
        storage: {
          ...sd.storage,
          address: next.address,
          path: next.path,
          mount_options: next.mount_options,
          vfs_type: next.vfs_type,
          nfs_version: next.nfs_version,
        },
      });
    }
  });
  return entityAnswer(STORAGE_CONNECTION, present(next), req.ctx);
}

function remove(engine: EngineContext, req: ApiRequest) {
  const c = findByPathId<StorageConnection>(engine.store, "storage_connection", req.params.id);
  const domains = domainsUsing(engine, c);
  if (domains.length > 0) {
    throw fail(
      "remove",
      "Storage Connection",
      "ACTION_TYPE_FAILED_STORAGE_CONNECTION_BELONGS_TO_SEVERAL_STORAGE_DOMAINS",
      {
        domainNames: domains.map((sd) => sd.name).join(","),
      },
    );
  }
  engine.store.remove("storage_connection", c.id);
  return performedAnswer(req.ctx);
}

export const storageConnectionRoutes: Area = (engine) => [
  { method: "POST", path: "/storageconnections", handle: (req) => add(engine, req) },
  { method: "PUT", path: "/storageconnections/:id", handle: (req) => update(engine, req) },
  { method: "DELETE", path: "/storageconnections/:id", handle: (req) => remove(engine, req) },
  { method: "GET", path: "/storageconnections", handle: (req) => list(engine, req) },
  { method: "GET", path: "/storageconnections/:id", handle: (req) => get(engine, req) },
  {
    method: "GET",
    path: "/storagedomains/:sdId/storageconnections",
    handle: (req) => ofDomain(engine, req),
  },
];
