// How a user command answers over REST (AbstractBackendActionableResource.doAction): a job with the
// request's correlation id, then `<action>` with `<status>complete</status>` and a `<job>` link, or,
// when validation fails, `<action>` with `<status>failed</status>` and the `<fault>` (same HTTP status
// as the plain fault). Areas with actions (hosts, storage domains, VMs, gluster) use `performAction`.
import type { EngineContext } from "../../context";
import { ApiFault } from "../../http/faults";
import { element, leaf, type Node } from "../../repr/tree";
import type { Answer, ApiRequest } from "../context";
import { endJob, startJob, type StartJobOptions } from "./record";

/** A failed action: the fault nested in an `<action>` (JSON: the action object with `fault`). */
export class ActionFault extends ApiFault {
  constructor(fault: ApiFault) {
    super(fault.status, fault.reason, fault.detail);
  }

  override toNode(): Node {
    return element("action", [super.toNode(), leaf("status", "failed")]);
  }
}

export interface CommandResult {
  /** The job stays `started`: the command's asynchronous part ends it (endJob) later. */
  pending?: boolean;
  /** Extra members of the answer's `<action>` (e.g. the affected entity). */
  extra?: Node[];
}

export interface ActionOptions {
  job: Omit<StartJobOptions, "correlationId">;
}

/**
 * Runs a command: `validate` throws the engine's fault (no job is made then), `execute` gets the
 * job id and returns whether the job is still running. Answers like the engine's actions.
 */
export function performAction(
  engine: EngineContext,
  req: ApiRequest,
  opts: ActionOptions,
  validate: () => void,
  execute: (jobId: string) => CommandResult | void,
): Answer {
  try {
    validate();
  } catch (err) {
    if (err instanceof ApiFault && !(err instanceof ActionFault)) throw new ActionFault(err);
    throw err;
  }
  const jobId = engine.store.transaction(() => {
    const id = startJob(engine, { ...opts.job, correlationId: req.ctx.correlationId });
    const result = execute(id) ?? {};
    if (!result.pending) endJob(engine, id, true);
    return { id, extra: result.extra ?? [] };
  });
  return actionAnswer(req, jobId.id, jobId.extra);
}

/** `<action>` with the job link and `<status>complete</status>`. */
export function actionAnswer(req: ApiRequest, jobId: string | undefined, extra: Node[] = []): Answer {
  const base = req.ctx.render.base;
  const children: Node[] = [...extra];
  if (jobId) {
    children.push(
      element(
        "job",
        [],
        [
          ["href", `${base}/jobs/${jobId}`],
          ["id", jobId],
        ],
      ),
    );
  }
  children.push(leaf("status", "complete"));
  return { status: 200, node: element("action", children) };
}
