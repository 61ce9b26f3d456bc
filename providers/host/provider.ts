// The host provider's implementation, loaded at run time through the runtime (never serialized).
// A host's lifecycle is asynchronous and state-bound, so the service below does what the core's
// verbs mean for a host:
// - add: POST, then wait for the add's jobs (by correlation id) and for `up`; install_failed or
//   non_operational fail with the engine's own event text;
// - update: fields the engine edits only in maintenance (address, cluster, SSH port) go
//   maintenance -> update -> activate; the rest is a plain PUT;
// - remove: maintenance first, then DELETE.
// create() finishes a half-made host found by name (installing: wait; maintenance: activate;
// install_failed: reinstall with the given credentials) instead of adding a second one.
import {
  makeProvider,
  TimeoutsSchema,
  type CrudService,
  type KindProvider,
  type ResourceKind,
} from "../core/base";
import { bag, describeResource } from "../core/check";
import { compact } from "../core/diff";
import type { OvirtClient } from "../ovirt/client";
import { newOperation, type OperationContext } from "../ovirt/context";
import type { OperationKind } from "../ovirt/expectations";
import {
  FAILED,
  hostId,
  HostFailedError,
  TRANSITIONAL,
  type ApiHost,
  type HostId,
  type HostsService,
} from "../ovirt/hosts";
import { getLogger } from "../ovirt/log";
import { clientFor } from "../ovirt/registry";
import {
  HostArgsSchema,
  hostAddBody,
  hostComputed,
  hostFromApi,
  hostPolicies,
  hostToApi,
  MAINTENANCE_FIELDS,
  type HostArgs,
} from "./model";

/** Statuses RemoveVds accepts without a maintenance first. */
const REMOVABLE = ["maintenance", "install_failed", "pending_approval", "down", "non_responsive"];

const progress = (line: string) => getLogger().info(line);

function who(args: Partial<HostArgs>): string {
  return describeResource("host", args.name);
}

function isEmpty(body: object): boolean {
  return Object.keys(compact(body as Record<string, unknown>)).length === 0;
}

export class HostService implements CrudService<ApiHost, HostId> {
  private readonly hosts: HostsService;

  constructor(
    private readonly client: OvirtClient,
    private readonly args: Partial<HostArgs>,
  ) {
    this.hosts = client.hosts;
  }

  /** The host with its power management as the fence agent shows it (the host hides address/user). */
  private async withAgent(ctx: OperationContext, h: ApiHost | undefined): Promise<ApiHost | undefined> {
    if (!h?.id || !h.power_management?.enabled) return h;
    const agent = await this.hosts.fenceAgent(ctx, hostId(h.id));
    if (!agent) return h;
    return {
      ...h,
      power_management: {
        ...h.power_management,
        type: agent.type,
        address: agent.address,
        username: agent.username,
        port: agent.port,
      },
    };
  }

  async findByName(ctx: OperationContext, name: string): Promise<ApiHost | undefined> {
    return this.withAgent(ctx, await this.hosts.findByName(ctx, name));
  }

  async tryGet(ctx: OperationContext, id: HostId): Promise<ApiHost | undefined> {
    return this.withAgent(ctx, await this.hosts.tryGet(ctx, id));
  }

  async add(ctx: OperationContext, body: ApiHost): Promise<ApiHost> {
    const made = await this.hosts.addHost(ctx, body, true);
    if (!made.id) return made;
    const id = hostId(made.id);
    const what = `${who(this.args)} (${made.id})`;
    progress(`${what}: added to engine "${this.client.engine}", installing`);
    // The engine's own account of the add: its jobs with this operation's correlation id.
    await this.client.jobs.waitFinished(ctx, ctx.correlationId, {
      what,
      onProgress: progress,
      kind: "host.install",
    });
    const up = await this.hosts.waitStatus(ctx, id, ["up"], {
      what,
      onProgress: progress,
      correlationId: ctx.correlationId,
      kind: "host.install",
    });
    return (await this.withAgent(ctx, up)) ?? up;
  }

  async update(ctx: OperationContext, id: HostId, body: ApiHost): Promise<ApiHost> {
    const live = await this.hosts.get(ctx, id);
    if (isEmpty(body)) return (await this.withAgent(ctx, live)) ?? live;
    const what = `${who(this.args)} (${id})`;
    const offline =
      (body.address !== undefined && body.address !== live.address) ||
      (body.cluster?.id !== undefined && body.cluster.id !== live.cluster?.id) ||
      (body.ssh?.port !== undefined && body.ssh.port !== live.ssh?.port);
    const running = live.status === "up" || live.status === "non_operational";
    if (!offline || !running) {
      const out = await this.hosts.update(ctx, id, body);
      return (await this.withAgent(ctx, out)) ?? out;
    }
    progress(
      `${what}: the engine changes ${MAINTENANCE_FIELDS.join("/")} only in maintenance: maintenance -> update -> activate`,
    );
    await this.hosts.action(ctx, id, "deactivate", {});
    await this.hosts.waitStatus(ctx, id, ["maintenance"], {
      what,
      onProgress: progress,
      kind: "host.maintenance",
    });
    await this.hosts.update(ctx, id, body);
    await this.hosts.action(ctx, id, "activate", {});
    const up = await this.hosts.waitStatus(ctx, id, ["up"], {
      what,
      onProgress: progress,
      correlationId: ctx.correlationId,
      kind: "host.activate",
    });
    return (await this.withAgent(ctx, up)) ?? up;
  }

  async remove(ctx: OperationContext, id: HostId): Promise<boolean> {
    let live = await this.hosts.tryGet(ctx, id);
    if (!live) return false;
    const what = `${who(this.args)} (${id})`;
    if (TRANSITIONAL.includes(live.status ?? "")) {
      // Let a running install/activation settle; whatever it ends in, maintenance comes next.
      live = await this.settle(ctx, id, what);
    }
    if (!REMOVABLE.includes(live.status ?? "")) {
      progress(`${what}: moving to maintenance before removal`);
      await this.hosts.action(ctx, id, "deactivate", {});
      await this.hosts.waitStatus(ctx, id, ["maintenance"], {
        what,
        onProgress: progress,
        kind: "host.maintenance",
      });
    }
    return this.hosts.remove(ctx, id);
  }

  /** Waits until the host is in a status it stays in (anything not transitional). */
  private async settle(ctx: OperationContext, id: HostId, what: string): Promise<ApiHost> {
    const settled = ["up", "maintenance", "down", ...FAILED];
    try {
      return await this.hosts.waitStatus(ctx, id, settled, { what, onProgress: progress });
    } catch (err) {
      if (err instanceof HostFailedError) return this.hosts.get(ctx, id);
      throw err;
    }
  }

  /**
   * Brings an existing host to `up`: a half-made one from an interrupted create is finished (waited
   * for, activated, or reinstalled with the resource's credentials), never duplicated.
   */
  async ensureUp(ctx: OperationContext, id: HostId): Promise<ApiHost> {
    const what = `${who(this.args)} (${id})`;
    let h = await this.hosts.get(ctx, id);
    if (TRANSITIONAL.includes(h.status ?? "")) h = await this.settle(ctx, id, what);
    let kind: OperationKind | undefined;
    switch (h.status) {
      case "up":
        return h;
      case "maintenance":
        progress(`${what}: in maintenance, activating`);
        await this.hosts.action(ctx, id, "activate", {});
        kind = "host.activate";
        break;
      case "install_failed":
      case "non_operational":
      case "non_responsive": {
        if (h.status !== "install_failed") {
          const text = await this.hosts.lastError(ctx, h);
          throw new HostFailedError(what, h.status, text);
        }
        progress(`${what}: install_failed, reinstalling`);
        const body: Record<string, unknown> = this.args.sshPublicKey
          ? { ssh: { authentication_method: "publickey" } }
          : { root_password: this.args.rootPassword };
        await this.hosts.action(ctx, id, "install", body);
        kind = "host.install";
        break;
      }
      default:
        break;
    }
    return this.hosts.waitStatus(ctx, id, ["up"], {
      what,
      onProgress: progress,
      correlationId: ctx.correlationId,
      kind,
    });
  }
}

export const hostKind: ResourceKind<HostArgs, ApiHost, HostId> = {
  kind: "host",
  label: "host",
  schema: HostArgsSchema,
  policies: hostPolicies,
  // Real installs take minutes (host-deploy, packages, reboot); upgrades too.
  defaultTimeouts: { create: 1800, update: 1800, delete: 900 },
  service: (client, args) => new HostService(client, args),
  id: hostId,
  toApi: (args, fields) =>
    fields.length === Object.keys(hostPolicies).length ? hostAddBody(args, fields) : hostToApi(args, fields),
  fromApi: hostFromApi,
  computed: hostComputed,
};

const base = makeProvider(hostKind);

export const hostProvider: KindProvider = {
  ...base,

  async diff(id, olds, news) {
    const d = await base.diff(id, olds, news);
    const prior = bag(olds);
    const desired = bag(news);
    const label = who(desired);
    const offline = MAINTENANCE_FIELDS.filter(
      (f) => desired[f] !== undefined && JSON.stringify(desired[f]) !== JSON.stringify(prior[f]),
    );
    if ((d.replaces ?? []).length > 0) {
      getLogger().info(
        `${label}: moving to another engine replaces it: removed from engine "${String(prior.engine)}" first ` +
          "(maintenance, remove), then added to the new one (a physical host is managed by one engine at a time)",
      );
      // A physical host cannot be in two engines: the old one always goes first.
      return { ...d, deleteBeforeReplace: true };
    }
    if (offline.length > 0) {
      getLogger().info(
        `${label}: ${offline.join(", ")} change${offline.length > 1 ? "" : "s"} in place via maintenance -> update -> activate`,
      );
    }
    return d;
  },

  async create(inputs) {
    const created = await base.create(inputs);
    // adopt: taken over as it is, whatever its status (no activate, no reinstall).
    if (bag(inputs).adopt === true) return created;
    const { __provider: _shim, ...raw } = bag(inputs); // the serialized shim is not an input
    const args = HostArgsSchema.parse(raw);
    const timeouts = TimeoutsSchema.parse(args.timeouts ?? {});
    const ctx = newOperation("host-create", (timeouts.create ?? hostKind.defaultTimeouts.create) * 1000);
    const svc = new HostService(clientFor(args.engine), args);
    const host = await svc.ensureUp(ctx, hostId(created.id));
    return {
      id: created.id,
      outs: compact({ ...(created.outs as Record<string, unknown>), ...hostComputed(host) }),
    };
  },
};
