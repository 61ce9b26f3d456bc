// Storage domains: the stored shape, the wire types (member order as captured from real engines,
// samples/storagedomains.xml and datacenter_storagedomains*.xml) and the search keywords. One stored
// object serves two views (API-NOTES 3.5): the top-level one (status only when unattached, the data
// centers listed) and the attached one under /datacenters/{dc}/storagedomains (per-DC status,
// data_center, activate/deactivate actions).
import { field, struct, T, type EntityType } from "../../repr/schema";
import { element, renderEntity, type Node, type RenderContext, type Value } from "../../repr/tree";
import type { Entity } from "../../store/entities";
import type { StorageLocation } from "../../dataplane/storage";
import type { SearchFields } from "../common/search";

export const SD_TYPES = ["data", "iso", "export", "image", "volume", "managed_block_storage"] as const;
/** The domain types this engine can add (file domains). */
export const SUPPORTED_SD_TYPES = ["data", "iso", "export"] as const;
export const SD_STATUSES = [
  "active",
  "inactive",
  "locked",
  "mixed",
  "unattached",
  "maintenance",
  "preparing_for_maintenance",
  "detaching",
  "activating",
  "unknown",
] as const;
export const STORAGE_TYPES = [
  "iscsi",
  "fcp",
  "nfs",
  "localfs",
  "posixfs",
  "glusterfs",
  "glance",
  "cinder",
  "managed_block_storage",
] as const;
/** The storage types whose domains live on a shared file system (and can be imported by path). */
export const FILE_STORAGE_TYPES = ["nfs", "glusterfs", "posixfs"] as const;
export const NFS_VERSIONS = ["auto", "v3", "v4", "v4_0", "v4_1", "v4_2"] as const;
export const STORAGE_FORMATS = ["v1", "v2", "v3", "v4", "v5"] as const;
export const EXTERNAL_STATUSES = ["error", "failure", "info", "ok", "warning"] as const;

export type SdType = (typeof SUPPORTED_SD_TYPES)[number];
export type SdStatus = (typeof SD_STATUSES)[number];
export type FileStorageType = (typeof FILE_STORAGE_TYPES)[number];

export interface HostStorage {
  type: FileStorageType;
  address?: string;
  path: string;
  mount_options?: string;
  vfs_type?: string;
  nfs_version?: (typeof NFS_VERSIONS)[number];
}

export interface StorageDomain extends Entity {
  name: string;
  description: string;
  comment: string;
  type: SdType;
  /** `unattached`, or the status in the data center it is attached to. */
  status: SdStatus;
  master: boolean;
  storage: HostStorage;
  /** `server:/path`: where the domain's directory is in the data plane. */
  connection: string;
  storage_connection: { id: string };
  storage_format: (typeof STORAGE_FORMATS)[number];
  available: number;
  used: number;
  committed: number;
  backup: boolean;
  block_size: number;
  critical_space_action_blocker: number;
  warning_low_space_indicator: number;
  discard_after_delete: boolean;
  wipe_after_delete: boolean;
  supports_discard: boolean;
  supports_discard_zeroes_data: boolean;
  external_status: (typeof EXTERNAL_STATUSES)[number];
  /** The data center it is attached to (file domains attach to one pool at a time). */
  data_center?: { id: string };
}

export const HostStorageStruct = struct("HostStorage", [
  field("address", T.string),
  field("mount_options", T.string),
  field("nfs_version", T.enumOf("NfsVersion", NFS_VERSIONS)),
  field("path", T.string),
  field("type", T.enumOf("StorageType", STORAGE_TYPES)),
  field("vfs_type", T.string),
]);

const DataCenterRefs = T.list("data_center", T.ref("datacenters"));

function sdStruct(attached: boolean) {
  return struct("StorageDomain", [
    field("available", T.long, { readOnly: true }),
    field("backup", T.boolean),
    field("block_size", T.int),
    field("committed", T.long, { readOnly: true }),
    field("critical_space_action_blocker", T.int),
    field("discard_after_delete", T.boolean),
    field("external_status", T.enumOf("ExternalStatus", EXTERNAL_STATUSES), { readOnly: true }),
    field("master", T.boolean, { readOnly: true }),
    field("status", T.enumOf("StorageDomainStatus", SD_STATUSES), { readOnly: true }),
    field("storage", T.struct(HostStorageStruct)),
    field("storage_format", T.enumOf("StorageFormat", STORAGE_FORMATS)),
    field("supports_discard", T.boolean, { readOnly: true }),
    field("supports_discard_zeroes_data", T.boolean, { readOnly: true }),
    field("type", T.enumOf("StorageDomainType", SD_TYPES)),
    field("used", T.long, { readOnly: true }),
    field("warning_low_space_indicator", T.int),
    field("wipe_after_delete", T.boolean),
    ...(attached ? [field("data_center", T.ref("datacenters"))] : []),
    field("data_centers", DataCenterRefs, { readOnly: true }),
    // Input only: the host that does the work (add) and `import` (block domains).
    field("host", T.ref("hosts")),
    field("import", T.boolean),
  ]);
}

const TOP_ACTIONS = ["isattached", "updateovfstore", "refreshluns", "reduceluns"];

/** Sub-collections of the top-level view, per domain type (BackendStorageDomainResource). */
const TOP_LINKS: Record<SdType, string[]> = {
  data: ["diskprofiles", "disks", "disksnapshots", "storageconnections", "permissions", "templates", "vms"],
  iso: ["diskprofiles", "disksnapshots", "files", "storageconnections", "permissions"],
  export: ["diskprofiles", "disksnapshots", "storageconnections", "permissions", "templates", "vms"],
};

const TOP_STRUCT = sdStruct(false);
const ATTACHED_STRUCT = sdStruct(true);

/** The type used to read request bodies (every input member). */
export const STORAGE_DOMAIN: EntityType = {
  element: "storage_domain",
  plural: "storage_domains",
  path: "storagedomains",
  struct: ATTACHED_STRUCT,
  links: TOP_LINKS.data,
  actions: { model43: TOP_ACTIONS, model44: TOP_ACTIONS },
};

function topType(t: SdType): EntityType {
  return { ...STORAGE_DOMAIN, struct: TOP_STRUCT, links: TOP_LINKS[t] };
}

function attachedType(t: SdType): EntityType {
  const actions = ["activate", "deactivate"];
  return {
    ...STORAGE_DOMAIN,
    struct: ATTACHED_STRUCT,
    links: t === "iso" ? [] : ["disks"],
    actions: { model43: actions, model44: actions },
  };
}

/** Connection type names of vdsm's metadata. */
export function metadataType(t: FileStorageType): "NFS" | "GLUSTERFS" | "POSIXFS" {
  return t === "nfs" ? "NFS" : t === "glusterfs" ? "GLUSTERFS" : "POSIXFS";
}

export function locationOf(sd: StorageDomain): StorageLocation {
  return { connection: sd.connection };
}

/** Wire values common to both views (description/comment always rendered, even empty). */
function common(sd: StorageDomain): Value {
  const { connection: _c, storage_connection: _sc, data_center: _dc, ...rest } = sd;
  return {
    ...rest,
    storage: {
      ...sd.storage,
      nfs_version: sd.storage.type === "nfs" ? (sd.storage.nfs_version ?? "auto") : undefined,
    },
    data_centers: sd.data_center ? [sd.data_center] : undefined,
  };
}

/** The top-level view: `status` only while unattached (BackendStorageDomainsResource). */
export function renderTop(sd: StorageDomain, ctx: RenderContext): Node {
  const value = { ...common(sd), status: sd.status === "unattached" ? "unattached" : undefined };
  return renderEntity(topType(sd.type), value, ctx);
}

/** The view under /datacenters/{dc}/storagedomains: per-DC status and the data center. */
export function renderAttached(sd: StorageDomain, ctx: RenderContext): Node {
  const dcId = sd.data_center!.id;
  const value = { ...common(sd), data_center: sd.data_center };
  return renderEntity(attachedType(sd.type), value, ctx, `datacenters/${dcId}/storagedomains`);
}

export function renderList(items: Node[]): Node {
  return element(STORAGE_DOMAIN.plural, [{ kind: "repeated", name: STORAGE_DOMAIN.element, items }]);
}

/** The keywords of the engine's Storage search (4.4 searchbackend), plus `datacenter`. */
export function storageDomainSearch(
  dataCenterName: (id: string) => string | undefined,
): SearchFields<StorageDomain> {
  return {
    name: (s) => s.name,
    status: (s) => s.status,
    shared_status: (s) =>
      s.status === "unattached" ? "unattached" : s.status === "active" ? "active" : "inactive",
    external_status: (s) => s.external_status,
    datacenter: (s) => (s.data_center ? dataCenterName(s.data_center.id) : undefined),
    type: (s) => s.type,
    free_size: (s) => Math.floor(s.available / 2 ** 30),
    used_size: (s) => Math.floor(s.used / 2 ** 30),
    total_size: (s) => Math.floor((s.available + s.used) / 2 ** 30),
    committed: (s) => Math.floor(s.committed / 2 ** 30),
    comment: (s) => s.comment,
    description: (s) => s.description,
    wipe_after_delete: (s) => s.wipe_after_delete,
    discard_after_delete: (s) => s.discard_after_delete,
    backup: (s) => s.backup,
  };
}

/** The storage domains attached to a data center. */
export function domainsOf(all: StorageDomain[], dcId: string): StorageDomain[] {
  return all.filter((s) => s.data_center?.id === dcId);
}
