// Jobs: /jobs (model types/Job.java). The engine records a job for every command with the request's
// Correlation-Id, so an operation can wait for "its" work: no job of that correlation id `started`.
import { decodeCollection, entityFields, object, Ref, type Decoded } from "./codec";
import { searchValue } from "./collection";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import type { OperationKind } from "./expectations";
import { waitFor } from "./wait";

export const JobType = object({
  ...entityFields,
  status: "string",
  start_time: "date",
  end_time: "date",
  last_updated: "date",
  external: "bool",
  auto_cleared: "bool",
  owner: Ref,
});

export type ApiJob = Decoded<typeof JobType>;

export interface JobWaitOptions {
  /** For progress lines and messages, e.g. `host "calvin"`. */
  what: string;
  onProgress?: (line: string) => void;
  initialDelayMs?: number;
  /** The operation the jobs do (host install...): the polls are scheduled around its duration. */
  kind?: OperationKind;
}

export class JobsService {
  constructor(private readonly conn: Connection) {}

  /** GET /jobs?search=correlation_id=<id> */
  async byCorrelationId(ctx: OperationContext, correlationId: string): Promise<ApiJob[]> {
    const res = await this.conn.request(ctx, "GET", "/jobs", {
      query: { search: `correlation_id=${searchValue(correlationId)}` },
    });
    return decodeCollection(JobType, "job", res.data);
  }

  /**
   * Waits until no job of `correlationId` is `started` (until ctx's deadline), reporting the running
   * jobs' descriptions. Returns the jobs as last seen (empty when the engine recorded none).
   */
  async waitFinished(ctx: OperationContext, correlationId: string, opts: JobWaitOptions): Promise<ApiJob[]> {
    const result = await waitFor<ApiJob[]>({
      what: opts.what,
      awaited: `the end of its jobs (correlation id ${correlationId})`,
      timeoutMs: Math.max(0, ctx.deadline - Date.now()),
      onProgress: opts.onProgress,
      initialDelayMs: opts.initialDelayMs ?? 250,
      expect: opts.kind && { kind: opts.kind, engine: this.conn.engine },
      poll: async () => {
        const jobs = await this.byCorrelationId(ctx, correlationId);
        const running = jobs.filter((j) => j.status === "started");
        return {
          done: running.length === 0,
          state: running.map((j) => `${j.description ?? "job"} (started)`).join(", ") || "no job running",
          value: jobs,
        };
      },
    });
    return result ?? [];
  }
}
