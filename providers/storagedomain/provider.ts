// The storage-domain provider, loaded at run time through the runtime (never serialized). A resource
// is a domain active in its data center, so its operations are sequences of engine commands:
// - create: find its own domain (by name, else by storage path), else add — which imports a domain
//   already on the storage (made by another engine) with its id and name — then attach and wait until
//   active. Every step looks before it acts, so a retry after a crash finishes a half-made domain.
// - delete: maintenance, detach, remove through `hostName`, formatting only with destroyDataOnDelete.
// - update: PUT of what changed (name, comment, thresholds...), then the same "attached and active".
// Storage, type, data center or engine changes replace the domain, old one first (deleteBeforeReplace:
// two domains cannot share the storage), and the new one is imported from the storage it keeps.
import type * as pulumi from "@pulumi/pulumi";
import {
  adoptMissing,
  logAdopting,
  makeProvider,
  type KindProvider,
  type ResourceKind,
  type Timeouts,
} from "../core/base";
import { bag, describeResource, validate } from "../core/check";
import { compact, diffFields, project, satisfies } from "../core/diff";
import type { OvirtClient } from "../ovirt/client";
import { newOperation, type OperationContext } from "../ovirt/context";
import { dataCenterId } from "../ovirt/datacenters";
import { isFault } from "../ovirt/errors";
import type { OperationKind } from "../ovirt/expectations";
import { getLogger } from "../ovirt/log";
import { clientFor } from "../ovirt/registry";
import { storageDomainId, type ApiStorageDomain, type StorageDomainId } from "../ovirt/storagedomains";
import { waitFor } from "../ovirt/wait";
import {
  StorageDomainArgsSchema,
  storageDomainComputed,
  storageDomainFromApi,
  storageDomainPolicies,
  storageDomainToApi,
  UPDATABLE,
  type StorageDomainArgs,
} from "./model";

const LABEL = "storage domain";
const DEFAULT_TIMEOUTS: Required<Timeouts> = { create: 900, update: 600, delete: 900 };
const FIELDS = Object.keys(storageDomainPolicies) as Array<keyof StorageDomainArgs>;

type Props = Record<string, unknown>;

/** Transitional attached states the engine leaves by itself (ANSIBLE ovirt_storage_domain control_state). */
const SETTLING = new Set(["locked", "activating", "preparing_for_maintenance", "detaching"]);
const FAILED = new Set(["unknown", "inactive"]);

const who = (args: { name?: unknown }) => describeResource(LABEL, args.name);

function parse(inputs: unknown): StorageDomainArgs {
  const raw = bag(inputs);
  const r = validate(StorageDomainArgsSchema, raw, who(raw));
  if (!r.ok) throw new Error(r.failures.map((f) => f.reason).join("; "));
  return r.value;
}

function priorArgs(props: unknown): Partial<StorageDomainArgs> {
  const p = bag(props);
  return Object.fromEntries(FIELDS.filter((f) => p[f] !== undefined).map((f) => [f, p[f]]));
}

function operation(args: Partial<StorageDomainArgs>, op: keyof Timeouts | "read"): OperationContext {
  const budget = op === "read" ? "update" : op;
  const s = args.timeouts?.[budget] ?? DEFAULT_TIMEOUTS[budget];
  return newOperation(`storagedomain-${op}`, s * 1000);
}

function clientOf(args: Partial<StorageDomainArgs>): OvirtClient {
  if (!args.engine) throw new Error(`${who(args)}: the stored state names no engine`);
  return clientFor(args.engine);
}

/** One engine session's view of a domain: the top-level object and, when attached, the DC view. */
interface Seen {
  top: ApiStorageDomain;
  attached?: ApiStorageDomain;
}

async function look(
  client: OvirtClient,
  ctx: OperationContext,
  id: StorageDomainId,
): Promise<Seen | undefined> {
  const top = await client.storagedomains.tryGet(ctx, id);
  if (!top) return undefined;
  const dc = top.data_centers?.[0]?.id;
  const attached = dc ? await client.storagedomains.tryGetAttached(ctx, dataCenterId(dc), id) : undefined;
  return { top, attached };
}

function outputs(args: StorageDomainArgs, seen: Seen, imported: boolean | undefined): Props {
  return compact({ ...args, ...storageDomainComputed(seen.top, seen.attached), imported });
}

/** Waits until the domain's status in `dc` is `want` (or it is detached, for want = "detached"). */
async function waitAttached(
  client: OvirtClient,
  ctx: OperationContext,
  args: Partial<StorageDomainArgs>,
  dc: string,
  id: StorageDomainId,
  want: string,
  kind?: OperationKind,
): Promise<ApiStorageDomain | undefined> {
  return waitFor({
    what: who(args),
    awaited: want === "detached" ? "detached" : `status ${want} in data center ${dc}`,
    timeoutMs: Math.max(0, ctx.deadline - Date.now()),
    onProgress: (line) => getLogger().info(line),
    expect: kind && { kind, engine: client.engine },
    poll: async () => {
      const d = await client.storagedomains.tryGetAttached(ctx, dataCenterId(dc), id);
      if (want === "detached") return { done: !d, state: d ? `status ${d.status}` : "detached" };
      if (!d)
        return { done: false, state: "not attached", failed: "it is no longer attached to the data center" };
      const status = d.status ?? "unknown";
      if (status === want) return { done: true, state: status, value: d };
      if (FAILED.has(status)) return { done: false, state: status, failed: `its status is ${status}` };
      return { done: false, state: `status ${status}` };
    },
  });
}

/** Makes the domain attached to the wanted data center and active there, from wherever it is. */
async function ensureActive(
  client: OvirtClient,
  ctx: OperationContext,
  args: StorageDomainArgs,
  id: StorageDomainId,
): Promise<void> {
  const svc = client.storagedomains;
  const dc = args.dataCenterId;
  const top = await svc.get(ctx, id);
  const current = top.data_centers?.[0]?.id;
  if (current && current !== dc) {
    throw new Error(
      `${who(args)}: the domain is attached to data center ${current}, not ${dc}; detach it there first ` +
        `(or set dataCenterId to ${current})`,
    );
  }
  let attached = current ? await svc.tryGetAttached(ctx, dataCenterId(dc), id) : undefined;
  let kind: OperationKind | undefined;
  if (!attached) {
    getLogger().info(`${who(args)}: attaching to data center ${dc}`);
    try {
      attached = await svc.attach(ctx, dataCenterId(dc), id);
      kind = "storagedomain.attach";
    } catch (err) {
      // A retried attach that the engine had already done.
      const now = isFault(err, "conflict") ? await svc.tryGetAttached(ctx, dataCenterId(dc), id) : undefined;
      if (!now) throw err;
      attached = now;
    }
  }
  let status = attached.status ?? "unknown";
  if (SETTLING.has(status)) {
    // Let the engine finish what it is doing; attach ends active, deactivate ends in maintenance.
    const settled = await waitFor({
      what: who(args),
      awaited: "a settled status",
      timeoutMs: Math.max(0, ctx.deadline - Date.now()),
      onProgress: (line) => getLogger().info(line),
      // After our attach: locked -> maintenance -> activating -> active, one operation.
      expect: kind && { kind, engine: client.engine },
      poll: async () => {
        const d = await svc.tryGetAttached(ctx, dataCenterId(dc), id);
        const s = d?.status ?? "detached";
        return { done: !SETTLING.has(s), state: `status ${s}`, value: s };
      },
    });
    status = settled ?? "unknown";
    kind = undefined;
  }
  if (status === "maintenance" || FAILED.has(status)) {
    getLogger().info(`${who(args)}: activating in data center ${dc} (was ${status})`);
    try {
      await svc.activate(ctx, dataCenterId(dc), id);
      kind = "storagedomain.activate";
    } catch (err) {
      // The engine may be activating it on its own (an attach ends active): the wait below decides.
      if (!isFault(err, "conflict")) throw err;
      getLogger().info(`${who(args)}: ${err.message}; waiting for status active instead`);
    }
  }
  if (status !== "active") await waitAttached(client, ctx, args, dc, id, "active", kind);
}

/** The domain this resource owns on the engine: by name, else the one on its storage. */
async function findOwn(
  client: OvirtClient,
  ctx: OperationContext,
  args: StorageDomainArgs,
): Promise<ApiStorageDomain | undefined> {
  const svc = client.storagedomains;
  const byName = await svc.findByName(ctx, args.name);
  const s = args.storage;
  if (byName) {
    const live = storageDomainFromApi(byName);
    if (!satisfies(s, live.storage) || (live.type && live.type !== args.type)) {
      throw new Error(
        `${who(args)}: engine "${args.engine}" already has a ${LABEL} with this name (id ${byName.id}) on ` +
          `${live.storage?.type} ${live.storage?.address}:${live.storage?.path} (type ${live.type}), not ` +
          `${s.type} ${s.address}:${s.path} (type ${args.type}). It is not adopted: rename this resource or ` +
          `remove the existing ${LABEL}.`,
      );
    }
    return byName;
  }
  return svc.findByStorage(ctx, s.type, s.address, s.path);
}

async function create(inputs: unknown): Promise<pulumi.dynamic.CreateResult<Props>> {
  const args = parse(inputs);
  const client = clientOf(args);
  const svc = client.storagedomains;
  const ctx = operation(args, "create");
  if (args.adopt) {
    // Taken over as it is, attached or not, active or not: only GETs are sent.
    const where = `engine "${args.engine}"`;
    const found = await svc.findByName(ctx, args.name);
    if (!found?.id) throw adoptMissing(who(args), LABEL, args.name, where);
    logAdopting(who(args), LABEL, found.id, where);
    const seen = await read(found.id, args);
    return { id: found.id, outs: { ...seen.props, adopted: true } };
  }
  let imported: boolean | undefined;
  let obj = await findOwn(client, ctx, args);
  if (obj) {
    getLogger().info(
      `${who(args)}: found the existing ${LABEL} ${obj.id} on engine "${args.engine}"; finishing it`,
    );
  } else {
    try {
      obj = await svc.add(ctx, storageDomainToApi(args, FIELDS));
    } catch (err) {
      // Sent twice, or a racing run: the domain is there now.
      const raced = isFault(err, "conflict") ? await findOwn(client, ctx, args) : undefined;
      if (!raced) throw err;
      obj = raced;
    }
    imported = await svc.addWasImport(ctx);
    if (imported) {
      getLogger().info(
        `${who(args)}: ${args.storage.address}:${args.storage.path} already held ${LABEL} "${obj.name}" ` +
          `(id ${obj.id}); it was imported with its id and data`,
      );
    }
  }
  if (!obj.id) throw new Error(`${who(args)}: the engine's answer has no id`);
  const id = storageDomainId(obj.id);
  const live = storageDomainFromApi(obj);
  const changes = UPDATABLE.filter((f) => !satisfies(args[f], live[f]));
  if (changes.length) await svc.update(ctx, id, storageDomainToApi(args, changes));
  await ensureActive(client, ctx, args, id);
  const seen = await look(client, ctx, id);
  if (!seen) throw new Error(`${who(args)}: ${LABEL} ${id} disappeared while it was being created`);
  return { id, outs: outputs(args, seen, imported) };
}

async function read(id: string, props?: unknown): Promise<pulumi.dynamic.ReadResult<Props>> {
  const prior = priorArgs(props);
  const client = clientOf(prior);
  const seen = await look(client, operation(prior, "read"), storageDomainId(id));
  if (!seen) return { id: "" };
  const managed = Object.fromEntries(
    Object.entries(prior).filter(
      ([f]) => !["engine", "timeouts", "hostName", "destroyDataOnDelete"].includes(f),
    ),
  );
  const inputs = compact({ ...prior, ...project(managed, storageDomainFromApi(seen.top) as Props) });
  const imported = bag(props).imported as boolean | undefined;
  return {
    id,
    props: compact({
      ...inputs,
      ...storageDomainComputed(seen.top, seen.attached),
      imported,
      adopted: bag(props).adopted,
    }),
    inputs,
  };
}

async function update(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult<Props>> {
  const args = parse(news);
  const client = clientOf(args);
  const ctx = operation(args, "update");
  const sid = storageDomainId(id);
  const top = await client.storagedomains.tryGet(ctx, sid);
  if (!top) {
    throw new Error(
      `${who(args)}: ${LABEL} ${id} no longer exists on engine "${args.engine}" (removed outside Pulumi?); ` +
        "run `pulumi refresh` to forget it, then `pulumi up` to make (or import) it again",
    );
  }
  const live = storageDomainFromApi(top);
  const changes = UPDATABLE.filter((f) => !satisfies(args[f], live[f]));
  if (changes.length) await client.storagedomains.update(ctx, sid, storageDomainToApi(args, changes));
  await ensureActive(client, ctx, args, sid);
  const seen = await look(client, ctx, sid);
  if (!seen) throw new Error(`${who(args)}: ${LABEL} ${id} disappeared during the update`);
  return {
    outs: compact({
      ...outputs(args, seen, bag(olds).imported as boolean | undefined),
      adopted: bag(olds).adopted,
    }),
  };
}

/**
 * Detaches; the master goes last, so while other domains of the data center are still being taken
 * away (a destroy runs them in parallel) the engine's "cannot detach the master" is waited out.
 */
async function detachWhenAllowed(
  client: OvirtClient,
  ctx: OperationContext,
  args: Partial<StorageDomainArgs>,
  dc: string,
  id: StorageDomainId,
): Promise<void> {
  await waitFor({
    what: who(args),
    awaited: "detach",
    timeoutMs: Math.max(0, ctx.deadline - Date.now()),
    onProgress: (line) => getLogger().info(line),
    poll: async () => {
      try {
        await client.storagedomains.detach(ctx, dataCenterId(dc), id);
        return { done: true, state: "detached" };
      } catch (err) {
        if (isFault(err, "conflict") && err.message.includes("Cannot detach the master Storage Domain")) {
          return {
            done: false,
            state: "master domain: waiting for the other domains to leave the data center",
          };
        }
        throw err;
      }
    },
  });
}

async function remove(id: string, props: unknown): Promise<void> {
  const prior = priorArgs(props);
  const client = clientOf(prior);
  const svc = client.storagedomains;
  const ctx = operation(prior, "delete");
  const sid = storageDomainId(id);
  const seen = await look(client, ctx, sid);
  if (!seen) {
    getLogger().info(`${who(prior)}: ${LABEL} ${id} was already gone`);
    return;
  }
  const dc = seen.top.data_centers?.[0]?.id;
  if (dc) {
    let status = seen.attached?.status ?? "unknown";
    if (status === "locked" || status === "activating") {
      await waitAttached(client, ctx, prior, dc, sid, "active");
      status = "active";
    }
    if (status === "active") {
      getLogger().info(`${who(prior)}: moving to maintenance in data center ${dc}`);
      await svc.deactivate(ctx, dataCenterId(dc), sid);
      status = "preparing_for_maintenance";
    }
    if (status !== "maintenance")
      await waitAttached(client, ctx, prior, dc, sid, "maintenance", "storagedomain.maintenance");
    getLogger().info(`${who(prior)}: detaching from data center ${dc}`);
    await detachWhenAllowed(client, ctx, prior, dc, sid);
    await waitAttached(client, ctx, prior, dc, sid, "detached", "storagedomain.detach");
  }
  const format = prior.destroyDataOnDelete === true;
  if (!prior.hostName)
    throw new Error(`${who(prior)}: the stored state names no hostName to remove the domain with`);
  getLogger().info(
    `${who(prior)}: removing from engine "${prior.engine}" through host ${prior.hostName}` +
      (format ? " and FORMATTING its storage (destroyDataOnDelete)" : "; its data stays on storage"),
  );
  const removed = await svc.removeWith(ctx, sid, { host: prior.hostName, format });
  if (!removed) getLogger().info(`${who(prior)}: ${LABEL} ${id} was already gone`);
}

/** check comes from the shared core (validation, engine names); the rest is the sequences above. */
const checker = makeProvider({
  kind: "storagedomain",
  label: LABEL,
  schema: StorageDomainArgsSchema,
  policies: storageDomainPolicies,
  defaultTimeouts: DEFAULT_TIMEOUTS,
  service: (client: OvirtClient) => client.storagedomains,
  id: storageDomainId,
  toApi: storageDomainToApi,
  fromApi: storageDomainFromApi,
  computed: () => ({}),
} satisfies ResourceKind<StorageDomainArgs, ApiStorageDomain, StorageDomainId>);

export const storageDomainProvider: KindProvider = {
  check: (olds, news) => checker.check(olds, news),
  async diff(_id, olds, news) {
    const { changed, replaces } = diffFields(storageDomainPolicies, bag(olds), bag(news));
    // Two domains cannot share the storage: the old one always goes first.
    return { changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  },
  create,
  read,
  update,
  delete: remove,
};
