// Data centers: /datacenters (model types/DataCenter.java).
import { entityFields, list, object, Ref, Version, type Decoded } from "./codec";
import { CollectionService } from "./collection";
import type { Connection } from "./connection";
import { brand, type Brand } from "./ids";

export type DataCenterId = Brand<string, "DataCenterId">;
export const dataCenterId = (id: string): DataCenterId => brand<"DataCenterId">(id, "data center");

export const DataCenterType = object({
  ...entityFields,
  local: "bool",
  /** uninitialized, up, maintenance, not_operational, problematic, contend */
  status: "string",
  storage_format: "string",
  /** disabled, audit, enabled */
  quota_mode: "string",
  version: Version,
  supported_versions: list(Version, "version"),
  mac_pool: Ref,
});

export type ApiDataCenter = Decoded<typeof DataCenterType>;

export class DataCentersService extends CollectionService<typeof DataCenterType, DataCenterId> {
  constructor(conn: Connection) {
    super(conn, { path: "datacenters", singular: "data_center", type: DataCenterType, label: "data center" });
  }
}
