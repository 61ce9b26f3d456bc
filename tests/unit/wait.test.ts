// Waiting for async work: growing poll interval, progress lines, bounded by the user's timeout,
// and a timeout message that names the object, the awaited state and the last state seen.
import { LockedError, ValidationError } from "../../providers/ovirt/errors";
import { waitFor, WaitFailedError, WaitTimeoutError } from "../../providers/ovirt/wait";

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

describe("waitFor", () => {
  test("returns the value once the condition holds", async () => {
    const clock = fakeClock();
    const states = ["installing", "installing", "up"];
    const got = await waitFor({
      what: 'host "calvin"',
      awaited: "status up",
      timeoutMs: 60_000,
      poll: async () => {
        const s = states.shift() ?? "up";
        return { done: s === "up", state: `status ${s}`, value: s };
      },
      ...clock,
    });
    expect(got).toBe("up");
    expect(clock.slept).toEqual([500, 750]);
  });

  test("times out naming the object, the awaited state and the last seen state", async () => {
    const clock = fakeClock();
    const err = (await waitFor({
      what: 'cluster "ocpcluster"',
      awaited: "status up",
      timeoutMs: 30_000,
      poll: async () => ({ done: false, state: "status installing" }),
      ...clock,
    }).catch((e: unknown) => e)) as WaitTimeoutError;
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect(err.kind).toBe("timeout");
    expect(err.message).toBe(
      'timed out after 30s waiting for cluster "ocpcluster" to reach status up (last seen: status installing)',
    );
    expect(err.lastSeen).toBe("status installing");
  });

  test("the sum of the waits never exceeds the timeout; the interval grows to its cap", async () => {
    const clock = fakeClock();
    await waitFor({
      what: "x",
      awaited: "y",
      timeoutMs: 45_000,
      maxDelayMs: 5_000,
      poll: async () => ({ done: false, state: "z" }),
      ...clock,
    }).catch(() => undefined);
    const total = clock.slept.reduce((a, b) => a + b, 0);
    expect(total).toBe(45_000);
    expect(clock.slept[0]).toBe(500);
    expect(Math.max(...clock.slept)).toBe(5_000);
    for (let i = 1; i < clock.slept.length - 1; i++)
      expect(clock.slept[i]).toBeGreaterThanOrEqual(clock.slept[i - 1]);
  });

  test("reports progress lines when the state changes and now and then while it does not", async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    let n = 0;
    await waitFor({
      what: 'cluster "X"',
      awaited: "status up",
      timeoutMs: 40_000,
      maxDelayMs: 2_000,
      progressEveryMs: 10_000,
      poll: async () => {
        n++;
        return { done: n > 20, state: n < 4 ? "status installing" : "status initializing" };
      },
      onProgress: (l) => lines.push(l),
      ...clock,
    });
    expect(lines[0]).toBe('waiting for cluster "X": status installing (0s)');
    expect(lines.some((l) => l.startsWith('waiting for cluster "X": status initializing ('))).toBe(true);
    expect(lines.length).toBeLessThan(n);
  });

  test("stops at once when the object reaches a failed state", async () => {
    const clock = fakeClock();
    const err = await waitFor({
      what: 'host "dogbert"',
      awaited: "status up",
      timeoutMs: 60_000,
      poll: async () => ({ done: false, state: "status install_failed", failed: "status install_failed" }),
      ...clock,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitFailedError);
    expect((err as Error).message).toBe('host "dogbert" will not reach status up: status install_failed');
    expect(clock.slept).toEqual([]);
  });

  test("a retryable blip while polling does not end the wait; other faults do", async () => {
    const clock = fakeClock();
    let n = 0;
    const got = await waitFor({
      what: "x",
      awaited: "y",
      timeoutMs: 60_000,
      poll: async () => {
        n++;
        if (n === 1) throw new LockedError("busy");
        return { done: true, state: "y", value: n };
      },
      ...clock,
    });
    expect(got).toBe(2);
    await expect(
      waitFor({
        what: "x",
        awaited: "y",
        timeoutMs: 60_000,
        poll: async () => {
          throw new ValidationError("bad");
        },
        ...clock,
      }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
