// The migration Step provider (model.ts): create runs the step (steps.ts) and records what it did;
// read, update and delete only keep or drop that record, never touching an engine: a move that
// happened is history, and re-running a reinstall because a field changed would be a disaster.
import type * as pulumi from "@pulumi/pulumi";
import type { KindProvider } from "../core/base";
import { bag, describeResource, unknownEngine, validate } from "../core/check";
import { compact } from "../core/diff";
import { newOperation } from "../ovirt/context";
import { clientFor } from "../ovirt/registry";
import { StepArgsSchema, STEP_TIMEOUT_S, type StepArgs } from "./model";
import { runStep } from "./steps";

type Props = Record<string, unknown>;

const who = (args: Props) =>
  describeResource("migration step", `${String(args.subject)}: ${String(args.action)}`);

function parse(inputs: unknown): StepArgs {
  const raw = bag(inputs);
  const r = validate(StepArgsSchema, raw, who(raw));
  if (!r.ok) throw new Error(r.failures.map((f) => f.reason).join("; "));
  return r.value;
}

export const stepProvider: KindProvider = {
  async check(_olds, news) {
    const inputs = bag(news);
    const r = validate(StepArgsSchema, inputs, who(inputs));
    const failures = r.ok ? [] : [...r.failures];
    const badEngine = unknownEngine(who(inputs), inputs.engine);
    if (badEngine) failures.push(badEngine);
    if (failures.length) return { inputs, failures };
    return { inputs: r.ok ? compact(r.value as Props) : inputs };
  },

  async diff(_id, olds, news) {
    const prior = bag(olds);
    const desired = bag(news);
    const changed = Object.keys({ ...prior, ...desired }).filter(
      (k) => k !== "result" && k !== "doneAt" && JSON.stringify(prior[k]) !== JSON.stringify(desired[k]),
    );
    return { changes: changed.length > 0, replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs): Promise<pulumi.dynamic.CreateResult<Props>> {
    const args = parse(inputs);
    const ctx = newOperation(`step-${args.action}`, (args.timeouts?.create ?? STEP_TIMEOUT_S) * 1000);
    const result = await runStep(clientFor(args.engine), ctx, args);
    return {
      id: `${args.engine}/${args.subject}/${args.action}`,
      outs: compact({ ...(args as Props), result, doneAt: new Date().toISOString() }),
    };
  },

  async read(id, props) {
    const p = bag(props);
    const { result: _r, doneAt: _d, ...inputs } = p;
    return { id, props: p, inputs };
  },

  async update(_id, olds, news) {
    const prior = bag(olds);
    return { outs: compact({ ...bag(news), result: prior.result, doneAt: prior.doneAt }) };
  },

  async delete() {
    // A record of something done: forgetting it changes nothing anywhere.
  },
};
