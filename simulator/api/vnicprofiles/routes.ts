// /vnicprofiles and /networks/{id}/vnicprofiles (AssignedVnicProfiles): list, get, add, update, remove.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { mandatory, notFound } from "../../http/faults";
import type { Value } from "../../repr/tree";
import type { Answer, ApiRequest, Area } from "../context";
import { applyInput, readEntity } from "../common/input";
import { resolveRef } from "../common/lookup";
import type { Network } from "../networks/model";
import { getNetwork } from "../networks/routes";
import { collectionAnswer, entityAnswer, findByPathId, performedAnswer } from "../respond";
import { renderEntity } from "../../repr/tree";
import {
  DEFAULT_NETWORK_FILTER_ID,
  presentVnicProfile,
  VNIC_PROFILE,
  VNIC_PROFILE_KIND,
  type VnicProfile,
} from "./model";
import { validateAdd, validateRemove, validateUpdate } from "./rules";

interface Scope {
  path: string;
  network?: Network;
}

function scope(engine: EngineContext, req: ApiRequest): Scope {
  if (req.params.networkId === undefined) return { path: VNIC_PROFILE.path };
  const network = getNetwork(engine, req.params.networkId);
  return { network, path: `networks/${network.id}/vnicprofiles` };
}

function getProfile(engine: EngineContext, rawId: string, networkId?: string): VnicProfile {
  const p = findByPathId<VnicProfile>(engine.store, VNIC_PROFILE_KIND, rawId);
  if (networkId !== undefined && p.network.id !== networkId) throw notFound();
  return p;
}

/** The members a client may set; the network only by id. */
function fromInput(input: Value): Partial<VnicProfile> {
  // A profile has no comment in the engine (VnicProfileMapper): one in the body is dropped.
  const {
    id: _id,
    comment: _comment,
    network,
    failover,
    network_filter,
    ...rest
  } = input as Partial<VnicProfile> & {
    comment?: string;
    network?: { id?: string };
    failover?: { id?: string };
    network_filter?: { id?: string };
  };
  return {
    ...rest,
    ...(network?.id ? { network: { id: network.id.toLowerCase() } } : {}),
    ...(failover?.id ? { failover: { id: failover.id.toLowerCase() } } : {}),
    ...(network_filter?.id ? { network_filter: { id: network_filter.id.toLowerCase() } } : {}),
  };
}

function list(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  const all = engine.store
    .list<VnicProfile>(VNIC_PROFILE_KIND, (p) => !s.network || p.network.id === s.network.id)
    .sort((a, b) => a.name.localeCompare(b.name));
  const max =
    req.ctx.query.max !== undefined && /^\d+$/.test(req.ctx.query.max)
      ? Number(req.ctx.query.max)
      : undefined;
  return collectionAnswer(
    VNIC_PROFILE,
    (max === undefined ? all : all.slice(0, max)).map(presentVnicProfile),
    req.ctx,
    s.path,
  );
}

function get(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  return entityAnswer(
    VNIC_PROFILE,
    presentVnicProfile(getProfile(engine, req.params.id, s.network?.id)),
    req.ctx,
    s.path,
  );
}

function add(engine: EngineContext, req: ApiRequest): Answer {
  const s = scope(engine, req);
  const raw = readEntity(
    req,
    VNIC_PROFILE,
    s.network ? "assignedvnicprofiles/methods/add" : "vnicprofiles/methods/add",
  );
  if (!raw || raw.name === undefined) throw mandatory("vnic_profile.name");
  const input = fromInput(raw);
  if (!s.network && !input.network) throw mandatory("vnic_profile.network.id");
  const network =
    s.network ??
    resolveRef<Network>(engine.store, "network", "Network", { id: (raw.network as { id: string }).id });
  const p: VnicProfile = {
    id: crypto.randomUUID(),
    name: "",
    port_mirroring: false,
    pass_through: { mode: "disabled" },
    ...input,
    network: { id: network.id },
  };
  // Without a filter in the request the engine uses its default one (not on pass-through profiles).
  if (!raw.network_filter && p.pass_through.mode !== "enabled")
    p.network_filter = { id: DEFAULT_NETWORK_FILTER_ID };
  validateAdd(engine, p, network);
  engine.store.insert(VNIC_PROFILE_KIND, p);
  return {
    status: 201,
    node: renderEntity(VNIC_PROFILE, presentVnicProfile(p), req.ctx.render, s.path),
    headers: { location: `${req.ctx.origin}${req.ctx.render.base}/${s.path}/${p.id}` },
  };
}

function update(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  const old = getProfile(engine, req.params.id, s.network?.id);
  const input = fromInput(readEntity(req, VNIC_PROFILE, "vnicprofile/methods/update") ?? {});
  const p = applyInput(old, input as Value, new Set(["network", "custom_properties"]));
  if (p.pass_through.mode === "enabled") delete p.network_filter;
  validateUpdate(engine, old, p);
  engine.store.update(VNIC_PROFILE_KIND, p);
  return entityAnswer(VNIC_PROFILE, presentVnicProfile(p), req.ctx, s.path);
}

function remove(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  const p = getProfile(engine, req.params.id, s.network?.id);
  validateRemove(engine, p);
  engine.store.remove(VNIC_PROFILE_KIND, p.id);
  return performedAnswer(req.ctx);
}

export const vnicProfileRoutes: Area = (engine) =>
  ["/vnicprofiles", "/networks/:networkId/vnicprofiles"].flatMap((base) => [
    { method: "GET" as const, path: base, handle: (req: ApiRequest) => list(engine, req) },
    { method: "POST" as const, path: base, handle: (req: ApiRequest) => add(engine, req) },
    { method: "GET" as const, path: `${base}/:id`, handle: (req: ApiRequest) => get(engine, req) },
    { method: "PUT" as const, path: `${base}/:id`, handle: (req: ApiRequest) => update(engine, req) },
    { method: "DELETE" as const, path: `${base}/:id`, handle: (req: ApiRequest) => remove(engine, req) },
  ]);
