// Which failures are worth another try, how long to wait between tries, and when to stop.
import { isFault, type OvirtError } from "./errors";

export interface Backoff {
  /** First delay in ms. */
  initialMs: number;
  /** No single delay exceeds this. */
  maxMs: number;
  factor: number;
  /** Share of each delay that is random (0 = none, 1 = anywhere in [0, delay]). */
  jitter: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.5 };

/**
 * Whether `err` may be retried. A locked object (409 "Related operation is currently in progress")
 * means the engine refused before doing anything, so any request may be resent. A transient fault
 * (5xx, reset connection) may hide a request that was applied: only resend it if it is idempotent
 * or certainly never left this machine. A non-idempotent caller (a POST that adds) should instead
 * look for what it tried to make, then decide.
 */
export function retryable(err: unknown, opts: { idempotent: boolean }): boolean {
  if (!isFault(err)) return false;
  if (err.kind === "conflict_locked") return true;
  if (err.kind === "transient") return opts.idempotent || err.notSent;
  return false;
}

/** Delay before retry number `attempt` (0-based): exponential, capped, with jitter taken off the top. */
export function backoffDelay(
  attempt: number,
  backoff: Backoff = DEFAULT_BACKOFF,
  random = Math.random,
): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.factor, Math.max(0, attempt)));
  const jitter = Math.min(1, Math.max(0, backoff.jitter));
  return Math.round(base * (1 - jitter) + base * jitter * random());
}

export interface RetryOptions {
  idempotent: boolean;
  /** Epoch ms after which no new attempt starts. */
  deadline: number;
  backoff?: Backoff;
  /** Called before each wait, e.g. to log "retrying in 2s". */
  onRetry?: (err: OvirtError, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `op` until it succeeds, fails with something not retryable, or the deadline would pass
 * during the next wait. The last error is rethrown with `attempts` set.
 */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const now = opts.now ?? Date.now;
  const wait = opts.sleep ?? sleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (!retryable(err, { idempotent: opts.idempotent })) {
        if (isFault(err)) err.attempts = attempt + 1;
        throw err;
      }
      const fault = err as OvirtError;
      fault.attempts = attempt + 1;
      const delay = backoffDelay(attempt, opts.backoff, opts.random);
      if (now() + delay > opts.deadline) throw fault;
      opts.onRetry?.(fault, attempt + 1, delay);
      await wait(delay);
    }
  }
}
