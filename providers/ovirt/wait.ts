// Waiting for the engine's asynchronous work (host installing -> up, domain locked -> active...):
// poll with a growing interval, report progress, give up after a timeout the user chose.
// A wait that names its operation (`expect`) is scheduled around the operation's expected duration
// (expectations.ts: priors per kind, learned per engine from every completed wait): quick first
// polls, then sleeps that cover most of what remains to the expected end, dense polls around it,
// and growing sleeps again past it. Without `expect`: a plain geometric backoff.
import { isFault, OvirtError, TimeoutError } from "./errors";
import { expectations as processExpectations, type Expectation, type ExpectationTable } from "./expectations";
import { retryable, sleep as realSleep } from "./retry";

export interface PollResult<T> {
  done: boolean;
  /** What was seen, for progress lines and the timeout message, e.g. "status installing". */
  state: string;
  /** Set when the object reached a state it will not leave (install_failed...): stop waiting. */
  failed?: string;
  value?: T;
}

export interface WaitOptions<T> {
  /** The object, e.g. `cluster "ocpcluster"`. */
  what: string;
  /** The awaited state, e.g. "status up". */
  awaited: string;
  poll: () => Promise<PollResult<T>>;
  timeoutMs: number;
  onProgress?: (line: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  /** Minimum time between two progress lines for the same state. */
  progressEveryMs?: number;
  /** The operation waited for: the polls are scheduled around its expected duration, learned. */
  expect?: Expectation;
  /** Where expectations are read and learned (default: this process's table). */
  expectations?: ExpectationTable;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Polls before the schedule turns to the expectation: instant operations end within them. */
export const QUICK_POLLS = 2;
/** The schedule aims at the expected end plus half of this share of the expected duration... */
export const DENSE_FRACTION = 0.03;
/** ...at least this many ms; past it, sleeps are at least this (the dense step). */
export const MIN_DENSE_MS = 200;
/** Before the aim, each sleep covers this share of the time that remains to it... */
export const APPROACH_FRACTION = 0.5;
/** ...and once no more than this share of the expected duration remains, the sleep lands on it... */
export const LAND_FRACTION = 0.25;
/** ...but each poll comes at most this many times as far into the wait as the one before (a
 * faster engine than expected is still caught early)... */
export const APPROACH_GROWTH = 4;
/** ...and no sleep lasts longer than this (a progress line at least every minute). */
export const MAX_APPROACH_MS = 60_000;

export interface Schedule {
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** The operation's expected duration; without it, a plain geometric backoff. */
  expectedMs?: number;
}

/**
 * The sleep after poll number `polls` (1-based), made `elapsedMs` into the wait; `previousMs` is the
 * sleep before that poll (undefined after the first). Without an expectation: `initialDelayMs`,
 * then x `factor` up to `maxDelayMs`. With one (E), aiming at E + dense/2 (dense: DENSE_FRACTION of
 * E, at least MIN_DENSE_MS, at most `maxDelayMs`): the same quick sleeps for the first QUICK_POLLS;
 * then APPROACH_FRACTION of what remains to the aim, straight to the aim once at most
 * LAND_FRACTION of E (or the dense step) remains, never a poll more than APPROACH_GROWTH times as
 * far into the wait as this one nor a sleep over MAX_APPROACH_MS; past the aim, half the time
 * already past E (the overshoot stays a bounded share of the lateness), at least the dense step, at
 * most `maxDelayMs`.
 */
export function nextDelayMs(s: Schedule, polls: number, elapsedMs: number, previousMs?: number): number {
  const geometric =
    previousMs === undefined ? s.initialDelayMs : Math.min(s.maxDelayMs, previousMs * s.factor);
  const e = s.expectedMs;
  if (e === undefined || polls <= QUICK_POLLS) return geometric;
  const dense = Math.min(Math.max(MIN_DENSE_MS, e * DENSE_FRACTION), Math.max(s.maxDelayMs, MIN_DENSE_MS));
  const remaining = e + dense / 2 - elapsedMs;
  if (remaining > 0) {
    const step = remaining <= Math.max(dense, e * LAND_FRACTION) ? remaining : remaining * APPROACH_FRACTION;
    const grown = Math.max(s.initialDelayMs, elapsedMs * (APPROACH_GROWTH - 1));
    return Math.min(step, grown, MAX_APPROACH_MS);
  }
  return Math.min(Math.max(s.maxDelayMs, dense), Math.max(dense, (elapsedMs - e) * 0.5));
}

export class WaitTimeoutError extends TimeoutError {
  constructor(
    readonly what: string,
    readonly awaited: string,
    readonly lastSeen: string | undefined,
    readonly waitedMs: number,
  ) {
    super(
      `timed out after ${Math.round(waitedMs / 1000)}s waiting for ${what} to reach ${awaited}` +
        ` (last seen: ${lastSeen ?? "nothing yet"})`,
    );
  }
}

export class WaitFailedError extends OvirtError {
  constructor(what: string, awaited: string, failed: string) {
    super("unexpected", `${what} will not reach ${awaited}: ${failed}`);
  }
}

/** Polls until done; the sum of the waits never exceeds `timeoutMs` (a last poll happens at the end). */
export async function waitFor<T>(opts: WaitOptions<T>): Promise<T | undefined> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const maxDelay = opts.maxDelayMs ?? 10_000;
  const factor = opts.factor ?? 1.5;
  const progressEvery = opts.progressEveryMs ?? 10_000;
  const table = opts.expectations ?? processExpectations;
  const schedule: Schedule = {
    initialDelayMs: opts.initialDelayMs ?? 500,
    maxDelayMs: maxDelay,
    factor,
    expectedMs: opts.expect ? table.expectedMs(opts.expect) : undefined,
  };
  const start = now();
  const deadline = start + opts.timeoutMs;
  let delay: number | undefined;
  let polls = 0;
  /** When the last poll that saw the operation unfinished was sent (ms into the wait). */
  let pendingAt: number | undefined;
  let lastSeen: string | undefined;
  let lastLineAt = -Infinity;
  let lastLineState: string | undefined;

  for (;;) {
    let result: PollResult<T> | undefined;
    const sentAt = now() - start;
    polls++;
    try {
      result = await opts.poll();
    } catch (err) {
      // A blip while polling (reset connection, 503, locked) is not a reason to stop waiting.
      if (!(isFault(err) && retryable(err, { idempotent: true }))) throw err;
      lastSeen = `error: ${err.message}`;
    }
    if (result) {
      if (result.done) {
        // Learn the operation's duration: it ended between the last "not yet" and this poll. The
        // expectation stays if it lies there; an earlier end is taken 3/4 of the way into the gap
        // (seen late costs polls past the expectation, seen early only a bounded lag), a later one
        // half-way (the polls past the expectation are close). Done at the first poll says nothing
        // about how long it took (it may have ended before the wait).
        if (opts.expect && pendingAt !== undefined) {
          const e = schedule.expectedMs ?? sentAt;
          const gap = sentAt - pendingAt;
          const observed = pendingAt < e && e <= sentAt ? e : pendingAt + gap * (e > sentAt ? 0.75 : 0.5);
          table.observe(opts.expect, observed);
        }
        return result.value;
      }
      pendingAt = sentAt;
      lastSeen = result.state;
      if (result.failed) throw new WaitFailedError(opts.what, opts.awaited, result.failed);
    }
    const elapsed = now() - start;
    if (opts.onProgress && (lastSeen !== lastLineState || now() - lastLineAt >= progressEvery)) {
      opts.onProgress(
        `waiting for ${opts.what}: ${lastSeen ?? "no answer yet"} (${Math.round(elapsed / 1000)}s)`,
      );
      lastLineAt = now();
      lastLineState = lastSeen;
    }
    const remaining = deadline - now();
    if (remaining <= 0) throw new WaitTimeoutError(opts.what, opts.awaited, lastSeen, elapsed);
    delay = nextDelayMs(schedule, polls, now() - start, delay);
    await sleep(Math.min(delay, remaining));
  }
}
