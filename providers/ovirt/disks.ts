// Disks: /disks (model types/Disk.java, API-NOTES 3.9). Sizes in bytes; `locked` until created, then `ok`.
import { entityFields, list, object, Ref, type Decoded } from "./codec";
import { CollectionService } from "./collection";
import type { Connection } from "./connection";
import { brand, type Brand } from "./ids";

export type DiskId = Brand<string, "DiskId">;
export const diskId = (id: string): DiskId => brand<"DiskId">(id, "disk");

export const DiskType = object({
  ...entityFields,
  alias: "string",
  provisioned_size: "int64",
  actual_size: "int64",
  format: "string",
  sparse: "bool",
  status: "string",
  image_id: "string",
  /** data, iso (installation media on a data domain, 4.4), ovf_store... */
  content_type: "string",
  storage_domains: list(Ref, "storage_domain"),
});
export type ApiDisk = Decoded<typeof DiskType>;

export class DisksService extends CollectionService<typeof DiskType, DiskId> {
  constructor(conn: Connection) {
    super(conn, { path: "disks", singular: "disk", type: DiskType, label: "disk" });
  }
}
