// /storagedomains (add = create or import by path, get, list, update, remove, actions) and the
// attached view /datacenters/{id}/storagedomains (attach, activate, deactivate, detach).
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import {
  createDomain,
  domainsAt,
  formatDomain,
  readMetadata,
  updateMetadata,
  type DomainClass,
  type DomainMetadata,
} from "../../dataplane/storage";
import { ApiFault, entityNotFound, malformedId, mandatory, notFound, syntaxFault } from "../../http/faults";
import { BodyShapeError, decodeStruct, parseBody } from "../../repr/decode";
import { field, struct, T } from "../../repr/schema";
import { leaf, type Node, type Value } from "../../repr/tree";
import type { Answer, ApiRequest, Area } from "../context";
import { applyInput, readEntity } from "../common/input";
import { booleanParam, listWithSearch } from "../common/search";
import type { DataCenter } from "../datacenters/model";
import { getDataCenter } from "../datacenters/routes";
import { recordEvent, type EventTypeName } from "../events/record";
import { ActionFault, actionAnswer, performAction } from "../jobs/command";
import { jobText, recordJob, startJob } from "../jobs/record";
import { findByPathId, isUuid, pathId, performedAnswer } from "../respond";
import type { StorageConnection } from "../storageconnections/model";
import { mountForDomain } from "./mounting";
import { activate, attach, deactivate, detach, dirOf, registerLifecycle } from "./lifecycle";
import { removeDomainEntities, validateDetachEntities } from "./entities";
import {
  FILE_STORAGE_TYPES,
  metadataType,
  renderAttached,
  renderList,
  renderTop,
  STORAGE_DOMAIN,
  storageDomainSearch,
  SUPPORTED_SD_TYPES,
  type FileStorageType,
  type HostStorage,
  type SdType,
  type StorageDomain,
} from "./model";
import {
  resolveHost,
  resolveHostParam,
  validateActivate,
  validateAdd,
  validateAttach,
  validateDeactivate,
  validateDetach,
  validateRemove,
  validateUpdate,
} from "./rules";

const GiB = 2 ** 30;
const CLASS_OF: Record<SdType, DomainClass> = { data: "Data", iso: "Iso", export: "Backup" };
const TYPE_OF: Record<DomainClass, SdType> = { Data: "data", Iso: "iso", Backup: "export" };

function incomplete(fields: string[]): ApiFault {
  return new ApiFault(400, "Incomplete parameters", `StorageDomain [${fields.join(", ")}] required for add`);
}

function dcName(engine: EngineContext) {
  return (id: string) => engine.store.get<DataCenter>("data_center", id)?.name;
}

export function getStorageDomain(engine: EngineContext, rawId: string): StorageDomain {
  return findByPathId<StorageDomain>(engine.store, "storage_domain", rawId);
}

function entity(status: number, node: Node, headers?: Record<string, string>): Answer {
  return { status, node, headers };
}

/** `server:/path` of the storage the body names, checked per storage type as the engine does. */
function connectionOf(storage: HostStorage): string {
  if (storage.type === "nfs") return `${storage.address}:${storage.path}`;
  if (storage.address) return `${storage.address}:${storage.path.startsWith("/") ? "" : "/"}${storage.path}`;
  return storage.path;
}

function readStorage(raw: Value): HostStorage {
  const storage = raw.storage as Partial<HostStorage> | undefined;
  if (!storage) throw incomplete(["storage"]);
  if (!storage.type) throw incomplete(["storage.type"]);
  const type = storage.type as string;
  if (!(FILE_STORAGE_TYPES as readonly string[]).includes(type)) {
    throw new ApiFault(
      400,
      "Operation Failed",
      `[Cannot add Storage. Storage type ${type} is not available in the embedded engine (nfs, glusterfs, posixfs are).]`,
    );
  }
  const missing: string[] = [];
  if (type === "nfs" && !storage.address) missing.push("storage.address");
  if (!storage.path) missing.push("storage.path");
  if (type !== "nfs" && !storage.vfs_type) missing.push("storage.vfs_type");
  if (missing.length) throw incomplete(missing);
  return { ...(storage as HostStorage), type: type as FileStorageType };
}

function list(engine: EngineContext, req: ApiRequest): Answer {
  const all = engine.store.list<StorageDomain>("storage_domain");
  const found = listWithSearch(all, req.ctx.query, storageDomainSearch(dcName(engine)), (s) => s.name);
  return entity(200, renderList(found.map((s) => renderTop(s, req.ctx.render))));
}

function get(engine: EngineContext, req: ApiRequest): Answer {
  return entity(200, renderTop(getStorageDomain(engine, req.params.id), req.ctx.render));
}

function add(engine: EngineContext, req: ApiRequest): Answer {
  const raw = readEntity(req, STORAGE_DOMAIN, "storagedomains/methods/add");
  if (!raw) throw mandatory("storage_domain");
  const host = raw.host as { id?: string; name?: string } | undefined;
  const missing = [
    ...(host?.id === undefined && host?.name === undefined ? ["host.id|name"] : []),
    ...(raw.type === undefined ? ["type"] : []),
    ...(raw.storage === undefined ? ["storage"] : []),
  ];
  if (missing.length) throw incomplete(missing);
  const type = raw.type as string;
  if (!(SUPPORTED_SD_TYPES as readonly string[]).includes(type)) {
    throw new ApiFault(
      400,
      "Operation Failed",
      `[Cannot add Storage. Storage Domain type ${type} is not available in the embedded engine (data, iso, export are).]`,
    );
  }
  const storage = readStorage(raw);
  const connection = connectionOf(storage);
  if (!/^[^:/]+:\/./.test(connection)) {
    throw new ApiFault(400, "Operation Failed", `[Cannot add Storage. Illegal storage path ${connection}.]`);
  }
  const theHost = resolveHost(engine, host!);
  // The host connects the storage first (glusterStorage "mount": a real FUSE mount of the volume).
  mountForDomain(engine, { connection, storage });
  // AddStorageDomain on a path that already holds a domain becomes AddExistingFileStorageDomain.
  const existing: DomainMetadata | undefined = domainsAt(engine.dataPlane, connection)[0];
  if (!existing && raw.name === undefined) throw incomplete(["name"]);
  const sdType = existing ? (TYPE_OF[existing.CLASS] ?? (type as SdType)) : (type as SdType);
  const base: StorageDomain = {
    id: existing ? existing.SDUUID : crypto.randomUUID(),
    name: existing ? existing.DESCRIPTION : (raw.name as string),
    description: "",
    comment: "",
    type: sdType,
    status: "unattached",
    master: false,
    storage: {
      type: storage.type,
      address: storage.address,
      path: storage.path,
      mount_options: storage.mount_options,
      vfs_type: storage.vfs_type,
      nfs_version: storage.type === "nfs" ? (storage.nfs_version ?? "auto") : undefined,
    },
    connection,
    storage_connection: { id: crypto.randomUUID() },
    storage_format: sdType === "data" ? "v5" : "v1",
    available: 500 * GiB,
    used: 10 * GiB,
    committed: 0,
    backup: false,
    block_size: 512,
    critical_space_action_blocker: 5,
    warning_low_space_indicator: 10,
    discard_after_delete: false,
    wipe_after_delete: false,
    supports_discard: false,
    supports_discard_zeroes_data: false,
    external_status: "ok",
  };
  const {
    id: _id,
    name: _name,
    type: _type,
    storage: _storage,
    host: _host,
    import: _import,
    data_center: _dc,
    ...settable
  } = raw as Record<string, unknown>;
  const sd = applyInput(base, settable);
  validateAdd(engine, sd, theHost);
  const conn: StorageConnection = {
    id: sd.storage_connection.id,
    type: storage.type,
    address: connection.slice(0, connection.indexOf(":")),
    path: connection.slice(connection.indexOf(":") + 1),
    mount_options: storage.mount_options,
    vfs_type: storage.vfs_type,
    nfs_version: base.storage.nfs_version,
    host: { id: theHost.id },
  };
  const command = existing
    ? "AddExistingFileStorageDomain"
    : sd.storage.type === "nfs"
      ? "AddNFSStorageDomain"
      : sd.storage.type === "glusterfs"
        ? "AddGlusterFsStorageDomain"
        : "AddPosixFsStorageDomain";
  engine.store.transaction(() => {
    engine.store.insert("storage_domain", sd);
    engine.store.insert("storage_connection", conn);
    recordJob(engine, {
      description: jobText(command, { Storage: sd.name, StoragePool: "" }),
      correlationId: req.ctx.correlationId,
    });
    audit(engine, req, "USER_ADD_STORAGE_DOMAIN", sd);
  });
  if (!existing) {
    createDomain(dirOf(engine, sd), {
      SDUUID: sd.id,
      DESCRIPTION: sd.name,
      CLASS: CLASS_OF[sd.type],
      ROLE: "Regular",
      POOL_UUID: "",
      TYPE: metadataType(sd.storage.type),
      VERSION: sd.type === "data" ? "5" : "0",
      REMOTE_PATH: connection,
    });
  }
  return entity(201, renderTop(sd, req.ctx.render), {
    location: `${req.ctx.origin}${req.ctx.render.base}/storagedomains/${sd.id}`,
  });
}

const UPDATABLE = new Set([
  "name",
  "description",
  "comment",
  "warning_low_space_indicator",
  "critical_space_action_blocker",
  "wipe_after_delete",
  "discard_after_delete",
  "backup",
]);

function update(engine: EngineContext, req: ApiRequest): Answer {
  const old = getStorageDomain(engine, req.params.id);
  const raw = readEntity(req, STORAGE_DOMAIN, "storagedomain/methods/update") ?? {};
  const changes = Object.fromEntries(Object.entries(raw).filter(([k]) => UPDATABLE.has(k)));
  const sd = applyInput(old, changes);
  validateUpdate(engine, old, sd);
  engine.store.update("storage_domain", sd);
  // vdsm keeps the name on storage too, so an import elsewhere finds the current one.
  if (sd.name !== old.name) updateMetadata(dirOf(engine, sd), { DESCRIPTION: sd.name });
  return entity(200, renderTop(sd, req.ctx.render));
}

function remove(engine: EngineContext, req: ApiRequest): Answer {
  const sd = getStorageDomain(engine, req.params.id);
  const q = req.ctx.query;
  // destroy=true only forgets the domain (ForceRemoveStorageDomain): no host, storage untouched.
  if (!booleanParam(q.destroy)) {
    const host = resolveHostParam(engine, q.host);
    validateRemove(sd, host);
    if (booleanParam(q.format)) formatDomain(dirOf(engine, sd));
  }
  engine.store.transaction(() => {
    engine.store.remove("storage_domain", sd.id);
    engine.store.remove("storage_connection", sd.storage_connection.id);
    audit(engine, req, "USER_REMOVE_STORAGE_DOMAIN", sd);
  });
  return performedAnswer(req.ctx);
}

// ----- actions -----

const ActionStruct = struct("Action", [
  field("host", T.ref("hosts")),
  field("force", T.boolean),
  field("async", T.boolean),
  field("storage_domain", T.ref("storagedomains")),
]);

function readAction(req: ApiRequest, usage: string): Value {
  try {
    const raw = parseBody(req.body, req.ctx.bodyFormat, "action");
    return raw === undefined ? {} : decodeStruct(ActionStruct, raw, req.ctx.render.model44);
  } catch (err) {
    if (err instanceof BodyShapeError) throw syntaxFault(req.ctx.origin, usage);
    throw err;
  }
}

/** Runs an action without a job; a failure comes back as a failed <action> with the fault inside. */
function action(req: ApiRequest, run: () => Node[]): Answer {
  let extra: Node[];
  try {
    extra = run();
  } catch (err) {
    if (err instanceof ApiFault && !(err instanceof ActionFault)) throw new ActionFault(err);
    throw err;
  }
  return actionAnswer(req, undefined, extra);
}

function isAttached(engine: EngineContext, req: ApiRequest): Answer {
  const sd = getStorageDomain(engine, req.params.id);
  const body = readAction(req, "storagedomain/methods/is_attached");
  return action(req, () => {
    const host = body.host as { id?: string; name?: string } | undefined;
    if (host?.id === undefined && host?.name === undefined) throw mandatory("action.host.id");
    resolveHost(engine, host);
    // What vdsm sees on storage: the pool recorded in the domain's metadata.
    const attached = !!readMetadata(dirOf(engine, sd))?.POOL_UUID;
    return [leaf("is_attached", attached ? "true" : "false")];
  });
}

function updateOvfStore(engine: EngineContext, req: ApiRequest): Answer {
  getStorageDomain(engine, req.params.id);
  readAction(req, "storagedomain/methods/update_ovf_store");
  // The OVF store is written as VMs change (see dataplane/storage.ts writeOvf); nothing is pending.
  return action(req, () => []);
}

// ----- attached view -----

function attachedDomain(engine: EngineContext, req: ApiRequest): { dc: DataCenter; sd: StorageDomain } {
  const dc = getDataCenter(engine, req.params.dcId);
  const sd = engine.store.get<StorageDomain>("storage_domain", pathId(req.params.id));
  if (!sd || sd.data_center?.id !== dc.id) throw notFound();
  return { dc, sd };
}

function listAttached(engine: EngineContext, req: ApiRequest): Answer {
  const dc = getDataCenter(engine, req.params.dcId);
  const all = engine.store.list<StorageDomain>("storage_domain", (s) => s.data_center?.id === dc.id);
  const found = listWithSearch(all, req.ctx.query, storageDomainSearch(dcName(engine)), (s) => s.name);
  return entity(200, renderList(found.map((s) => renderAttached(s, req.ctx.render))));
}

function getAttached(engine: EngineContext, req: ApiRequest): Answer {
  return entity(200, renderAttached(attachedDomain(engine, req).sd, req.ctx.render));
}

function attachTo(engine: EngineContext, req: ApiRequest): Answer {
  const dc = getDataCenter(engine, req.params.dcId);
  const raw = readEntity(req, STORAGE_DOMAIN, "attachedstoragedomains/methods/add");
  if (!raw || (raw.id === undefined && raw.name === undefined)) {
    throw new ApiFault(
      400,
      "Input validation failed.",
      "Parameters 'storage_domain.id' or 'storage_domain.name' are mandatory but both were not provided.",
    );
  }
  let sd: StorageDomain | undefined;
  if (raw.id !== undefined) {
    const id = raw.id as string;
    if (!isUuid(id)) throw malformedId(id);
    sd = engine.store.get<StorageDomain>("storage_domain", id.toLowerCase());
    if (!sd) throw entityNotFound(`Storage: id=${id}`);
  } else {
    sd = engine.store.list<StorageDomain>("storage_domain", (s) => s.name === raw.name)[0];
    if (!sd) throw entityNotFound(`Storage: name=${String(raw.name)}`);
  }
  validateAttach(engine, sd, dc.id);
  const attached = engine.store.transaction(() => {
    const jobId = startJob(engine, {
      description: jobText("AttachStorageDomainToPool", jobVars(sd, dc)),
      correlationId: req.ctx.correlationId,
    });
    audit(engine, req, "USER_ATTACH_STORAGE_DOMAIN_TO_POOL", sd, dc);
    return attach(engine, sd, dc.id, jobId);
  });
  return entity(201, renderAttached(attached, req.ctx.render), {
    location: `${req.ctx.origin}${req.ctx.render.base}/datacenters/${dc.id}/storagedomains/${sd.id}`,
  });
}

/** Records one of the storage-domain audit events of a user command. */
function audit(
  engine: EngineContext,
  req: ApiRequest,
  type: EventTypeName,
  sd: StorageDomain,
  dc?: DataCenter,
): void {
  recordEvent(engine, {
    type,
    vars: { StorageDomainName: sd.name, StoragePoolName: dc?.name ?? "" },
    correlationId: req.ctx.correlationId,
    storageDomain: { id: sd.id, name: sd.name },
    dataCenter: dc ? { id: dc.id, name: dc.name } : undefined,
  });
}

function jobVars(sd: StorageDomain, dc: DataCenter): Record<string, string> {
  return { Storage: sd.name, StoragePool: dc.name };
}

function activateAction(engine: EngineContext, req: ApiRequest): Answer {
  const { dc, sd } = attachedDomain(engine, req);
  readAction(req, "attachedstoragedomain/methods/activate");
  return performAction(
    engine,
    req,
    { job: { description: jobText("ActivateStorageDomain", jobVars(sd, dc)) } },
    () => validateActivate(engine, sd),
    (jobId) => {
      activate(engine, sd, jobId);
      audit(engine, req, "USER_ACTIVATED_STORAGE_DOMAIN", sd, dc);
      return { pending: true };
    },
  );
}

function deactivateAction(engine: EngineContext, req: ApiRequest): Answer {
  const { dc, sd } = attachedDomain(engine, req);
  readAction(req, "attachedstoragedomain/methods/deactivate");
  return performAction(
    engine,
    req,
    { job: { description: jobText("DeactivateStorageDomainWithOvfUpdate", jobVars(sd, dc)) } },
    () => validateDeactivate(engine, sd),
    (jobId) => {
      deactivate(engine, sd, jobId);
      audit(engine, req, "USER_DEACTIVATED_STORAGE_DOMAIN", sd, dc);
      return { pending: true };
    },
  );
}

function detachFrom(engine: EngineContext, req: ApiRequest): Answer {
  const { dc, sd } = attachedDomain(engine, req);
  validateDetachEntities(engine, sd);
  validateDetach(engine, sd);
  engine.store.transaction(() => {
    removeDomainEntities(engine, sd);
    detach(engine, sd);
    recordJob(engine, {
      description: jobText("DetachStorageDomainFromPool", jobVars(sd, dc)),
      correlationId: req.ctx.correlationId,
    });
    audit(engine, req, "USER_DETACH_STORAGE_DOMAIN_FROM_POOL", sd, dc);
  });
  return performedAnswer(req.ctx);
}

export const storageDomainRoutes: Area = (engine) => {
  registerLifecycle(engine);
  const sds = "/storagedomains";
  const att = "/datacenters/:dcId/storagedomains";
  return [
    { method: "GET", path: sds, handle: (req) => list(engine, req) },
    { method: "POST", path: sds, handle: (req) => add(engine, req) },
    { method: "GET", path: `${sds}/:id`, handle: (req) => get(engine, req) },
    { method: "PUT", path: `${sds}/:id`, handle: (req) => update(engine, req) },
    { method: "DELETE", path: `${sds}/:id`, handle: (req) => remove(engine, req) },
    { method: "POST", path: `${sds}/:id/isattached`, handle: (req) => isAttached(engine, req) },
    { method: "POST", path: `${sds}/:id/updateovfstore`, handle: (req) => updateOvfStore(engine, req) },
    { method: "GET", path: att, handle: (req) => listAttached(engine, req) },
    { method: "POST", path: att, handle: (req) => attachTo(engine, req) },
    { method: "GET", path: `${att}/:id`, handle: (req) => getAttached(engine, req) },
    { method: "DELETE", path: `${att}/:id`, handle: (req) => detachFrom(engine, req) },
    { method: "POST", path: `${att}/:id/activate`, handle: (req) => activateAction(engine, req) },
    { method: "POST", path: `${att}/:id/deactivate`, handle: (req) => deactivateAction(engine, req) },
  ];
};
