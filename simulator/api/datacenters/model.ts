// Data centers (storage pools): the stored shape, the wire type and the search keywords.
// Wire shape as captured from a 4.3 engine (samples/datacenter.xml); model_4.4 adds two actions.
import { field, struct, T, VersionStruct, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity } from "../../store/entities";
import { compareLevels, levelString, parseLevel, type Level } from "../common/levels";
import type { SearchFields } from "../common/search";

export const QUOTA_MODES = ["audit", "disabled", "enabled"] as const;
export const STORAGE_FORMATS = ["v1", "v2", "v3", "v4", "v5"] as const;
export const DATA_CENTER_STATUSES = [
  "contend",
  "maintenance",
  "not_operational",
  "problematic",
  "uninitialized",
  "up",
] as const;

export interface DataCenter extends Entity {
  name: string;
  description?: string;
  comment?: string;
  local: boolean;
  quota_mode: (typeof QUOTA_MODES)[number];
  status: (typeof DATA_CENTER_STATUSES)[number];
  /** Unset until a master storage domain gives the pool its format (or the client sets one). */
  storage_format?: (typeof STORAGE_FORMATS)[number];
  version: Level;
  mac_pool: { id: string };
}

export const DATA_CENTER: EntityType = {
  element: "data_center",
  plural: "data_centers",
  path: "datacenters",
  struct: struct("DataCenter", [
    field("local", T.boolean),
    field("quota_mode", T.enumOf("QuotaModeType", QUOTA_MODES)),
    field("status", T.enumOf("DataCenterStatus", DATA_CENTER_STATUSES), { readOnly: true }),
    field("storage_format", T.enumOf("StorageFormat", STORAGE_FORMATS)),
    field("supported_versions", T.list("version", T.struct(VersionStruct)), { readOnly: true }),
    field("version", T.struct(VersionStruct)),
    field("mac_pool", T.ref("macpools")),
  ]),
  links: ["clusters", "quotas", "qoss", "iscsibonds", "networks", "storagedomains", "permissions"],
  actions: { model43: [], model44: ["setmaster", "cleanfinishedtasks"] },
};

/** The keywords of the engine's Datacenter search (4.4 searchbackend). */
export const DATA_CENTER_SEARCH: SearchFields<DataCenter> = {
  name: (d) => d.name,
  description: (d) => d.description,
  comment: (d) => d.comment,
  local: (d) => d.local,
  status: (d) => d.status,
  compatibility_version: (d) => levelString(d.version),
};

/**
 * The representation: DataCenterMapper leaves out empty description/comment; supported_versions are
 * the levels this data center could be set to (GetAvailableStoragePoolVersions): supported, not
 * below its own level and not above any of its clusters' levels.
 */
export function presentDataCenter(
  dc: DataCenter,
  supportedLevels: readonly string[],
  clusterLevels: Level[],
): Value {
  const versions = supportedLevels
    .map(parseLevel)
    .filter((l) => compareLevels(l, dc.version) >= 0 && clusterLevels.every((c) => compareLevels(l, c) <= 0));
  return {
    ...dc,
    description: dc.description || undefined,
    comment: dc.comment || undefined,
    supported_versions: versions,
  };
}
