// /networks, /datacenters/{id}/networks (the same service, hrefs under the data center) and
// /clusters/{id}/networks (a network's assignment to a cluster: attach, detach, roles).
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { ApiFault, malformedId, mandatoryEither, notFound } from "../../http/faults";
import { renderEntity, type Value } from "../../repr/tree";
import type { Answer, ApiRequest, Area } from "../context";
import type { Cluster } from "../clusters/model";
import { applyInput, readEntity } from "../common/input";
import { resolveRef, type Ref } from "../common/lookup";
import { fail } from "../common/messages";
import { listWithSearch } from "../common/search";
import type { DataCenter } from "../datacenters/model";
import { getDataCenter } from "../datacenters/routes";
import { collectionAnswer, entityAnswer, findByPathId, isUuid, performedAnswer } from "../respond";
import { defaultVnicProfile, VNIC_PROFILE_KIND } from "../vnicprofiles/model";
import {
  assignmentsOf,
  NETWORK,
  NETWORK_CLUSTER_KIND,
  networkClusterId,
  networkSearch,
  presentNetwork,
  removeNetwork,
  vdsmNameOf,
  type Network,
  type NetworkCluster,
} from "./model";
import { validateAdd, validateAttach, validateDetach, validateRemove, validateUpdate } from "./rules";

/** CompletenessAssertor's answer: `Network [dataCenter.name|id] required for add`. */
function incomplete(missing: string[], method: string): ApiFault {
  return new ApiFault(400, "Incomplete parameters", `Network [${missing.join(", ")}] required for ${method}`);
}

const hasRef = (r: unknown): r is Ref =>
  !!r && ((r as Ref).id !== undefined || (r as Ref).name !== undefined);

interface NetworkInput {
  changes: Partial<Network>;
  dataCenter?: Ref;
  required?: boolean;
  usages?: string[];
  profileRequired?: boolean;
}

/** Splits a decoded body into plain members, the data center reference and the per-cluster roles. */
function splitInput(input: Value): NetworkInput {
  const {
    id: _id,
    data_center,
    usages,
    required,
    profile_required,
    ...rest
  } = input as Record<string, unknown> & {
    usages?: string[];
    required?: boolean;
    profile_required?: boolean;
  };
  const changes = { ...rest } as Partial<Network>;
  if (usages) {
    changes.usages = usages;
    changes.vm_network = usages.includes("vm");
  }
  return {
    changes,
    dataCenter: hasRef(data_center) ? data_center : undefined,
    required,
    usages,
    profileRequired: profile_required,
  };
}

function dcName(engine: EngineContext): (id: string) => string | undefined {
  return (id) => engine.store.get<DataCenter>("data_center", id)?.name;
}

/** Where networks of this request live: top level, under a data center, or under a cluster. */
interface Scope {
  path: string;
  dc?: DataCenter;
  cluster?: Cluster;
}

function scope(engine: EngineContext, req: ApiRequest): Scope {
  if (req.params.dcId !== undefined) {
    const dc = getDataCenter(engine, req.params.dcId);
    return { dc, path: `datacenters/${dc.id}/networks` };
  }
  if (req.params.clusterId !== undefined) {
    const cluster = findByPathId<Cluster>(engine.store, "cluster", req.params.clusterId);
    return { cluster, path: `clusters/${cluster.id}/networks` };
  }
  return { path: NETWORK.path };
}

export function getNetwork(engine: EngineContext, rawId: string, dcId?: string): Network {
  const n = findByPathId<Network>(engine.store, "network", rawId);
  if (dcId !== undefined && n.data_center?.id !== dcId) throw notFound();
  return n;
}

function assignment(engine: EngineContext, clusterId: string, networkId: string): NetworkCluster | undefined {
  return engine.store.get<NetworkCluster>(NETWORK_CLUSTER_KIND, networkClusterId(clusterId, networkId));
}

function present(engine: EngineContext, n: Network, s: Scope): Value {
  return presentNetwork(n, s.cluster ? assignment(engine, s.cluster.id, n.id) : undefined);
}

function created(value: Value, req: ApiRequest, path: string): Answer {
  return {
    status: 201,
    node: renderEntity(NETWORK, value, req.ctx.render, path),
    headers: { location: `${req.ctx.origin}${req.ctx.render.base}/${path}/${String(value.id)}` },
  };
}

/**
 * The data center of an added network: by name the REST layer looks it up (404 "Entity not found"),
 * by id the command's HasStoragePoolValidator refuses an unknown one.
 */
function dataCenterOf(engine: EngineContext, ref: Ref): DataCenter {
  if (ref.id === undefined) return resolveRef<DataCenter>(engine.store, "data_center", "Datacenter", ref);
  if (!isUuid(ref.id)) throw malformedId(ref.id);
  const dc = engine.store.get<DataCenter>("data_center", ref.id.toLowerCase());
  if (!dc) throw fail("add", "Network", "ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST");
  return dc;
}

function list(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  const inCluster = s.cluster
    ? new Set(assignmentsOf(engine.store, { cluster: s.cluster.id }).map((a) => a.network.id))
    : undefined;
  const all = engine.store.list<Network>(
    "network",
    (n) => (!s.dc || n.data_center?.id === s.dc.id) && (!inCluster || inCluster.has(n.id)),
  );
  const found = listWithSearch(all, req.ctx.query, networkSearch(dcName(engine)), (n) => n.name);
  return collectionAnswer(
    NETWORK,
    found.map((n) => present(engine, n, s)),
    req.ctx,
    s.path,
  );
}

function get(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  const n = getNetwork(engine, req.params.id, s.dc?.id);
  if (s.cluster && !assignment(engine, s.cluster.id, n.id)) throw notFound();
  return entityAnswer(NETWORK, present(engine, n, s), req.ctx, s.path);
}

function add(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  if (s.cluster) return attach(engine, req, s.cluster, s.path);
  const raw = readEntity(req, NETWORK, "networks/methods/add");
  if (!raw || (raw.id === undefined && raw.name === undefined))
    throw mandatoryEither("network.id", "network.name");
  const input = splitInput(raw);
  const missing = [
    raw.name === undefined ? "name" : undefined,
    !s.dc && !input.dataCenter ? "dataCenter.name|id" : undefined,
  ].filter((m): m is string => !!m);
  if (missing.length > 0) throw incomplete(missing, "add");
  const dc = s.dc ?? dataCenterOf(engine, input.dataCenter!);
  const id = crypto.randomUUID();
  const n: Network = {
    id,
    name: "",
    description: "",
    comment: "",
    usages: ["vm"],
    vm_network: true,
    mtu: 0,
    stp: false,
    port_isolation: false,
    ...input.changes,
    data_center: { id: dc.id },
  };
  n.vdsm_name = vdsmNameOf(id, n.name);
  validateAdd(engine, n);
  engine.store.transaction(() => {
    engine.store.insert("network", n);
    // AddNetworkCommand.runAddVnicProfile: a VM network gets a profile of its name unless told otherwise.
    if (n.vm_network && input.profileRequired !== false) {
      engine.store.insert(VNIC_PROFILE_KIND, defaultVnicProfile(crypto.randomUUID(), n));
    }
  });
  return created(presentNetwork(n), req, s.path);
}

/** The roles a cluster assignment takes from `usages` and `required` (NetworkMapper on input). */
function withRoles(a: NetworkCluster, input: NetworkInput): NetworkCluster {
  const out = { ...a };
  if (input.usages) {
    out.display = input.usages.includes("display");
    out.migration = input.usages.includes("migration");
    out.management = input.usages.includes("management");
    out.gluster = input.usages.includes("gluster");
    out.default_route = input.usages.includes("default_route");
  }
  if (input.required !== undefined) out.required = input.required;
  return out;
}

/** POST /clusters/{id}/networks: AttachNetworkToCluster with the network named by id or name. */
function attach(engine: EngineContext, req: ApiRequest, cluster: Cluster, path: string) {
  const raw = readEntity(req, NETWORK, "clusternetworks/methods/add");
  if (!raw || (raw.id === undefined && raw.name === undefined))
    throw mandatoryEither("network.id", "network.name");
  const networks = engine.store.list<Network>(
    "network",
    (n) => n.data_center?.id === cluster.data_center?.id,
  );
  const byId = raw.id !== undefined ? networks.find((n) => n.id === String(raw.id).toLowerCase()) : undefined;
  const byName = raw.name !== undefined ? networks.find((n) => n.name === raw.name) : undefined;
  if ((raw.id !== undefined && !byId) || (raw.name !== undefined && !byName)) throw notFound();
  if (byId && byName && byId.id !== byName.id) {
    throw new ApiFault(
      400,
      "Operation Failed",
      `Network ID provided does not match the ID for network with name: ${String(raw.name)}`,
    );
  }
  const n = (byId ?? byName)!;
  const a = withRoles(
    {
      id: networkClusterId(cluster.id, n.id),
      cluster: { id: cluster.id },
      network: { id: n.id },
      required: true,
      display: false,
      migration: false,
      management: false,
      gluster: false,
      default_route: false,
    },
    splitInput(raw),
  );
  validateAttach(n, cluster, assignment(engine, cluster.id, n.id), a);
  engine.store.insert(NETWORK_CLUSTER_KIND, a);
  return created(presentNetwork(n, a), req, path);
}

function update(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  const old = getNetwork(engine, req.params.id, s.dc?.id);
  const raw = readEntity(req, NETWORK, "network/methods/update") ?? {};
  const input = splitInput(raw);
  if (s.cluster) {
    // UpdateNetworkOnCluster: only the roles and `required` of the assignment change.
    const a = assignment(engine, s.cluster.id, old.id);
    if (!a) throw notFound();
    const next = withRoles(a, input);
    engine.store.update(NETWORK_CLUSTER_KIND, next);
    return entityAnswer(NETWORK, presentNetwork(old, next), req.ctx, s.path);
  }
  const n = applyInput(old, input.changes as Value, new Set(["vlan"]));
  if (input.dataCenter) {
    n.data_center = {
      id: resolveRef<DataCenter>(engine.store, "data_center", "Datacenter", input.dataCenter).id,
    };
  }
  validateUpdate(engine, old, n);
  engine.store.update("network", n);
  return entityAnswer(NETWORK, presentNetwork(n), req.ctx, s.path);
}

function remove(engine: EngineContext, req: ApiRequest) {
  const s = scope(engine, req);
  const n = getNetwork(engine, req.params.id, s.dc?.id);
  if (s.cluster) {
    const a = assignment(engine, s.cluster.id, n.id);
    if (!a) throw notFound();
    validateDetach(engine, n, s.cluster);
    engine.store.remove(NETWORK_CLUSTER_KIND, a.id);
    return performedAnswer(req.ctx);
  }
  validateRemove(engine, n);
  engine.store.transaction(() => removeNetwork(engine.store, n.id));
  return performedAnswer(req.ctx);
}

export const networkRoutes: Area = (engine) =>
  ["/networks", "/datacenters/:dcId/networks", "/clusters/:clusterId/networks"].flatMap((base) => [
    { method: "GET" as const, path: base, handle: (req: ApiRequest) => list(engine, req) },
    { method: "POST" as const, path: base, handle: (req: ApiRequest) => add(engine, req) },
    { method: "GET" as const, path: `${base}/:id`, handle: (req: ApiRequest) => get(engine, req) },
    { method: "PUT" as const, path: `${base}/:id`, handle: (req: ApiRequest) => update(engine, req) },
    { method: "DELETE" as const, path: `${base}/:id`, handle: (req: ApiRequest) => remove(engine, req) },
  ]);
