// Hosts: /hosts (model types/Host.java), their actions and fence agents, and the waits the host
// lifecycle needs (installing -> up, up -> maintenance) with the engine's own failure text.
import { decodeCollection, entityFields, object, Ref, Version, type Decoded } from "./codec";
import { CollectionService, searchValue } from "./collection";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import type { ClusterId } from "./clusters";
import { EventsService } from "./events";
import { isFault, UnexpectedError } from "./errors";
import type { OperationKind } from "./expectations";
import { brand, type Brand } from "./ids";
import { waitFor, type PollResult } from "./wait";

export type HostId = Brand<string, "HostId">;
export const hostId = (id: string): HostId => brand<"HostId">(id, "host");

export const PowerManagementType = object({
  enabled: "bool",
  automatic_pm_enabled: "bool",
  kdump_detection: "bool",
  type: "string",
  address: "string",
  username: "string",
  password: "string",
  port: "int32",
});

export const HostType = object({
  ...entityFields,
  address: "string",
  status: "string",
  cluster: Ref,
  port: "int32",
  root_password: "string",
  ssh: object({
    port: "int32",
    authentication_method: "string",
    fingerprint: "string",
    public_key: "string",
  }),
  spm: object({ priority: "int32", status: "string" }),
  power_management: PowerManagementType,
  ksm: object({ enabled: "bool" }),
  update_available: "bool",
  type: "string",
  os: object({ type: "string", version: Version }),
  version: Version,
  memory: "int64",
  cpu: object({ name: "string", topology: object({ cores: "int32", sockets: "int32", threads: "int32" }) }),
});

export type ApiHost = Decoded<typeof HostType>;

const AgentType = object({
  id: "string",
  address: "string",
  type: "string",
  username: "string",
  port: "int32",
  order: "int32",
});

export type HostStatus = string;

/** Statuses a host passes through on its way up (ANSIBLE ovirt_host.py). */
export const TRANSITIONAL: readonly HostStatus[] = [
  "installing",
  "installing_os",
  "reboot",
  "connecting",
  "initializing",
  "unassigned",
  "preparing_for_maintenance",
];
/** Statuses it will not leave by itself. */
export const FAILED: readonly HostStatus[] = ["install_failed", "non_operational", "non_responsive", "error"];

export type HostAction =
  "activate" | "deactivate" | "install" | "upgradecheck" | "upgrade" | "fence" | "refresh";

export interface HostWaitOptions {
  what: string;
  onProgress?: (line: string) => void;
  /** The operation waited for (install, activate, maintenance): polls scheduled around its duration. */
  kind?: OperationKind;
}

export class HostsService extends CollectionService<typeof HostType, HostId> {
  private readonly events: EventsService;

  constructor(conn: Connection) {
    super(conn, { path: "hosts", singular: "host", type: HostType, label: "host" });
    this.events = new EventsService(conn);
  }

  /** POST /hosts with `?activate=`. Not retried after an ambiguous failure (the caller looks first). */
  async addHost(ctx: OperationContext, body: ApiHost, activate = true): Promise<ApiHost> {
    return this.add(ctx, body, { activate });
  }

  /** POST /hosts/{id}/<action>; the engine's `<action>` fault is raised as an OvirtError. */
  async action(
    ctx: OperationContext,
    id: HostId,
    name: HostAction,
    body: Record<string, unknown> = {},
  ): Promise<void> {
    await this.conn.request(ctx, "POST", `${this.entityPath(id)}/${name}`, { body, idempotent: false });
  }

  /** The host's power management as its fence agent (the host itself never shows the address/user). */
  async fenceAgent(ctx: OperationContext, id: HostId): Promise<Decoded<typeof AgentType> | undefined> {
    const res = await this.conn.request(ctx, "GET", `${this.entityPath(id)}/fenceagents`);
    return decodeCollection(AgentType, "agent", res.data)[0];
  }

  /** The newest error event about the host (its install failure, why it is non operational). */
  async lastError(
    ctx: OperationContext,
    host: { name?: string },
    correlationId?: string,
  ): Promise<string | undefined> {
    const tries: string[] = [];
    if (correlationId) tries.push(`severity>=error and correlation_id=${searchValue(correlationId)}`);
    if (host.name) tries.push(`severity>=error and event_host=${searchValue(host.name)}`);
    for (const search of tries) {
      try {
        const found = await this.events.search(ctx, search, { max: 1 });
        if (found[0]?.description) return found[0].description;
      } catch (err) {
        if (!isFault(err, "validation")) throw err;
      }
    }
    return undefined;
  }

  /**
   * Polls the host until its status is one of `want`; a failed status (install_failed,
   * non_operational…) that is not wanted stops the wait with the engine's event text.
   */
  async waitStatus(
    ctx: OperationContext,
    id: HostId,
    want: readonly HostStatus[],
    opts: HostWaitOptions & { correlationId?: string },
  ): Promise<ApiHost> {
    let failedHost: ApiHost | undefined;
    const host = await waitFor<ApiHost>({
      what: opts.what,
      awaited: `status ${want.join(" or ")}`,
      timeoutMs: Math.max(0, ctx.deadline - Date.now()),
      onProgress: opts.onProgress,
      initialDelayMs: 250,
      expect: opts.kind && { kind: opts.kind, engine: this.conn.engine },
      poll: async (): Promise<PollResult<ApiHost>> => {
        const h = await this.tryGet(ctx, id);
        if (!h) throw new UnexpectedError(`${opts.what}: host ${id} disappeared while waiting for it`);
        const status = h.status ?? "unknown";
        if (want.includes(status)) return { done: true, state: `status ${status}`, value: h };
        if (FAILED.includes(status)) {
          failedHost = h;
          return { done: true, state: `status ${status}`, value: h };
        }
        return { done: false, state: `status ${status}` };
      },
    });
    if (failedHost) {
      const text = await this.lastError(ctx, failedHost, opts.correlationId);
      throw new HostFailedError(opts.what, failedHost.status ?? "unknown", text);
    }
    return host!;
  }

  /** Hosts of a cluster. */
  async listInCluster(ctx: OperationContext, cluster: ClusterId): Promise<ApiHost[]> {
    const all = await this.list(ctx);
    return all.filter((h) => h.cluster?.id === cluster);
  }
}

/** A host ended in a status it will not leave by itself; `message` carries the engine's text. */
export class HostFailedError extends UnexpectedError {
  constructor(
    what: string,
    readonly hostStatus: string,
    readonly engineText: string | undefined,
  ) {
    super(`${what} is ${hostStatus}${engineText ? `: ${engineText}` : ""}`);
  }
}
