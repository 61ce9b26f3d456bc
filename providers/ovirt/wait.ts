// Waiting for the engine's asynchronous work (host installing -> up, domain locked -> active...):
// poll with a growing interval, report progress, give up after a timeout the user chose.
import { isFault, OvirtError, TimeoutError } from "./errors";
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
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
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
  const start = now();
  const deadline = start + opts.timeoutMs;
  let delay = opts.initialDelayMs ?? 500;
  let lastSeen: string | undefined;
  let lastLineAt = -Infinity;
  let lastLineState: string | undefined;

  for (;;) {
    let result: PollResult<T> | undefined;
    try {
      result = await opts.poll();
    } catch (err) {
      // A blip while polling (reset connection, 503, locked) is not a reason to stop waiting.
      if (!(isFault(err) && retryable(err, { idempotent: true }))) throw err;
      lastSeen = `error: ${err.message}`;
    }
    if (result) {
      if (result.done) return result.value;
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
    await sleep(Math.min(delay, remaining));
    delay = Math.min(maxDelay, delay * factor);
  }
}
