// Gluster volumes of a cluster: /clusters/{id}/glustervolumes (model types/GlusterVolume.java,
// API-NOTES 3.7). After add a volume is `down`; start brings it `up`.
import { entityFields, list, object, Ref, type Decoded } from "./codec";
import type { ListOptions } from "./collection";
import { decode, decodeCollection, encode } from "./codec";
import type { ClusterId } from "./clusters";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import { isFault, UnexpectedError } from "./errors";
import { brand, type Brand } from "./ids";

export type GlusterVolumeId = Brand<string, "GlusterVolumeId">;
export const glusterVolumeId = (id: string): GlusterVolumeId =>
  brand<"GlusterVolumeId">(id, "gluster volume");

const Option = object({ name: "string", value: "string" });
export const GlusterBrickType = object({
  id: "string",
  name: "string",
  server_id: "string",
  brick_dir: "string",
  status: "string",
});

export const GlusterVolumeType = object({
  ...entityFields,
  /** distribute, replicate, distributed_replicate, disperse... */
  volume_type: "string",
  /** up, down, unknown */
  status: "string",
  replica_count: "int32",
  stripe_count: "int32",
  disperse_count: "int32",
  redundancy_count: "int32",
  transport_types: list("string", "transport_type"),
  options: list(Option, "option"),
  bricks: list(GlusterBrickType, "brick"),
  cluster: Ref,
});

export type ApiGlusterVolume = Decoded<typeof GlusterVolumeType>;
export type ApiGlusterBrick = Decoded<typeof GlusterBrickType>;

export class GlusterVolumesService {
  constructor(private readonly conn: Connection) {}

  private path(cluster: ClusterId, volume?: GlusterVolumeId): string {
    const base = `/clusters/${encodeURIComponent(cluster)}/glustervolumes`;
    return volume === undefined ? base : `${base}/${encodeURIComponent(volume)}`;
  }

  async list(ctx: OperationContext, cluster: ClusterId, opts: ListOptions = {}): Promise<ApiGlusterVolume[]> {
    const res = await this.conn.request(ctx, "GET", this.path(cluster), {
      query: { search: opts.search, max: opts.max, case_sensitive: opts.caseSensitive, ...opts.query },
    });
    return decodeCollection(GlusterVolumeType, "gluster_volume", res.data);
  }

  async findByName(
    ctx: OperationContext,
    cluster: ClusterId,
    name: string,
  ): Promise<ApiGlusterVolume | undefined> {
    return (await this.list(ctx, cluster)).find((v) => v.name === name);
  }

  async tryGet(
    ctx: OperationContext,
    cluster: ClusterId,
    id: GlusterVolumeId,
  ): Promise<ApiGlusterVolume | undefined> {
    try {
      const res = await this.conn.request(ctx, "GET", this.path(cluster, id));
      return decode(GlusterVolumeType, res.data, "gluster_volume");
    } catch (err) {
      if (isFault(err, "not_found")) return undefined;
      throw err;
    }
  }

  async add(ctx: OperationContext, cluster: ClusterId, body: ApiGlusterVolume): Promise<ApiGlusterVolume> {
    const res = await this.conn.request(ctx, "POST", this.path(cluster), {
      body: encode(GlusterVolumeType, body),
    });
    if (typeof res.data !== "object" || res.data === null) {
      throw new UnexpectedError(
        `engine "${this.conn.engine}": POST ${this.path(cluster)}: no volume in the answer`,
      );
    }
    return decode(GlusterVolumeType, res.data, "gluster_volume");
  }

  async bricks(ctx: OperationContext, cluster: ClusterId, id: GlusterVolumeId): Promise<ApiGlusterBrick[]> {
    const res = await this.conn.request(ctx, "GET", `${this.path(cluster, id)}/glusterbricks`);
    return decodeCollection(GlusterBrickType, "brick", res.data);
  }

  async start(ctx: OperationContext, cluster: ClusterId, id: GlusterVolumeId): Promise<void> {
    await this.conn.request(ctx, "POST", `${this.path(cluster, id)}/start`, { body: {} });
  }

  async stop(ctx: OperationContext, cluster: ClusterId, id: GlusterVolumeId): Promise<void> {
    await this.conn.request(ctx, "POST", `${this.path(cluster, id)}/stop`, { body: {} });
  }

  async setOption(
    ctx: OperationContext,
    cluster: ClusterId,
    id: GlusterVolumeId,
    name: string,
    value: string,
  ) {
    await this.conn.request(ctx, "POST", `${this.path(cluster, id)}/setoption`, {
      body: { option: { name, value } },
    });
  }

  async resetOption(ctx: OperationContext, cluster: ClusterId, id: GlusterVolumeId, name: string) {
    await this.conn.request(ctx, "POST", `${this.path(cluster, id)}/resetoption`, {
      body: { option: { name } },
    });
  }

  /** DELETE; false when it was already gone. */
  async remove(ctx: OperationContext, cluster: ClusterId, id: GlusterVolumeId): Promise<boolean> {
    try {
      await this.conn.request(ctx, "DELETE", this.path(cluster, id));
      return true;
    } catch (err) {
      if (isFault(err, "not_found")) return false;
      throw err;
    }
  }
}
