// /clusters/{id}/glustervolumes[/{id}] (create, list, get, remove; start, stop, setoption,
// resetoption, resetalloptions) and .../glusterbricks (list, get, add, remove: AddBricksToGlusterVolume
// and GlusterVolumeRemoveBricks, forced, without data migration). A volume's data is the storage directory of
// `server:/volume` in the data plane (dataplane/storage.ts), which storage domains then use.
import crypto from "node:crypto";
import fs from "node:fs";
import type { EngineContext } from "../../context";
import { storageDir } from "../../dataplane/storage";
import { ApiFault, entityNotFound, mandatory, notFound, syntaxFault } from "../../http/faults";
import { BodyShapeError, decodeStruct, parseBody } from "../../repr/decode";
import { field, PropertyStruct, struct, T, type EntityType, type Struct } from "../../repr/schema";
import { element, renderEntity, type Node, type Value } from "../../repr/tree";
import type { Answer, ApiRequest, Area } from "../context";
import { readEntity } from "../common/input";
import { commandFailed, fail, type Action, type MessageKey } from "../common/messages";
import { listWithSearch } from "../common/search";
import type { Cluster } from "../clusters/model";
import { recordEvent } from "../events/record";
import { ActionFault, actionAnswer, performAction } from "../jobs/command";
import { jobText, recordJob } from "../jobs/record";
import {
  collectionAnswer,
  createdAnswer,
  entityAnswer,
  findByPathId,
  isUuid,
  pathId,
  performedAnswer,
} from "../respond";
import type { HostRow } from "../storagedomains/rules";
import {
  GLUSTER_VOLUME,
  GLUSTER_VOLUME_SEARCH,
  VOLUME_TYPES,
  type GlusterBrick,
  type GlusterVolume,
} from "./model";

const BRICK: EntityType = {
  element: "brick",
  plural: "bricks",
  path: "glusterbricks",
  struct: struct("GlusterBrick", [
    field("brick_dir", T.string),
    field("server_id", T.string),
    field("status", T.string),
    field("gluster_volume", T.ref()),
  ]),
  links: ["statistics"],
  actions: { model43: ["replace"], model44: ["replace"] },
};

function volumesPath(clusterId: string): string {
  return `clusters/${clusterId}/glustervolumes`;
}

function getCluster(engine: EngineContext, rawId: string): Cluster {
  return findByPathId<Cluster>(engine.store, "cluster", rawId);
}

function getVolume(engine: EngineContext, req: ApiRequest): { cluster: Cluster; volume: GlusterVolume } {
  const cluster = getCluster(engine, req.params.clusterId);
  const volume = engine.store.get<GlusterVolume>("gluster_volume", pathId(req.params.id));
  if (!volume || volume.cluster.id !== cluster.id) throw notFound();
  return { cluster, volume };
}

function present(v: GlusterVolume): Value {
  const { bricks: _b, connection: _c, ...rest } = v;
  return rest;
}

function list(engine: EngineContext, req: ApiRequest): Answer {
  const cluster = getCluster(engine, req.params.clusterId);
  const all = engine.store.list<GlusterVolume>("gluster_volume", (v) => v.cluster.id === cluster.id);
  const found = listWithSearch(all, req.ctx.query, GLUSTER_VOLUME_SEARCH, (v) => v.name);
  return collectionAnswer(GLUSTER_VOLUME, found.map(present), req.ctx, volumesPath(cluster.id));
}

function get(engine: EngineContext, req: ApiRequest): Answer {
  const { cluster, volume } = getVolume(engine, req);
  return entityAnswer(GLUSTER_VOLUME, present(volume), req.ctx, volumesPath(cluster.id));
}

function failVolume(action: Action, key: MessageKey, v: { name: string }): ApiFault {
  return fail(action, "Gluster Volume", key, { volumeName: v.name });
}

function add(engine: EngineContext, req: ApiRequest): Answer {
  const cluster = getCluster(engine, req.params.clusterId);
  const raw = readEntity(req, GLUSTER_VOLUME, "glustervolumes/methods/add");
  if (!raw) throw mandatory("gluster_volume");
  if (raw.name === undefined) throw mandatory("gluster_volume.name");
  if (raw.volume_type === undefined) throw mandatory("gluster_volume.volume_type");
  const bricksIn = (raw.bricks ?? []) as Array<Partial<GlusterBrick>>;
  if (bricksIn.length === 0) throw mandatory("gluster_volume.bricks");
  for (const b of bricksIn) {
    if (b.brick_dir === undefined) throw mandatory("gluster_volume.bricks.brick_dir");
    if (b.server_id === undefined) throw mandatory("gluster_volume.bricks.server_id");
  }
  const name = raw.name as string;
  if (
    engine.store.list<GlusterVolume>("gluster_volume", (v) => v.cluster.id === cluster.id && v.name === name)
      .length
  ) {
    throw failVolume("create", "ACTION_TYPE_FAILED_GLUSTER_VOLUME_NAME_ALREADY_EXISTS", { name });
  }
  const bricks: GlusterBrick[] = bricksIn.map((b) => {
    const serverId = String(b.server_id);
    const host = isUuid(serverId)
      ? engine.store.get<HostRow & { address?: string }>("host", serverId.toLowerCase())
      : undefined;
    if (!host) throw entityNotFound(`Hosts: id=${serverId}`);
    return {
      id: crypto.randomUUID(),
      name: `${host.address ?? host.name}:${b.brick_dir}`,
      server_id: host.id,
      brick_dir: String(b.brick_dir),
      status: "down",
    };
  });
  const volumeType = raw.volume_type as (typeof VOLUME_TYPES)[number];
  const replicated = volumeType.includes("replicate");
  const volume: GlusterVolume = {
    id: crypto.randomUUID(),
    name,
    cluster: { id: cluster.id },
    volume_type: volumeType,
    transport_types: (raw.transport_types as GlusterVolume["transport_types"] | undefined) ?? ["tcp"],
    replica_count: (raw.replica_count as number | undefined) ?? (replicated ? bricks.length : 1),
    stripe_count: (raw.stripe_count as number | undefined) ?? 0,
    disperse_count: (raw.disperse_count as number | undefined) ?? 0,
    redundancy_count: (raw.redundancy_count as number | undefined) ?? 0,
    options: ((raw.options ?? []) as Array<{ name: string; value: string }>).map((o) => ({
      name: o.name,
      value: o.value,
    })),
    status: "down",
    bricks,
    connection: `${bricks[0].name.split(":")[0]}:/${name}`,
  };
  engine.store.transaction(() => {
    engine.store.insert("gluster_volume", volume);
    recordJob(engine, {
      description: jobText("CreateGlusterVolume", { GlusterVolume: name, Cluster: cluster.name }),
      correlationId: req.ctx.correlationId,
    });
    recordEvent(engine, {
      type: "GLUSTER_VOLUME_CREATE",
      vars: { glusterVolumeName: name, clusterName: cluster.name },
      correlationId: req.ctx.correlationId,
      cluster,
    });
  });
  // The volume's storage, as a client mounting `server:/volume` sees it.
  fs.mkdirSync(storageDir(engine.dataPlane, volume.connection), { recursive: true });
  const answer = createdAnswer(GLUSTER_VOLUME, present(volume), req.ctx);
  return {
    ...answer,
    node: renderEntity(GLUSTER_VOLUME, present(volume), req.ctx.render, volumesPath(cluster.id)),
    headers: { location: `${req.ctx.origin}${req.ctx.render.base}/${volumesPath(cluster.id)}/${volume.id}` },
  };
}

function remove(engine: EngineContext, req: ApiRequest): Answer {
  const { volume } = getVolume(engine, req);
  if (volume.status === "up") throw failVolume("remove", "ACTION_TYPE_FAILED_GLUSTER_VOLUME_IS_UP", volume);
  // Deleting a volume leaves the data on the bricks (and in the data plane).
  engine.store.remove("gluster_volume", volume.id);
  return performedAnswer(req.ctx);
}

// ----- actions -----

const ActionStruct = struct("Action", [field("force", T.boolean), field("option", T.struct(PropertyStruct))]);

function readAction(req: ApiRequest, usage: string): Value {
  try {
    const raw = parseBody(req.body, req.ctx.bodyFormat, "action");
    return raw === undefined ? {} : decodeStruct(ActionStruct, raw, req.ctx.render.model44);
  } catch (err) {
    if (err instanceof BodyShapeError) throw syntaxFault(req.ctx.origin, usage);
    throw err;
  }
}

function startStop(engine: EngineContext, req: ApiRequest, start: boolean): Answer {
  const { cluster, volume } = getVolume(engine, req);
  readAction(req, `glustervolume/methods/${start ? "start" : "stop"}`);
  return performAction(
    engine,
    req,
    {
      job: {
        description: jobText(start ? "StartGlusterVolume" : "StopGlusterVolume", {
          GlusterVolume: volume.name,
        }),
      },
    },
    () => {
      if (start && volume.status === "up")
        throw failVolume("start", "ACTION_TYPE_FAILED_GLUSTER_VOLUME_ALREADY_STARTED", volume);
      if (!start && volume.status === "down")
        throw failVolume("stop", "ACTION_TYPE_FAILED_GLUSTER_VOLUME_ALREADY_STOPPED", volume);
    },
    () => {
      const status = start ? "up" : "down";
      engine.store.update("gluster_volume", {
        ...volume,
        status,
        bricks: volume.bricks.map((b) => ({ ...b, status })),
      });
      recordEvent(engine, {
        type: start ? "GLUSTER_VOLUME_START" : "GLUSTER_VOLUME_STOP",
        vars: { glusterVolumeName: volume.name, clusterName: cluster.name },
        correlationId: req.ctx.correlationId,
        cluster,
      });
    },
  );
}

/** An option action: validation faults come back inside a failed <action>. */
function optionAction(
  engine: EngineContext,
  req: ApiRequest,
  usage: string,
  change: (v: GlusterVolume, option: { name?: string; value?: string } | undefined) => GlusterVolume,
): Answer {
  const { volume } = getVolume(engine, req);
  const body = readAction(req, usage);
  let next: GlusterVolume;
  try {
    next = change(volume, body.option as { name?: string; value?: string } | undefined);
  } catch (err) {
    if (err instanceof ApiFault && !(err instanceof ActionFault)) throw new ActionFault(err);
    throw err;
  }
  engine.store.update("gluster_volume", next);
  return actionAnswer(req, undefined);
}

function setOption(engine: EngineContext, req: ApiRequest): Answer {
  return optionAction(engine, req, "glustervolume/methods/set_option", (v, o) => {
    if (o?.name === undefined) throw mandatory("action.option.name");
    if (o.value === undefined) throw mandatory("action.option.value");
    const options = v.options.filter((x) => x.name !== o.name);
    return { ...v, options: [...options, { name: o.name, value: o.value }] };
  });
}

function resetOption(engine: EngineContext, req: ApiRequest): Answer {
  return optionAction(engine, req, "glustervolume/methods/reset_option", (v, o) => {
    if (o?.name === undefined) throw mandatory("action.option.name");
    return { ...v, options: v.options.filter((x) => x.name !== o.name) };
  });
}

function resetAllOptions(engine: EngineContext, req: ApiRequest): Answer {
  return optionAction(engine, req, "glustervolume/methods/reset_all_options", (v) => ({ ...v, options: [] }));
}

// ----- bricks -----

function brickNode(volume: GlusterVolume, b: GlusterBrick, req: ApiRequest): Node {
  const value = { ...b, gluster_volume: { id: volume.id } };
  const node = renderEntity(
    BRICK,
    value,
    req.ctx.render,
    `${volumesPath(volume.cluster.id)}/${volume.id}/glusterbricks`,
  );
  // The volume reference carries its href (BackendGlusterBrickResource).
  if (node.kind === "element") {
    const ref = node.children.find((c) => c.kind === "element" && c.name === "gluster_volume");
    if (ref && ref.kind === "element")
      ref.attrs.unshift(["href", `${req.ctx.render.base}/${volumesPath(volume.cluster.id)}/${volume.id}`]);
  }
  return node;
}

function listBricks(engine: EngineContext, req: ApiRequest): Answer {
  const { volume } = getVolume(engine, req);
  const base = `${req.ctx.render.base}/${volumesPath(volume.cluster.id)}/${volume.id}/glusterbricks`;
  const actions = element("actions", [
    {
      kind: "repeated",
      name: "link",
      items: ["migrate", "stopmigrate", "activate"].map((rel) =>
        element(
          "link",
          [],
          [
            ["href", `${base}/${rel}`],
            ["rel", rel],
          ],
        ),
      ),
    },
  ]);
  const items = volume.bricks.map((b) => brickNode(volume, b, req));
  return { status: 200, node: element("bricks", [actions, { kind: "repeated", name: "brick", items }]) };
}

function getBrick(engine: EngineContext, req: ApiRequest): Answer {
  const { volume } = getVolume(engine, req);
  const b = volume.bricks.find((x) => x.id === pathId(req.params.brickId));
  if (!b) throw notFound();
  return { status: 200, node: brickNode(volume, b, req) };
}

/** A brick as a request gives it (add: server_id and brick_dir; remove: id or `host:/dir` name). */
const BrickInStruct = struct("GlusterBrick", [
  field("id", T.string),
  field("name", T.string),
  field("brick_dir", T.string),
  field("server_id", T.string),
]);
const BricksStruct = struct("GlusterBricks", [field("bricks", T.list("brick", T.struct(BrickInStruct)))]);
const RemoveActionStruct: Struct = BricksStruct;

type BrickIn = Partial<Pick<GlusterBrick, "id" | "name" | "brick_dir" | "server_id">>;

/** CompletenessAssertor's answer for a brick: `GlusterBrick [serverId, brickDir] required for add`. */
function incompleteBrick(missing: string[], method: string): ApiFault {
  return new ApiFault(
    400,
    "Incomplete parameters",
    `GlusterBrick [${missing.join(", ")}] required for ${method}`,
  );
}

/** ParametersHelper.getIntegerParameter: the query's value, 0 when absent. */
function intParam(req: ApiRequest, name: string, usage: string): number {
  const raw = req.ctx.query[name];
  if (raw === undefined || raw === "") return 0;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw syntaxFault(req.ctx.origin, usage);
  return n;
}

function readBricks(req: ApiRequest, usage: string, roots: string[]): BrickIn[] {
  for (const root of roots) {
    try {
      const raw = parseBody(req.body, req.ctx.bodyFormat, root);
      if (raw === undefined) return [];
      // JSON: an action carries `bricks`, a bare collection `brick`.
      const holder =
        root === "action" || (req.ctx.bodyFormat === "json" && (raw as Record<string, unknown>).bricks)
          ? raw
          : { bricks: raw };
      const decoded = decodeStruct(RemoveActionStruct, holder, req.ctx.render.model44);
      return (decoded.bricks ?? []) as BrickIn[];
    } catch (err) {
      if (err instanceof BodyShapeError && req.ctx.bodyFormat === "xml" && root !== roots[roots.length - 1])
        continue;
      if (err instanceof BodyShapeError) throw syntaxFault(req.ctx.origin, usage);
      throw err;
    }
  }
  return [];
}

function failBricks(action: Action, key: MessageKey, vars?: Record<string, string>): ApiFault {
  return commandFailed(action, "Brick(s)", [{ key, vars }]);
}

/** GlusterCommandBase.validate: a server of the cluster that is up. */
function checkUpServer(engine: EngineContext, cluster: Cluster, action: Action): void {
  const up = engine.store.list<HostRow>("host", (h) => h.cluster?.id === cluster.id && h.status === "up");
  if (up.length === 0)
    throw failBricks(action, "ACTION_TYPE_FAILED_NO_UP_SERVER_FOUND", { clusterName: cluster.name });
}

const isReplicated = (v: GlusterVolume) => v.volume_type.includes("replicate");
const isStriped = (v: GlusterVolume) => v.volume_type.includes("stripe");
const isDispersed = (v: GlusterVolume) => v.volume_type.includes("disperse");

/** POST .../glusterbricks (BackendGlusterBricksResource.add, AddBricksToGlusterVolumeCommand). */
function addBricks(engine: EngineContext, req: ApiRequest): Answer {
  const { cluster, volume } = getVolume(engine, req);
  const usage = "gluster_bricks/methods/add";
  const input = readBricks(req, usage, ["bricks"]);
  for (const b of input) {
    const missing = [
      b.server_id === undefined ? "serverId" : "",
      b.brick_dir === undefined ? "brickDir" : "",
    ];
    if (missing.some((m) => m))
      throw incompleteBrick(
        missing.filter((m) => m),
        "add",
      );
  }
  const replicaCount = intParam(req, "replica_count", usage);
  const stripeCount = intParam(req, "stripe_count", usage);
  checkUpServer(engine, cluster, "add");
  if (input.length === 0) throw failBricks("add", "ACTION_TYPE_FAILED_BRICKS_REQUIRED");
  if (isReplicated(volume)) {
    if (replicaCount > volume.replica_count + 1)
      throw failBricks("add", "ACTION_TYPE_FAILED_CAN_NOT_INCREASE_REPLICA_COUNT_MORE_THAN_ONE");
    if (replicaCount < volume.replica_count)
      throw failBricks("add", "ACTION_TYPE_FAILED_CAN_NOT_REDUCE_REPLICA_COUNT");
  }
  if (isStriped(volume) && stripeCount < volume.stripe_count)
    throw failBricks("add", "ACTION_TYPE_FAILED_CAN_NOT_REDUCE_REPLICA_COUNT");
  if (isDispersed(volume))
    throw failBricks("add", "ACTION_TYPE_FAILED_ADD_BRICK_TO_DISPERSE_VOLUME_NOT_SUPPORTED");
  // updateBrickServerAndInterfaceNames: every server a host of the volume's cluster.
  const bricks: GlusterBrick[] = input.map((b) => {
    const serverId = String(b.server_id);
    const host = isUuid(serverId)
      ? engine.store.get<HostRow & { address?: string }>("host", serverId.toLowerCase())
      : undefined;
    if (!host || host.cluster?.id !== cluster.id)
      throw failBricks("add", "ACTION_TYPE_FAILED_INVALID_BRICK_SERVER_ID");
    return {
      id: crypto.randomUUID(),
      name: `${host.address ?? host.name}:${b.brick_dir}`,
      server_id: host.id,
      brick_dir: String(b.brick_dir),
      status: volume.status,
    };
  });
  // validateDuplicateBricks: within the request, then against every volume's bricks.
  const seen = new Set<string>();
  const all = engine.store.list<GlusterVolume>("gluster_volume");
  for (const b of bricks) {
    if (seen.has(b.name)) throw failBricks("add", "ACTION_TYPE_FAILED_DUPLICATE_BRICKS", { brick: b.name });
    seen.add(b.name);
    const owner = all.find((v) =>
      v.bricks.some((x) => x.server_id === b.server_id && x.brick_dir === b.brick_dir),
    );
    if (owner)
      throw failBricks("add", "ACTION_TYPE_FAILED_BRICK_ALREADY_EXISTS_IN_VOLUME", {
        brick: b.name,
        volumeName: owner.name,
      });
  }
  // validateNotSameServer, for hyper-converged (virt + gluster) clusters and replicated volumes.
  const hc = cluster.virt_service && cluster.gluster_service;
  if (hc && isReplicated(volume) && replicaCount > 1 && sameServerInReplicaSet(volume, bricks, replicaCount))
    throw failBricks("add", "ACTION_TYPE_FAILED_REPLICASET_SAME_SERVER");

  const increased = isReplicated(volume) && replicaCount > volume.replica_count;
  let next: GlusterBrick[];
  if (increased) {
    // Each replica set gets one of the new bricks at its end (addGlusterVolumeBricksInDb).
    next = [];
    const r = volume.replica_count;
    for (let set = 0; set * r < volume.bricks.length; set++) {
      next.push(...volume.bricks.slice(set * r, set * r + r));
      if (bricks[set]) next.push(bricks[set]);
    }
    next.push(...bricks.slice(Math.ceil(volume.bricks.length / r)));
  } else {
    next = [...volume.bricks, ...bricks];
  }
  let volumeType = volume.volume_type;
  const newReplica = increased ? replicaCount : volume.replica_count;
  if (volumeType === "replicate" && replicaCount < next.length) volumeType = "distributed_replicate";
  if (volumeType === "stripe" && stripeCount < next.length) volumeType = "distributed_stripe";
  const updated: GlusterVolume = {
    ...volume,
    volume_type: volumeType,
    replica_count: newReplica,
    stripe_count: isStriped(volume) && stripeCount > volume.stripe_count ? stripeCount : volume.stripe_count,
    bricks: next,
  };
  engine.store.transaction(() => {
    engine.store.update("gluster_volume", updated);
    recordJob(engine, {
      description: jobText("AddBricksToGlusterVolume", { GlusterVolume: volume.name }),
      correlationId: req.ctx.correlationId,
    });
    recordEvent(engine, {
      type: "GLUSTER_VOLUME_ADD_BRICK",
      vars: { NoOfBricks: String(bricks.length), glusterVolumeName: volume.name, clusterName: cluster.name },
      correlationId: req.ctx.correlationId,
      cluster,
    });
  });
  const base = `${req.ctx.render.base}/${volumesPath(cluster.id)}/${volume.id}/glusterbricks`;
  return {
    status: 201,
    node: element("bricks", [
      { kind: "repeated", name: "brick", items: bricks.map((b) => brickNode(updated, b, req)) },
    ]),
    headers: { location: `${req.ctx.origin}${base}` },
  };
}

/** GlusterCommandBase.validateNotSameServer (both forms). */
function sameServerInReplicaSet(volume: GlusterVolume, added: GlusterBrick[], replicaCount: number): boolean {
  if (volume.replica_count === replicaCount) {
    for (let i = 0; i + replicaCount <= added.length; i += replicaCount) {
      const servers = new Set(added.slice(i, i + replicaCount).map((b) => b.server_id));
      if (servers.size < replicaCount) return true;
    }
    return false;
  }
  const existing = volume.bricks.map((b) => b.server_id);
  const inc = replicaCount - volume.replica_count;
  for (let i = 0, j = 0; i <= existing.length - volume.replica_count; i += volume.replica_count, j += inc) {
    const set = new Set(existing.slice(i, i + volume.replica_count));
    if (added.slice(j, j + inc).some((b) => set.has(b.server_id))) return true;
  }
  return false;
}

/**
 * DELETE .../glusterbricks (BackendGlusterBricksResource.remove -> GlusterVolumeRemoveBricks, which
 * removes with force, without migrating data first) and DELETE .../glusterbricks/{id} (one brick).
 */
function removeBricks(engine: EngineContext, req: ApiRequest, single?: string): Answer {
  const { cluster, volume } = getVolume(engine, req);
  const usage = "gluster_bricks/methods/remove";
  let input: BrickIn[];
  if (single !== undefined) {
    const b = volume.bricks.find((x) => x.id === pathId(single));
    if (!b) throw notFound();
    input = [{ id: b.id }];
  } else {
    input = readBricks(req, usage, ["action", "bricks"]);
    for (const b of input)
      if (b.id === undefined && b.name === undefined) throw incompleteBrick(["id|name"], "remove");
  }
  // toParameters: a name without ':' is skipped.
  input = input.filter((b) => b.name === undefined || b.name.includes(":"));
  const param = intParam(req, "replica_count", usage);
  checkUpServer(engine, cluster, "remove");
  if (isDispersed(volume))
    throw failBricks("remove", "ACTION_TYPE_FAILED_REMOVE_BRICK_FROM_DISPERSE_VOLUME_NOT_SUPPORTED");
  // GlusterBrickValidator.canRemoveBrick(…, forceRemove = true).
  const replicaCount = param === 0 ? volume.replica_count : param;
  if (input.length === 0) throw failBricks("remove", "ACTION_TYPE_FAILED_BRICKS_REQUIRED");
  if (volume.bricks.length === 1 || volume.bricks.length <= input.length)
    throw failBricks("remove", "ACTION_TYPE_FAILED_CAN_NOT_REMOVE_ALL_BRICKS_FROM_VOLUME");
  if (isReplicated(volume)) {
    if (replicaCount < volume.replica_count - 1)
      throw failBricks("remove", "ACTION_TYPE_FAILED_CAN_NOT_REDUCE_REPLICA_COUNT_MORE_THAN_ONE");
    if (replicaCount > volume.replica_count)
      throw failBricks("remove", "ACTION_TYPE_FAILED_CAN_NOT_INCREASE_REPLICA_COUNT");
  }
  const removed = new Set<string>();
  for (const b of input) {
    const found =
      (b.id !== undefined ? volume.bricks.find((x) => x.id === b.id!.toLowerCase()) : undefined) ??
      (b.name !== undefined ? volume.bricks.find((x) => x.name === b.name) : undefined);
    if (!found) throw failBricks("remove", "ACTION_TYPE_FAILED_GLUSTER_BRICK_INVALID");
    removed.add(found.id);
  }
  const remaining = volume.bricks.filter((b) => !removed.has(b.id));
  // GlusterDBUtils.removeBricksFromVolumeInDb.
  let volumeType = volume.volume_type;
  if (volumeType === "distributed_replicate" && volume.replica_count === remaining.length)
    volumeType = "replicate";
  if (volumeType === "distributed_stripe" && volume.stripe_count === remaining.length) volumeType = "stripe";
  const updated: GlusterVolume = {
    ...volume,
    volume_type: volumeType,
    replica_count: isReplicated(volume) && param !== 0 ? param : volume.replica_count,
    bricks: remaining,
  };
  engine.store.transaction(() => {
    engine.store.update("gluster_volume", updated);
    recordJob(engine, {
      description: jobText("GlusterVolumeRemoveBricks", { GlusterVolume: volume.name }),
      correlationId: req.ctx.correlationId,
    });
    recordEvent(engine, {
      type: "GLUSTER_VOLUME_REMOVE_BRICKS",
      vars: { glusterVolumeName: volume.name, clusterName: cluster.name },
      correlationId: req.ctx.correlationId,
      cluster,
    });
  });
  return performedAnswer(req.ctx);
}

export const glusterVolumeRoutes: Area = (engine) => {
  const vols = "/clusters/:clusterId/glustervolumes";
  const vol = `${vols}/:id`;
  return [
    { method: "GET", path: vols, handle: (req) => list(engine, req) },
    { method: "POST", path: vols, handle: (req) => add(engine, req) },
    { method: "GET", path: vol, handle: (req) => get(engine, req) },
    { method: "DELETE", path: vol, handle: (req) => remove(engine, req) },
    { method: "POST", path: `${vol}/start`, handle: (req) => startStop(engine, req, true) },
    { method: "POST", path: `${vol}/stop`, handle: (req) => startStop(engine, req, false) },
    { method: "POST", path: `${vol}/setoption`, handle: (req) => setOption(engine, req) },
    { method: "POST", path: `${vol}/resetoption`, handle: (req) => resetOption(engine, req) },
    { method: "POST", path: `${vol}/resetalloptions`, handle: (req) => resetAllOptions(engine, req) },
    { method: "GET", path: `${vol}/glusterbricks`, handle: (req) => listBricks(engine, req) },
    { method: "GET", path: `${vol}/glusterbricks/:brickId`, handle: (req) => getBrick(engine, req) },
    { method: "POST", path: `${vol}/glusterbricks`, handle: (req) => addBricks(engine, req) },
    { method: "DELETE", path: `${vol}/glusterbricks`, handle: (req) => removeBricks(engine, req) },
    {
      method: "DELETE",
      path: `${vol}/glusterbricks/:brickId`,
      handle: (req) => removeBricks(engine, req, req.params.brickId),
    },
  ];
};
