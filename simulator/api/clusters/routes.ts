// /clusters, /clusters/{id} and the same service under /datacenters/{id}/clusters.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { entityNotFound, mandatory, mandatoryEither, notFound } from "../../http/faults";
import type { Value } from "../../repr/tree";
import type { ApiRequest, Area } from "../context";
import { applyInput, readEntity } from "../common/input";
import { completeLevel } from "../common/levels";
import { resolveRef, type Ref } from "../common/lookup";
import { listWithSearch } from "../common/search";
import type { DataCenter } from "../datacenters/model";
import { getDataCenter } from "../datacenters/routes";
import {
  attachManagementNetwork,
  detachCluster,
  MANAGEMENT_NETWORK_NAME,
  type Network,
} from "../networks/model";
import { collectionAnswer, createdAnswer, entityAnswer, findByPathId, performedAnswer } from "../respond";
import { findSchedulingPolicy } from "../schedulingpolicies/catalog";
import { SETUP_IDS } from "../../setup";
import { defaultBiosType, newCluster } from "./defaults";
import type { Vm } from "../vms/model";
import { CLUSTER, clusterSearch, presentCluster, type Cluster } from "./model";
import { validateAdd, validateRemove, validateUpdate } from "./rules";

/** The references a body may carry, resolved separately from the plain members. */
interface ClusterInput {
  changes: Value;
  dataCenter?: Ref;
  managementNetwork?: Ref;
  schedulingPolicy?: Ref;
}

const hasRef = (r: unknown): r is Ref =>
  !!r && ((r as Ref).id !== undefined || (r as Ref).name !== undefined);

/** The CPU type decides the architecture when the client does not name one. */
function architectureOf(cpuType: string): "x86_64" | "ppc64" | "s390x" {
  if (/power/i.test(cpuType)) return "ppc64";
  if (/ibm z|s390/i.test(cpuType)) return "s390x";
  return "x86_64";
}

function splitInput(input: Value): ClusterInput {
  const {
    id: _id,
    data_center,
    management_network,
    scheduling_policy,
    mac_pool,
    version,
    cpu,
    ...rest
  } = input as Record<string, unknown> & {
    version?: { major?: number; minor?: number };
    mac_pool?: Ref;
    cpu?: { type?: string; architecture?: string };
  };
  const changes: Value = { ...rest };
  const level = completeLevel(version);
  if (level) changes.version = level;
  if (mac_pool?.id) changes.mac_pool = { id: mac_pool.id.toLowerCase() };
  if (cpu)
    changes.cpu = cpu.type && !cpu.architecture ? { ...cpu, architecture: architectureOf(cpu.type) } : cpu;
  // A migration policy is referenced by id only; a reference without one changes nothing.
  const migration = changes.migration as { policy?: Ref } | undefined;
  if (migration?.policy?.id) migration.policy = { id: migration.policy.id.toLowerCase() };
  else if (migration) delete migration.policy;
  return {
    changes,
    dataCenter: hasRef(data_center) ? data_center : undefined,
    managementNetwork: hasRef(management_network) ? management_network : undefined,
    schedulingPolicy: hasRef(scheduling_policy) ? scheduling_policy : undefined,
  };
}

function managementNetworkId(engine: EngineContext, dcId: string, ref: Ref | undefined): string | undefined {
  const networks = engine.store.list<Network>("network", (n) => n.data_center?.id === dcId);
  if (!ref) return networks.find((n) => n.name === MANAGEMENT_NETWORK_NAME)?.id;
  const found = networks.find((n) => (ref.id ? n.id === ref.id.toLowerCase() : n.name === ref.name));
  if (!found) throw entityNotFound(ref.id ? `Network: id=${ref.id}` : `Network: name=${ref.name}`);
  return found.id;
}

/** Applies the plain members and the scheduling policy (whose default properties come along). */
function applyClusterInput(base: Cluster, input: ClusterInput): Cluster {
  const c = applyInput(base, input.changes, new Set(["mac_pool"]));
  if (input.schedulingPolicy) {
    const ref = input.schedulingPolicy;
    const policy = findSchedulingPolicy(ref);
    if (!policy)
      throw entityNotFound(ref.id ? `SchedulingPolicy: id=${ref.id}` : `SchedulingPolicy: name=${ref.name}`);
    c.scheduling_policy = { id: policy.id };
    if (input.changes.custom_scheduling_policy_properties === undefined) {
      c.custom_scheduling_policy_properties = policy.properties.map((p) => ({ ...p }));
    }
  }
  return c;
}

function dcName(engine: EngineContext): (id: string) => string | undefined {
  return (id) => engine.store.get<DataCenter>("data_center", id)?.name;
}

function getCluster(engine: EngineContext, rawId: string, dcId?: string): Cluster {
  const c = findByPathId<Cluster>(engine.store, "cluster", rawId);
  if (dcId !== undefined && c.data_center?.id !== dcId) throw notFound();
  return c;
}

/** Where clusters listed through this request live: top level, or under their data center. */
function scope(engine: EngineContext, req: ApiRequest): { dc?: DataCenter; path: string } {
  if (req.params.dcId === undefined) return { path: CLUSTER.path };
  const dc = getDataCenter(engine, req.params.dcId);
  return { dc, path: `datacenters/${dc.id}/clusters` };
}

function list(engine: EngineContext, req: ApiRequest) {
  const { dc, path } = scope(engine, req);
  const all = engine.store.list<Cluster>("cluster", (c) => !dc || c.data_center?.id === dc.id);
  const found = listWithSearch(all, req.ctx.query, clusterSearch(dcName(engine)), (c) => c.name);
  return collectionAnswer(
    CLUSTER,
    found.map((c) => presentCluster(c, req.ctx.allContent)),
    req.ctx,
    path,
  );
}

function get(engine: EngineContext, req: ApiRequest) {
  const { dc, path } = scope(engine, req);
  const c = getCluster(engine, req.params.id, dc?.id);
  return entityAnswer(CLUSTER, presentCluster(c, req.ctx.allContent), req.ctx, path);
}

function add(engine: EngineContext, req: ApiRequest) {
  const { dc: scopeDc } = scope(engine, req);
  const raw = readEntity(req, CLUSTER, "clusters/methods/add");
  if (!raw) throw mandatory("cluster");
  if (raw.name === undefined) throw mandatory("cluster.name");
  const input = splitInput(raw);
  if (!scopeDc && !input.dataCenter)
    throw mandatoryEither("cluster.data_center.id", "cluster.data_center.name");
  const dc = scopeDc ?? resolveRef<DataCenter>(engine.store, "data_center", "Datacenter", input.dataCenter!);
  const base = newCluster(engine.personality, {
    id: crypto.randomUUID(),
    name: raw.name as string,
    version: dc.version,
    macPoolId: SETUP_IDS.defaultMacPool,
    dataCenterId: dc.id,
    managementNetworkId: managementNetworkId(engine, dc.id, input.managementNetwork),
  });
  const c = applyClusterInput(base, input);
  // A new cluster's chipset follows its final level unless the client chose one (4.4 engines).
  if (engine.personality.model44 && input.changes.bios_type === undefined)
    c.bios_type = defaultBiosType(c.version);
  validateAdd(engine, c, dc);
  engine.store.transaction(() => {
    engine.store.insert("cluster", c);
    // AddClusterCommand.attachManagementNetwork: the management network is assigned with its roles.
    if (c.management_network) attachManagementNetwork(engine.store, c.id, c.management_network.id);
  });
  return createdAnswer(CLUSTER, presentCluster(c, req.ctx.allContent), req.ctx);
}

function update(engine: EngineContext, req: ApiRequest) {
  const { dc: scopeDc, path } = scope(engine, req);
  const old = getCluster(engine, req.params.id, scopeDc?.id);
  const input = splitInput(readEntity(req, CLUSTER, "cluster/methods/update") ?? {});
  const targetDc = input.dataCenter
    ? resolveRef<DataCenter>(engine.store, "data_center", "Datacenter", input.dataCenter)
    : old.data_center && engine.store.get<DataCenter>("data_center", old.data_center.id);
  const c = applyClusterInput(old, input);
  if (targetDc) c.data_center = { id: targetDc.id };
  validateUpdate(engine, old, c, targetDc || undefined);
  if (targetDc && (!old.data_center || input.managementNetwork)) {
    c.management_network = { id: managementNetworkId(engine, targetDc.id, input.managementNetwork)! };
  }
  engine.store.transaction(() => {
    engine.store.update("cluster", c);
    // UpdateClusterCommand: a new level reaches a running VM only when it boots again, so the engine
    // gives it a next-run configuration (next_run_configuration_exists, "needs a restart").
    if (levelChanged(old, c)) markRunningVmsForRestart(engine, c.id);
    // A detached cluster joining a data center gets that data center's management network assigned.
    if (!old.data_center && c.management_network) {
      detachCluster(engine.store, c.id);
      attachManagementNetwork(engine.store, c.id, c.management_network.id);
    }
  });
  return entityAnswer(CLUSTER, presentCluster(c, req.ctx.allContent), req.ctx, path);
}

function levelChanged(old: Cluster, c: Cluster): boolean {
  return old.version?.major !== c.version?.major || old.version?.minor !== c.version?.minor;
}

function markRunningVmsForRestart(engine: EngineContext, clusterId: string): void {
  const running = engine.store.list<Vm>("vm", (v) => v.cluster?.id === clusterId && v.status !== "down");
  for (const vm of running) engine.store.update("vm", { ...vm, next_run: vm.next_run ?? {} });
}

function remove(engine: EngineContext, req: ApiRequest) {
  const { dc } = scope(engine, req);
  const c = getCluster(engine, req.params.id, dc?.id);
  validateRemove(engine, c);
  engine.store.transaction(() => {
    detachCluster(engine.store, c.id);
    engine.store.remove("cluster", c.id);
  });
  return performedAnswer(req.ctx);
}

export const clusterRoutes: Area = (engine) =>
  ["/clusters", "/datacenters/:dcId/clusters"].flatMap((base) => [
    { method: "GET" as const, path: base, handle: (req: ApiRequest) => list(engine, req) },
    { method: "POST" as const, path: base, handle: (req: ApiRequest) => add(engine, req) },
    { method: "GET" as const, path: `${base}/:id`, handle: (req: ApiRequest) => get(engine, req) },
    { method: "PUT" as const, path: `${base}/:id`, handle: (req: ApiRequest) => update(engine, req) },
    { method: "DELETE" as const, path: `${base}/:id`, handle: (req: ApiRequest) => remove(engine, req) },
  ]);
