// Retry decisions per fault class and idempotency; backoff bounds; the per-operation deadline.
import {
  AuthError,
  ConflictError,
  LockedError,
  NotFoundError,
  TlsError,
  TransientError,
  ValidationError,
} from "../../providers/ovirt/errors";
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  retryable,
  withRetry,
  type Backoff,
} from "../../providers/ovirt/retry";

describe("retryable", () => {
  const locked = new LockedError("busy");
  const transient = new TransientError("503");
  const refused = new TransientError("refused", { code: "ECONNREFUSED", notSent: true });

  test.each([
    ["locked, idempotent", locked, true, true],
    ["locked, not idempotent (the engine refused before doing anything)", locked, false, true],
    ["transient, idempotent", transient, true, true],
    ["transient, not idempotent (may have been applied)", transient, false, false],
    ["transient that never left, not idempotent", refused, false, true],
    ["conflict (name in use)", new ConflictError("in use"), true, false],
    ["validation", new ValidationError("bad"), true, false],
    ["auth", new AuthError("denied"), true, false],
    ["not found", new NotFoundError("gone"), true, false],
    ["tls", new TlsError("cert"), true, false],
    ["a plain Error", new Error("boom"), true, false],
    ["a string", "boom", true, false],
  ])("%s", (_what, err, idempotent, want) => {
    expect(retryable(err, { idempotent })).toBe(want);
  });
});

describe("backoffDelay", () => {
  const b: Backoff = { initialMs: 500, maxMs: 8000, factor: 2, jitter: 0.5 };

  test("grows exponentially and is capped", () => {
    const top = (n: number) => backoffDelay(n, b, () => 1);
    expect([0, 1, 2, 3, 4, 5, 10, 50].map(top)).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
  });

  test("jitter keeps every delay within [base * (1 - jitter), base]", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const base = Math.min(b.maxMs, b.initialMs * 2 ** attempt);
      for (const r of [0, 0.1, 0.5, 0.999, 1]) {
        const d = backoffDelay(attempt, b, () => r);
        expect(d).toBeGreaterThanOrEqual(base * 0.5);
        expect(d).toBeLessThanOrEqual(base);
      }
    }
  });

  test("the default never exceeds its cap", () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      expect(backoffDelay(attempt)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
    }
  });
});

describe("withRetry", () => {
  function fakeClock() {
    let t = 0;
    const slept: number[] = [];
    return {
      now: () => t,
      sleep: async (ms: number) => {
        slept.push(ms);
        t += ms;
      },
      slept,
    };
  }

  test("retries a retryable fault until it succeeds", async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw new LockedError("busy");
        return "ok";
      },
      { idempotent: false, deadline: 60_000, ...clock, random: () => 1 },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(clock.slept).toEqual([500, 1000]);
  });

  test("does not resend a non-idempotent request after an ambiguous failure", async () => {
    const clock = fakeClock();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new TransientError("socket hang up");
      },
      { idempotent: false, deadline: 60_000, ...clock },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(calls).toBe(1);
    expect(clock.slept).toEqual([]);
  });

  test("never retries what is not retryable, and reports the attempts", async () => {
    const clock = fakeClock();
    const err = (await withRetry(
      async () => {
        throw new ConflictError("in use");
      },
      { idempotent: true, deadline: 60_000, ...clock },
    ).catch((e: unknown) => e)) as ConflictError;
    expect(err.attempts).toBe(1);
    expect(clock.slept).toEqual([]);
  });

  test("gives up before the deadline would pass, with the last fault", async () => {
    const clock = fakeClock();
    let calls = 0;
    const err = (await withRetry(
      async () => {
        calls++;
        throw new TransientError(`503 #${calls}`);
      },
      { idempotent: true, deadline: 10_000, ...clock, random: () => 1 },
    ).catch((e: unknown) => e)) as TransientError;
    expect(err.message).toBe(`503 #${calls}`);
    expect(err.attempts).toBe(calls);
    // 500 + 1000 + 2000 + 4000 = 7500; the next 8000 would end past 10000.
    expect(clock.slept).toEqual([500, 1000, 2000, 4000]);
    expect(clock.now()).toBeLessThanOrEqual(10_000);
  });
});
