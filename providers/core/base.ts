// The idempotent core every provider shares (find by name, compare, update or create):
// - check validates inputs, nothing is sent to an engine;
// - diff compares declared fields, each with its "update" or "replace" policy;
// - create looks for the object by name first: a half-made object from a crashed run, or one a
//   racing request just made, is adopted and finished, never duplicated;
// - read maps the live object back onto the inputs the user set (no refresh noise), 404 = gone;
// - update PUTs only the fields that differ from the live object;
// - delete treats 404 as done.
// `adopt: true` is the explicit take-over: create finds the object by name (in its parent scope) and
// records it with ZERO write requests, even when fields differ; the outputs then hold the engine's
// values, so the next preview shows what `up` would change. No such object = create fails. Delete
// of an adopted object is like any other (use retainOnDelete to keep it). See docs/recovery.md.
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { OvirtClient } from "../ovirt/client";
import type { Query } from "../ovirt/connection";
import { newOperation, type OperationContext } from "../ovirt/context";
import { isFault } from "../ovirt/errors";
import { getLogger } from "../ovirt/log";
import { clientFor } from "../ovirt/registry";
import { withRetry } from "../ovirt/retry";
import { bag, describeResource, isUnknown, unknownEngine, validate } from "./check";
import { compact, diffFields, project, satisfies, type Policy } from "./diff";

/** Per-resource operation timeouts in seconds. */
export interface Timeouts {
  create?: number;
  update?: number;
  delete?: number;
}

const seconds = z
  .number({ error: "must be a number of seconds" })
  .int({ error: "must be a whole number of seconds" })
  .min(1, { error: "must be at least 1 second" })
  .max(86_400, { error: "must be at most 86400 seconds (a day)" });

export const TimeoutsSchema = z
  .object({ create: seconds.optional(), update: seconds.optional(), delete: seconds.optional() })
  .strict();

/** A name of an engine in `ovirt-lab:engines`. */
export const EngineNameSchema = z
  .string({ error: "must be the name of an engine in ovirt-lab:engines" })
  .regex(/^[A-Za-z0-9_-]+$/, { error: "is not an engine name (letters, digits, '_' and '-')" });

/** `adopt`: take over an existing object by name without changing it (a create-time choice). */
export const AdoptSchema = z.boolean({ error: "must be true or false" }).optional();

export interface BaseArgs {
  engine: string;
  name: string;
  timeouts?: Timeouts;
  adopt?: boolean;
}

/** What create says when `adopt` finds nothing to take over. */
export function adoptMissing(who: string, label: string, name: string, where: string): Error {
  return new Error(
    `${who}: adopt: no ${label} named ${name} on ${where}. Nothing was created: make it there first, ` +
      `or remove \`adopt\` to let Pulumi create it`,
  );
}

/** The progress line of an explicit take-over (create makes no change on the engine). */
export function logAdopting(who: string, label: string, id: string | undefined, where: string): void {
  getLogger().info(
    `${who}: adopting existing ${label} ${id ?? "(no id)"} on ${where} (adopt: no change is made; ` +
      "the next preview shows what `up` would change)",
  );
}

/** The verbs `base` needs from a client service (CollectionService has them). */
export interface CrudService<Obj, Id extends string> {
  findByName(ctx: OperationContext, name: string): Promise<Obj | undefined>;
  tryGet(ctx: OperationContext, id: Id, query?: Query): Promise<Obj | undefined>;
  /** Read (refresh) from this run's listing of the kind (CollectionService.readCached); else tryGet. */
  readCached?(ctx: OperationContext, id: Id): Promise<Obj | undefined>;
  add(ctx: OperationContext, body: Obj): Promise<Obj>;
  update(ctx: OperationContext, id: Id, body: Obj): Promise<Obj>;
  remove(ctx: OperationContext, id: Id): Promise<boolean>;
}

export interface ResourceKind<Args extends BaseArgs, Obj extends { id?: string }, Id extends string> {
  /** The runtime's key, e.g. "cluster". */
  kind: string;
  /** For messages, e.g. "data center". */
  label: string;
  /** Validates inputs and fills defaults. */
  schema: z.ZodType<Args>;
  /** Every input field and what changing it takes. */
  policies: { readonly [K in keyof Args & string]-?: Policy };
  /** Seconds, when the resource's `timeouts` does not say. */
  defaultTimeouts: Required<Timeouts>;
  /**
   * The service the core drives. `args` (the resource's inputs, or its stored ones) lets a kind whose
   * names are unique only within a parent (networks per data center, profiles per network) look up
   * by name inside that parent.
   */
  service(client: OvirtClient, args: Partial<Args>): CrudService<Obj, Id>;
  /** Types an id from Pulumi's state. */
  id(value: string): Id;
  /** The API body for `fields` of `args`: all of them to add, the changed ones to update. */
  toApi(args: Args, fields: ReadonlyArray<keyof Args & string>): Obj;
  /** The live object in the shape of Args (every field the engine reports; `engine`/`timeouts` omitted). */
  fromApi(obj: Obj): Partial<Args>;
  /** Outputs that are not inputs (status, supported versions...). */
  computed(obj: Obj): Record<string, unknown>;
}

type Props = Record<string, unknown>;

export interface KindProvider {
  check(olds: unknown, news: unknown): Promise<pulumi.dynamic.CheckResult<Props>>;
  diff(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: unknown): Promise<pulumi.dynamic.CreateResult<Props>>;
  read(id: string, props?: unknown): Promise<pulumi.dynamic.ReadResult<Props>>;
  update(id: string, olds: unknown, news: unknown): Promise<pulumi.dynamic.UpdateResult<Props>>;
  delete(id: string, props: unknown): Promise<void>;
}

export function makeProvider<Args extends BaseArgs, Obj extends { id?: string }, Id extends string>(
  k: ResourceKind<Args, Obj, Id>,
): KindProvider {
  const fields = Object.keys(k.policies) as Array<keyof Args & string>;
  const who = (args: { name?: unknown }) => describeResource(k.label, args.name);

  /** Inputs Pulumi hands to create/update were checked already; this only types them and fills defaults. */
  function parse(inputs: unknown): Args {
    const raw = bag(inputs);
    const r = validate(k.schema, raw, who(raw));
    if (!r.ok) throw new Error(r.failures.map((f) => f.reason).join("; "));
    return r.value;
  }

  /** The input fields as they were stored (outputs hold the inputs plus computed values). */
  function priorArgs(props: unknown): Partial<Args> {
    const p = bag(props);
    const out: Record<string, unknown> = {};
    for (const f of fields) if (p[f] !== undefined) out[f] = p[f];
    return out as Partial<Args>;
  }

  /** A read (refresh) is bounded like an update. */
  function operation(args: Partial<Args>, op: keyof Timeouts | "read"): OperationContext {
    const budget = op === "read" ? "update" : op;
    const s = args.timeouts?.[budget] ?? k.defaultTimeouts[budget];
    return newOperation(`${k.kind}-${op}`, s * 1000);
  }

  function service(engine: string | undefined, what: string, args: Partial<Args>): CrudService<Obj, Id> {
    if (!engine) throw new Error(`${what}: the stored state names no engine`);
    return k.service(clientFor(engine), args);
  }

  /** Update-policy fields whose desired value the live object does not have. */
  function toChange(args: Args, live: Partial<Args>): Array<keyof Args & string> {
    return fields.filter((f) => f !== "engine" && k.policies[f] === "update" && !satisfies(args[f], live[f]));
  }

  function outputs(args: Args, obj: Obj, adopted?: unknown): Record<string, unknown> {
    return compact({ ...(args as Record<string, unknown>), ...k.computed(obj), adopted });
  }

  /** The inputs the user set, with the live object's values where it reports them (read, adopt). */
  function liveInputs(prior: Partial<Args>, obj: Obj): Record<string, unknown> {
    const managed = Object.fromEntries(
      Object.entries(prior).filter(([f]) => f !== "engine" && f !== "timeouts" && f !== "adopt"),
    );
    return compact({ ...prior, ...project(managed, k.fromApi(obj) as Record<string, unknown>) });
  }

  /** `adopt: true`: the object by name, recorded as it is. Only GETs are sent. */
  async function takeOver(args: Args): Promise<pulumi.dynamic.CreateResult<Props>> {
    const svc = service(args.engine, who(args), args);
    const ctx = operation(args, "create");
    const where = `engine "${args.engine}"`;
    const found = await withRetry(() => svc.findByName(ctx, args.name), {
      idempotent: true,
      deadline: ctx.deadline,
    });
    if (!found?.id) throw adoptMissing(who(args), k.label, args.name, where);
    logAdopting(who(args), k.label, found.id, where);
    return {
      id: found.id,
      outs: compact({ ...liveInputs(args, found), ...k.computed(found), adopted: true }),
    };
  }

  /** Takes over an existing object with the wanted name, then makes it match. */
  async function adopt(
    ctx: OperationContext,
    svc: CrudService<Obj, Id>,
    args: Args,
    obj: Obj,
    how: string,
  ): Promise<Obj> {
    const live = k.fromApi(obj);
    for (const f of fields) {
      if (f === "engine" || k.policies[f] !== "replace") continue;
      if (args[f] !== undefined && live[f] !== undefined && !satisfies(args[f], live[f])) {
        throw new Error(
          `${who(args)}: engine "${args.engine}" already has a ${k.label} with this name (id ${obj.id}) whose ` +
            `${f} is ${JSON.stringify(live[f])}, not ${JSON.stringify(args[f])}. It is not adopted: ` +
            `rename this resource or remove the existing ${k.label}.`,
        );
      }
    }
    getLogger().info(
      `${who(args)}: adopting the existing ${k.label} ${obj.id} on engine "${args.engine}" (${how})`,
    );
    const changes = toChange(args, live);
    if (changes.length === 0) return obj;
    return svc.update(ctx, k.id(obj.id ?? ""), k.toApi(args, changes));
  }

  return {
    async check(_olds, news) {
      const inputs = bag(news);
      const label = who(inputs);
      const r = validate(k.schema, inputs, label);
      const failures = r.ok ? [] : [...r.failures];
      const badEngine = unknownEngine(label, inputs.engine);
      if (badEngine) failures.push(badEngine);
      if (failures.length) return { inputs, failures };
      // Unknown values pass validation only in preview; keep the raw inputs then, defaults come later.
      return { inputs: r.ok ? compact(r.value as Record<string, unknown>) : inputs };
    },

    async diff(_id, olds, news) {
      const prior = bag(olds);
      const desired = bag(news);
      const { changed, replaces } = diffFields(k.policies, prior, desired);
      // Names are unique per engine: a replacement with the same name on the same engine cannot
      // coexist with the old object (create would even adopt it), so the old one goes first.
      const sameName = !isUnknown(desired.name) && desired.name === prior.name;
      const sameEngine = !isUnknown(desired.engine) && desired.engine === prior.engine;
      return {
        changes: changed.length > 0,
        replaces,
        deleteBeforeReplace: replaces.length > 0 && sameName && sameEngine,
      };
    },

    async create(inputs) {
      const args = parse(inputs);
      if (args.adopt) return takeOver(args);
      const svc = service(args.engine, who(args), args);
      const ctx = operation(args, "create");
      // Every attempt looks before it adds, so resending after an ambiguous failure cannot duplicate.
      const obj = await withRetry(
        async (attempt) => {
          const found = await svc.findByName(ctx, args.name);
          if (found)
            return adopt(
              ctx,
              svc,
              args,
              found,
              attempt === 0 ? "found by name" : "made by an interrupted attempt",
            );
          try {
            return await svc.add(ctx, k.toApi(args, fields));
          } catch (err) {
            // "Name already in use": someone (a concurrent run, a retried request) just made it.
            if (isFault(err, "conflict")) {
              const raced = await svc.findByName(ctx, args.name);
              if (raced) return adopt(ctx, svc, args, raced, "created concurrently");
            }
            throw err;
          }
        },
        {
          idempotent: true,
          deadline: ctx.deadline,
          onRetry: (err, n, delay) =>
            getLogger().info(`${who(args)}: ${err.message}; retry ${n} in ${(delay / 1000).toFixed(1)}s`),
        },
      );
      if (!obj.id) throw new Error(`${who(args)}: the engine's answer has no id`);
      return { id: obj.id, outs: outputs(args, obj) };
    },

    async read(id, props) {
      const prior = priorArgs(props);
      const svc = service(prior.engine, who(prior), prior);
      const ctx = operation(prior, "read");
      const obj = await (svc.readCached ? svc.readCached(ctx, k.id(id)) : svc.tryGet(ctx, k.id(id)));
      // Gone (deleted outside Pulumi): an empty id tells Pulumi to drop it from the state.
      if (!obj) return { id: "" };
      const inputs = liveInputs(prior, obj);
      return { id, props: compact({ ...inputs, ...k.computed(obj), adopted: bag(props).adopted }), inputs };
    },

    async update(id, olds, news) {
      const args = parse(news);
      const svc = service(args.engine, who(args), args);
      const ctx = operation(args, "update");
      const live = await svc.tryGet(ctx, k.id(id));
      if (!live) {
        throw new Error(
          `${who(args)}: ${k.label} ${id} no longer exists on engine "${args.engine}" (removed outside Pulumi?); ` +
            `run \`pulumi refresh\` to forget it, then \`pulumi up\` to make it again`,
        );
      }
      const changes = toChange(args, k.fromApi(live));
      const obj = changes.length ? await svc.update(ctx, k.id(id), k.toApi(args, changes)) : live;
      return { outs: outputs(args, obj, bag(olds).adopted) };
    },

    async delete(id, props) {
      const prior = priorArgs(props);
      const svc = service(prior.engine, who(prior), prior);
      const removed = await svc.remove(operation(prior, "delete"), k.id(id));
      if (!removed) getLogger().info(`${who(prior)}: ${k.label} ${id} was already gone`);
    },
  };
}
