// /jobs, /jobs/{id}, /jobs/{id}/steps[/{id}]: list (search by correlation_id, max), get; external jobs
// (add with a description, end, clear) as the ANSIBLE ovirt_job module and cluster_upgrade use them.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { mandatory, notFound } from "../../http/faults";
import { decodeStruct, parseBody } from "../../repr/decode";
import { field, struct, T } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { ApiRequest, Area } from "../context";
import { readEntity } from "../common/input";
import { listWithSearch } from "../common/search";
import { collectionAnswer, createdAnswer, entityAnswer, findByPathId } from "../respond";
import { actionAnswer } from "./command";
import { JOB, JOB_SEARCH, STEP, type Job, type Step } from "./model";
import { endJob } from "./record";

const EndAction = struct("Action", [field("succeeded", T.boolean), field("force", T.boolean)]);

function present(j: Job): Value {
  return { ...j };
}

function presentStep(s: Step): Value {
  return { ...s };
}

function list(engine: EngineContext, req: ApiRequest) {
  const all = engine.store.list<Job>("job").sort((a, b) => a.seq - b.seq);
  const found = listWithSearch(all, req.ctx.query, JOB_SEARCH, (j) => String(j.seq));
  return collectionAnswer(JOB, found.map(present), req.ctx);
}

function getJob(engine: EngineContext, id: string): Job {
  return findByPathId<Job>(engine.store, "job", id);
}

function add(engine: EngineContext, req: ApiRequest) {
  const input = readEntity(req, JOB, "jobs/methods/add");
  if (!input || input.description === undefined) throw mandatory("job.description");
  const now = Date.now();
  const id = crypto.randomUUID();
  const job: Job = {
    id,
    description: input.description as string,
    status: "started",
    start_time: now,
    last_updated: now,
    external: true,
    auto_cleared: input.auto_cleared === undefined ? true : Boolean(input.auto_cleared),
    owner: { id: engine.adminUserId },
    correlation_id: req.ctx.correlationId,
    seq: now * 1000,
    steps: [],
  };
  engine.store.insert("job", job);
  return createdAnswer(JOB, present(job), req.ctx);
}

function end(engine: EngineContext, req: ApiRequest) {
  const job = getJob(engine, req.params.id);
  const raw = parseBody(req.body, req.ctx.bodyFormat, "action");
  const action = raw === undefined ? {} : decodeStruct(EndAction, raw, req.ctx.render.model44);
  const succeeded = action.succeeded === undefined ? true : Boolean(action.succeeded);
  endJob(engine, job.id, succeeded);
  return actionAnswer(req, undefined);
}

function clear(engine: EngineContext, req: ApiRequest) {
  const job = getJob(engine, req.params.id);
  if (job.status !== "started") engine.store.remove("job", job.id);
  return actionAnswer(req, undefined);
}

function steps(engine: EngineContext, req: ApiRequest) {
  const job = getJob(engine, req.params.id);
  return collectionAnswer(STEP, job.steps.map(presentStep), req.ctx, `jobs/${job.id}/steps`);
}

function step(engine: EngineContext, req: ApiRequest) {
  const job = getJob(engine, req.params.id);
  const s = job.steps.find((x) => x.id === req.params.stepId.toLowerCase());
  if (!s) throw notFound();
  return entityAnswer(STEP, presentStep(s), req.ctx, `jobs/${job.id}/steps`);
}

export const jobRoutes: Area = (engine) => [
  { method: "GET", path: "/jobs", handle: (req) => list(engine, req) },
  { method: "POST", path: "/jobs", handle: (req) => add(engine, req) },
  {
    method: "GET",
    path: "/jobs/:id",
    handle: (req) => entityAnswer(JOB, present(getJob(engine, req.params.id)), req.ctx),
  },
  { method: "POST", path: "/jobs/:id/end", handle: (req) => end(engine, req) },
  { method: "POST", path: "/jobs/:id/clear", handle: (req) => clear(engine, req) },
  { method: "GET", path: "/jobs/:id/steps", handle: (req) => steps(engine, req) },
  { method: "GET", path: "/jobs/:id/steps/:stepId", handle: (req) => step(engine, req) },
];
