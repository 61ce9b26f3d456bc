// Jobs and their steps (model types/Job.java, Step.java; samples/job.xml): the stored shape, the wire
// types and the one search keyword (`correlation_id`).
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Entity } from "../../store/entities";
import type { SearchFields } from "../common/search";

export const JOB_STATUSES = ["aborted", "failed", "finished", "started", "unknown"] as const;
export const STEP_TYPES = [
  "validating",
  "executing",
  "finalizing",
  "rebalancing_volume",
  "removing_bricks",
  "unknown",
] as const;

export type JobStatus = (typeof JOB_STATUSES)[number];
export type StepType = (typeof STEP_TYPES)[number];

export interface Step {
  id: string;
  description: string;
  type: StepType;
  number: number;
  status: JobStatus;
  start_time: number;
  end_time?: number;
  external: boolean;
  progress?: number;
  job: { id: string };
  execution_host?: { id: string };
}

export interface Job extends Entity {
  description: string;
  status: JobStatus;
  start_time: number;
  end_time?: number;
  last_updated: number;
  external: boolean;
  auto_cleared: boolean;
  owner: { id: string };
  /** Not a member of the API's Job: what `search=correlation_id=…` matches. */
  correlation_id: string;
  /** Creation order, to list jobs oldest first even within one millisecond. */
  seq: number;
  steps: Step[];
}

const jobStatus = T.enumOf("JobStatus", JOB_STATUSES);

export const JOB: EntityType = {
  element: "job",
  plural: "jobs",
  path: "jobs",
  struct: struct("Job", [
    field("auto_cleared", T.boolean),
    field("end_time", T.date, { readOnly: true }),
    field("external", T.boolean),
    field("last_updated", T.date, { readOnly: true }),
    field("start_time", T.date, { readOnly: true }),
    field("status", jobStatus, { readOnly: true }),
    field("owner", T.ref("users"), { readOnly: true }),
  ]),
  links: ["steps"],
  actions: { model43: ["clear", "end"], model44: ["clear", "end"] },
};

export const STEP: EntityType = {
  element: "step",
  plural: "steps",
  path: "steps",
  struct: struct("Step", [
    field("end_time", T.date, { readOnly: true }),
    field("external", T.boolean),
    field("number", T.int, { readOnly: true }),
    field("progress", T.int),
    field("start_time", T.date, { readOnly: true }),
    field("status", jobStatus, { readOnly: true }),
    field("type", T.enumOf("StepEnum", STEP_TYPES)),
    field("execution_host", T.ref("hosts"), { readOnly: true }),
    field("job", T.ref("jobs"), { readOnly: true }),
  ]),
  links: ["statistics"],
  actions: { model43: ["end"], model44: ["end"] },
};

/** JobsService search: only `correlation_id` (JobConditionFieldAutoCompleter). */
export const JOB_SEARCH: SearchFields<Job> = {
  correlation_id: (j) => j.correlation_id,
};
