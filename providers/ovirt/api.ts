// The API root: product name and version, which personality (4.3 / 4.4) an engine is.
import { decode, object, Ref, Version, type ApiVersion, type Decoded } from "./codec";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";

const Summary = object({ total: "int32", active: "int32" });

export const ApiRootType = object({
  product_info: object({ name: "string", vendor: "string", instance_id: "string", version: Version }),
  special_objects: object({ blank_template: Ref, root_tag: Ref }),
  summary: object({ vms: Summary, hosts: Summary, users: Summary, storage_domains: Summary }),
  time: "date",
  authenticated_user: Ref,
  effective_user: Ref,
});

export type ApiRoot = Decoded<typeof ApiRootType>;

export interface ProductVersion {
  major: number;
  minor: number;
  build?: number;
  revision?: number;
  fullVersion?: string;
}

export class ApiService {
  constructor(private readonly conn: Connection) {}

  async get(ctx: OperationContext): Promise<ApiRoot> {
    const res = await this.conn.request(ctx, "GET", "");
    return decode(ApiRootType, res.data ?? {}, "api");
  }

  /** The engine's product version, e.g. {major: 4, minor: 4, fullVersion: "4.4.10-1.el8"}. */
  async productVersion(ctx: OperationContext): Promise<ProductVersion> {
    const v: ApiVersion = (await this.get(ctx)).product_info?.version ?? {};
    return {
      major: v.major ?? 0,
      minor: v.minor ?? 0,
      build: v.build,
      revision: v.revision,
      fullVersion: v.full_version,
    };
  }
}
