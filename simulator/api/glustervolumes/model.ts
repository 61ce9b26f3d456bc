// Gluster volumes of a cluster (API-NOTES 3.7): the stored shape and the wire types (member order of
// samples/gluster_volume.xml; bricks as captured in samples/gluster_bricks.xml).
import { field, PropertyStruct, struct, T, type EntityType } from "../../repr/schema";
import type { Entity } from "../../store/entities";
import type { SearchFields } from "../common/search";

export const VOLUME_TYPES = [
  "distribute",
  "replicate",
  "distributed_replicate",
  "stripe",
  "distributed_stripe",
  "striped_replicate",
  "distributed_striped_replicate",
  "disperse",
  "distributed_disperse",
] as const;
export const GLUSTER_STATUSES = ["up", "down", "unknown"] as const;
export const TRANSPORT_TYPES = ["tcp", "rdma"] as const;

export interface GlusterBrick {
  id: string;
  /** `host address:/brick dir`. */
  name: string;
  server_id: string;
  brick_dir: string;
  status: (typeof GLUSTER_STATUSES)[number];
}

export interface GlusterVolume extends Entity {
  name: string;
  cluster: { id: string };
  volume_type: (typeof VOLUME_TYPES)[number];
  transport_types: Array<(typeof TRANSPORT_TYPES)[number]>;
  replica_count: number;
  stripe_count: number;
  disperse_count: number;
  redundancy_count: number;
  options: Array<{ name: string; value: string }>;
  status: (typeof GLUSTER_STATUSES)[number];
  bricks: GlusterBrick[];
  /** `server:/volume` of the first brick's server: where the volume's data lives in the data plane. */
  connection: string;
}

export const BrickStruct = struct("GlusterBrick", [
  field("name", T.string),
  field("brick_dir", T.string),
  field("server_id", T.string),
  field("status", T.enumOf("GlusterBrickStatus", GLUSTER_STATUSES), { readOnly: true }),
]);

export const GLUSTER_VOLUME: EntityType = {
  element: "gluster_volume",
  plural: "gluster_volumes",
  path: "glustervolumes",
  struct: struct("GlusterVolume", [
    field("disperse_count", T.int),
    field("options", T.list("option", T.struct(PropertyStruct))),
    field("redundancy_count", T.int),
    field("replica_count", T.int),
    field("status", T.enumOf("GlusterVolumeStatus", GLUSTER_STATUSES), { readOnly: true }),
    field("stripe_count", T.int),
    field("transport_types", T.list("transport_type", T.enumOf("TransportType", TRANSPORT_TYPES))),
    field("volume_type", T.enumOf("GlusterVolumeType", VOLUME_TYPES)),
    field("cluster", T.ref("clusters")),
    // Input only (add): the bricks.
    field("bricks", T.list("brick", T.struct(BrickStruct))),
  ]),
  links: ["glusterbricks", "statistics"],
  actions: {
    model43: ["start", "stop", "setoption", "resetoption", "resetalloptions"],
    model44: ["start", "stop", "setoption", "resetoption", "resetalloptions"],
  },
};

export const GLUSTER_VOLUME_SEARCH: SearchFields<GlusterVolume> = {
  name: (v) => v.name,
  status: (v) => v.status,
  type: (v) => v.volume_type,
  volume_type: (v) => v.volume_type,
};
