// /hosts and /hosts/{id}: list (search, max), get, add (async install), update, remove, the actions
// (activate, deactivate, install, upgradecheck, upgrade, fence, refresh) and /hosts/{id}/fenceagents.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { releaseHost } from "../../dataplane/hosts";
import { ApiFault, invalidValue, mandatory, mandatoryEither, syntaxFault } from "../../http/faults";
import { decodeStruct, parseBody } from "../../repr/decode";
import { field, struct, T } from "../../repr/schema";
import { element, leaf, type Value } from "../../repr/tree";
import type { ApiRequest, Area } from "../context";
import type { Cluster } from "../clusters/model";
import { applyInput, readEntity } from "../common/input";
import { resolveRef, type Ref } from "../common/lookup";
import { booleanParam, listWithSearch } from "../common/search";
import type { DataCenter } from "../datacenters/model";
import { recordEvent } from "../events/record";
import { actionAnswer, ActionFault, performAction } from "../jobs/command";
import { jobText, recordJob, startJob, type JobCommand } from "../jobs/record";
import { collectionAnswer, createdAnswer, entityAnswer, findByPathId, performedAnswer } from "../respond";
import {
  beginActivate,
  beginFence,
  beginInstall,
  beginMaintenance,
  beginUpgrade,
  beginUpgradeCheck,
  registerHostMachine,
} from "./machine";
import {
  FENCE_AGENT,
  FENCE_TYPES,
  HOST,
  hostSearch,
  presentHost,
  type Host,
  type PowerManagement,
} from "./model";
import {
  validateActivate,
  validateAdd,
  validateDeactivate,
  validateMaintenanceMigration,
  validateFence,
  validateInstall,
  validateRemove,
  validateUpdate,
  validateUpgrade,
  validateUpgradeCheck,
} from "./rules";

/** The parameters host actions read from their `<action>` body. */
const HostAction = struct("Action", [
  field("activate", T.boolean),
  field("async", T.boolean),
  field("fence_type", T.string),
  field("reason", T.string),
  field("reboot", T.boolean),
  field("root_password", T.string),
  field(
    "ssh",
    T.struct(
      struct("Ssh", [
        field("authentication_method", T.enumOf("SshAuthenticationMethod", ["password", "publickey"])),
        field("fingerprint", T.string),
        field("port", T.int),
      ]),
    ),
  ),
  field("stop_gluster_service", T.boolean),
  field("timeout", T.int),
]);

interface HostActionInput {
  activate?: boolean;
  fence_type?: string;
  reason?: string;
  reboot?: boolean;
  root_password?: string;
  ssh?: { authentication_method?: "password" | "publickey"; port?: number; fingerprint?: string };
}

function readAction(req: ApiRequest, name: string): HostActionInput {
  try {
    const raw = parseBody(req.body, req.ctx.bodyFormat, "action");
    return raw === undefined ? {} : decodeStruct(HostAction, raw, req.ctx.render.model44);
  } catch (err) {
    const fault = err instanceof ApiFault ? err : syntaxFault(req.ctx.origin, `host/methods/${name}`);
    throw new ActionFault(fault);
  }
}

function getHost(engine: EngineContext, rawId: string): Host {
  return findByPathId<Host>(engine.store, "host", rawId);
}

function clusterName(engine: EngineContext) {
  return (id: string) => engine.store.get<Cluster>("cluster", id)?.name;
}

function dcNameOfCluster(engine: EngineContext) {
  return (clusterId: string) => {
    const c = engine.store.get<Cluster>("cluster", clusterId);
    return c?.data_center ? engine.store.get<DataCenter>("data_center", c.data_center.id)?.name : undefined;
  };
}

function list(engine: EngineContext, req: ApiRequest) {
  const all = engine.store.list<Host>("host");
  const found = listWithSearch(
    all,
    req.ctx.query,
    hostSearch(clusterName(engine), dcNameOfCluster(engine)),
    (h) => h.name,
  );
  return collectionAnswer(HOST, found.map(presentHost), req.ctx);
}

function newHost(id: string, name: string, address: string, clusterId: string): Host {
  return {
    id,
    name,
    comment: "",
    address,
    status: "installing",
    cluster: { id: clusterId },
    port: 54321,
    protocol: "stomp",
    type: "rhel",
    ssh: { port: 22, authentication_method: "password" },
    spm: { priority: 5, status: "none" },
    power_management: { enabled: false, automatic_pm_enabled: true, kdump_detection: true },
    ksm: { enabled: false },
    transparent_hugepages: { enabled: true },
    update_available: false,
    external_status: "ok",
    auto_numa_status: "unknown",
    kdump_status: "unknown",
    device_passthrough: { enabled: false },
    vgpu_placement: "consolidated",
    summary: { active: 0, migrating: 0, total: 0 },
  };
}

/** Members a body may set, applied onto a host (references and secrets are handled apart). */
function applyHostInput(h: Host, input: Value): Host {
  const {
    id: _id,
    cluster: _c,
    root_password: _pw,
    ssh,
    spm,
    power_management,
    ...rest
  } = input as Value & {
    ssh?: { port?: number; authentication_method?: "password" | "publickey" };
    spm?: { priority?: number };
    power_management?: Partial<PowerManagement>;
  };
  const out = applyInput(h, rest);
  if (ssh) {
    out.ssh = {
      ...out.ssh,
      ...(ssh.port !== undefined ? { port: ssh.port } : {}),
      ...(ssh.authentication_method ? { authentication_method: ssh.authentication_method } : {}),
    };
  }
  if (spm?.priority !== undefined) out.spm = { ...out.spm, priority: spm.priority };
  if (power_management) {
    const { pm_proxies: _pp, ...pm } = power_management as Partial<PowerManagement> & {
      pm_proxies?: unknown;
    };
    out.power_management = { ...out.power_management, ...pm };
  }
  return out;
}

function clusterRef(input: Value): Ref | undefined {
  const c = input.cluster as Ref | undefined;
  return c && (c.id !== undefined || c.name !== undefined) ? c : undefined;
}

function add(engine: EngineContext, req: ApiRequest) {
  const input = readEntity(req, HOST, "hosts/methods/add");
  if (!input) throw mandatory("host");
  if (input.name === undefined) throw mandatory("host.name");
  if (input.address === undefined) throw mandatory("host.address");
  const ref = clusterRef(input);
  if (!ref) throw mandatoryEither("host.cluster.id", "host.cluster.name");
  const cluster = resolveRef<Cluster>(engine.store, "cluster", "Cluster", ref);
  const password = input.root_password as string | undefined;
  const host = applyHostInput(
    newHost(crypto.randomUUID(), input.name as string, input.address as string, cluster.id),
    input,
  );
  validateAdd(engine, host, { method: host.ssh.authentication_method, password });
  const activate = booleanParam(req.ctx.query.activate, true, true);
  engine.store.transaction(() => {
    engine.store.insert("host", host);
    const jobId = startJob(engine, {
      description: jobText("AddVds", { VDS: host.name, Cluster: cluster.name }),
      correlationId: req.ctx.correlationId,
    });
    recordEvent(engine, {
      type: "USER_ADD_VDS",
      host: host,
      cluster,
      correlationId: req.ctx.correlationId,
    });
    beginInstall(engine, host, { activate, jobId, correlationId: req.ctx.correlationId, password });
  });
  return createdAnswer(HOST, presentHost(engine.store.get<Host>("host", host.id)!), req.ctx);
}

function update(engine: EngineContext, req: ApiRequest) {
  const old = getHost(engine, req.params.id);
  const input = readEntity(req, HOST, "host/methods/update") ?? {};
  let h = applyHostInput(old, input);
  const ref = clusterRef(input);
  if (ref) h = { ...h, cluster: { id: resolveRef<Cluster>(engine.store, "cluster", "Cluster", ref).id } };
  const changed = new Set<string>();
  if (h.address !== old.address) changed.add("address");
  if (h.cluster.id !== old.cluster.id) changed.add("cluster");
  if (h.port !== old.port) changed.add("port");
  if (h.ssh.port !== old.ssh.port) changed.add("ssh");
  validateUpdate(engine, old, h, changed);
  engine.store.transaction(() => {
    engine.store.update("host", h);
    const c = engine.store.get<Cluster>("cluster", h.cluster.id);
    if (changed.has("cluster")) {
      recordJob(engine, {
        description: jobText("ChangeVDSCluster", { VDS: h.name, Cluster: c?.name ?? "" }),
        correlationId: req.ctx.correlationId,
      });
    }
    recordJob(engine, {
      description: jobText("UpdateVds", { VDS: h.name }),
      correlationId: req.ctx.correlationId,
    });
    recordEvent(engine, {
      type: "USER_UPDATE_VDS",
      host: h,
      cluster: c,
      correlationId: req.ctx.correlationId,
    });
  });
  return entityAnswer(HOST, presentHost(h), req.ctx);
}

function remove(engine: EngineContext, req: ApiRequest) {
  const h = getHost(engine, req.params.id);
  validateRemove(h);
  engine.store.transaction(() => {
    engine.store.remove("host", h.id);
    const c = engine.store.get<Cluster>("cluster", h.cluster.id);
    recordJob(engine, {
      description: jobText("RemoveVds", { VDS: h.name, Cluster: c?.name ?? "" }),
      correlationId: req.ctx.correlationId,
    });
    recordEvent(engine, {
      type: "USER_REMOVE_VDS",
      host: h,
      cluster: c,
      correlationId: req.ctx.correlationId,
    });
  });
  // The machine no longer trusts this engine (host-deploy's certificate goes with the host).
  releaseHost(engine.dataPlane, h.address, engine.instanceId);
  return performedAnswer(req.ctx);
}

function job(engine: EngineContext, command: JobCommand, h: Host) {
  const cluster = engine.store.get<Cluster>("cluster", h.cluster.id)?.name ?? "";
  return { job: { description: jobText(command, { VDS: h.name, Cluster: cluster }), executionHostId: h.id } };
}

function act(engine: EngineContext, req: ApiRequest, name: string) {
  const h = getHost(engine, req.params.id);
  const a = readAction(req, name);
  const cid = req.ctx.correlationId;
  switch (name) {
    case "activate":
      return performAction(
        engine,
        req,
        job(engine, "ActivateVds", h),
        () => validateActivate(h),
        (jobId) => {
          recordEvent(engine, { type: "VDS_ACTIVATE", host: h, correlationId: cid });
          beginActivate(engine, h, jobId, cid);
          return { pending: true };
        },
      );
    case "deactivate":
      return performAction(
        engine,
        req,
        job(engine, "MaintenanceNumberOfVdss", h),
        () => {
          validateDeactivate(h);
          validateMaintenanceMigration(engine, h);
        },
        (jobId) => {
          recordEvent(engine, {
            type: a.reason ? "USER_VDS_MAINTENANCE" : "USER_VDS_MAINTENANCE_WITHOUT_REASON",
            vars: a.reason ? { Reason: a.reason } : {},
            host: h,
            correlationId: cid,
          });
          beginMaintenance(engine, h, jobId, cid);
          return { pending: true };
        },
      );
    case "install": {
      const method = a.ssh?.authentication_method ?? h.ssh.authentication_method;
      return performAction(
        engine,
        req,
        job(engine, "InstallVdsInternal", h),
        () => validateInstall(h, { method, password: a.root_password }),
        (jobId) => {
          h.ssh = { ...h.ssh, authentication_method: method };
          beginInstall(engine, h, {
            activate: a.activate ?? true,
            jobId,
            correlationId: cid,
            password: a.root_password,
            fingerprint: a.ssh?.fingerprint,
          });
          return { pending: true };
        },
      );
    }
    case "upgradecheck":
      return performAction(
        engine,
        req,
        job(engine, "HostUpgradeCheck", h),
        () => validateUpgradeCheck(h),
        (jobId) => {
          beginUpgradeCheck(engine, h, jobId, cid);
          return { pending: true };
        },
      );
    case "upgrade":
      return performAction(
        engine,
        req,
        job(engine, "UpgradeHost", h),
        () => validateUpgrade(h),
        (jobId) => {
          beginUpgrade(engine, h, { jobId, correlationId: cid, reboot: a.reboot ?? true });
          return { pending: true };
        },
      );
    case "fence": {
      if (!a.fence_type) throw new ActionFault(mandatory("action.fence_type"));
      const type = a.fence_type.toLowerCase();
      if (!(FENCE_TYPES as readonly string[]).includes(type)) {
        throw new ActionFault(invalidValue(`${a.fence_type} is not a member of FenceType`));
      }
      if (type === "status") {
        // A status query, not a command: no job, the agent's answer in the action.
        return actionAnswer(req, undefined, [
          element("power_management", [leaf("status", h.status === "down" ? "off" : "on")]),
        ]);
      }
      const command: JobCommand =
        type === "manual"
          ? "FenceVdsManualy"
          : type === "start"
            ? "StartVds"
            : type === "stop"
              ? "StopVds"
              : "RestartVds";
      return performAction(
        engine,
        req,
        job(engine, command, h),
        () => validateFence(h, type),
        (jobId) => {
          if (type === "manual") return {};
          recordEvent(engine, {
            type:
              type === "start" ? "USER_VDS_START" : type === "stop" ? "USER_VDS_STOP" : "USER_VDS_RESTART",
            host: h,
            correlationId: cid,
          });
          beginFence(engine, h, type as "restart" | "start" | "stop", jobId, cid);
          return { pending: type !== "stop" };
        },
      );
    }
    case "refresh":
      return performAction(
        engine,
        req,
        job(engine, "RefreshHost", h),
        () => undefined,
        () => {
          recordEvent(engine, {
            type: "HOST_REFRESHED_CAPABILITIES",
            host: h,
            correlationId: cid,
            byUser: false,
          });
        },
      );
    case "commitnetconfig":
      // CommitNetworkChanges: no validation of its own; vdsm persists the running network
      // configuration (SetSafeNetworkConfig), event 1104.
      return performAction(
        engine,
        req,
        job(engine, "CommitNetworkChanges", h),
        () => undefined,
        () => {
          recordEvent(engine, { type: "NETWORK_COMMINT_NETWORK_CHANGES", host: h, correlationId: cid });
        },
      );
    default:
      throw new Error(`unhandled host action ${name}`);
  }
}

function fenceAgents(engine: EngineContext, req: ApiRequest) {
  const h = getHost(engine, req.params.id);
  const pm = h.power_management;
  const agents: Value[] = pm.address
    ? [
        {
          id: crypto
            .createHash("sha256")
            .update(`${h.id}:agent`)
            .digest("hex")
            .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12}).*$/, "$1-$2-$3-$4-$5"),
          address: pm.address,
          concurrent: false,
          encrypt_options: false,
          order: 1,
          port: pm.port,
          type: pm.type,
          username: pm.username,
          host: { id: h.id },
        },
      ]
    : [];
  return collectionAnswer(FENCE_AGENT, agents, req.ctx, `hosts/${h.id}/fenceagents`);
}

const ACTIONS = [
  "activate",
  "deactivate",
  "install",
  "upgradecheck",
  "upgrade",
  "fence",
  "refresh",
  "commitnetconfig",
] as const;

export const hostRoutes: Area = (engine) => {
  registerHostMachine(engine);
  return [
    { method: "GET", path: "/hosts", handle: (req) => list(engine, req) },
    { method: "POST", path: "/hosts", handle: (req) => add(engine, req) },
    {
      method: "GET",
      path: "/hosts/:id",
      handle: (req) => entityAnswer(HOST, presentHost(getHost(engine, req.params.id)), req.ctx),
    },
    { method: "PUT", path: "/hosts/:id", handle: (req) => update(engine, req) },
    { method: "DELETE", path: "/hosts/:id", handle: (req) => remove(engine, req) },
    { method: "GET", path: "/hosts/:id/fenceagents", handle: (req) => fenceAgents(engine, req) },
    ...ACTIONS.map((name) => ({
      method: "POST" as const,
      path: `/hosts/:id/${name}`,
      handle: (req: ApiRequest) => act(engine, req, name),
    })),
  ];
};
