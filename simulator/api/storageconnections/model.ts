// Storage server connections (API-NOTES 3.6): how a host reaches a storage export. Made by the
// storage-domain add (one per file domain) and removed with the domain; the engine stores
// `server:/path` and the API splits it into address and path.
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Entity } from "../../store/entities";

export interface StorageConnection extends Entity {
  type: "nfs" | "glusterfs" | "posixfs";
  address: string;
  path: string;
  mount_options?: string;
  vfs_type?: string;
  nfs_version?: string;
  /** The host that made the connection (not rendered: the engine shows it only on input). */
  host?: { id: string };
}

export const STORAGE_CONNECTION: EntityType = {
  element: "storage_connection",
  plural: "storage_connections",
  path: "storageconnections",
  struct: struct("StorageConnection", [
    field("address", T.string),
    field("mount_options", T.string),
    field("nfs_version", T.string),
    field("path", T.string),
    field("type", T.string),
    field("vfs_type", T.string),
  ]),
  links: [],
  actions: { model43: [], model44: [] },
};
