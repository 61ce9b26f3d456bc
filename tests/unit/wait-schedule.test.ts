// Waits scheduled around the operation's expected duration (providers/ovirt/wait.ts with
// providers/ovirt/expectations.ts), on a fake clock: how many polls an operation costs and how late
// its end is seen, for one as long as expected, faster, slower and instant; what the waits learn.
import { DISK_CREATE_MS } from "../../simulator/api/disks/routes";
import { DURATIONS as HOST } from "../../simulator/api/hosts/machine";
import { TRANSFER_FINALIZE_MS, TRANSFER_START_MS } from "../../simulator/api/imagetransfers/routes";
import { MIGRATION_MS } from "../../simulator/api/vms/migrate";
import { VM_TIMINGS } from "../../simulator/api/vms/routes";
import { ExpectationTable, PRIOR_MS, type Expectation } from "../../providers/ovirt/expectations";
import { nextDelayMs, waitFor, WaitTimeoutError } from "../../providers/ovirt/wait";

const INSTALL: Expectation = { kind: "host.install", engine: "https://engine.lab/ovirt-engine/api" };

/**
 * Runs one wait on a fake clock for an operation that ends `durationMs` after the wait starts; each
 * poll takes `latencyMs` (the engine answers with the state at the poll's arrival, half-way).
 */
async function run(opts: {
  durationMs: number;
  expect?: Expectation;
  table?: ExpectationTable;
  initialDelayMs?: number;
  maxDelayMs?: number;
  latencyMs?: number;
  timeoutMs?: number;
  onProgress?: (line: string) => void;
}) {
  let t = 0;
  const pollsAt: number[] = [];
  const latency = opts.latencyMs ?? 20;
  let seenAt = -1;
  await waitFor({
    what: 'host "calvin"',
    awaited: "status up",
    timeoutMs: opts.timeoutMs ?? 1_800_000,
    initialDelayMs: opts.initialDelayMs ?? 250,
    maxDelayMs: opts.maxDelayMs,
    expect: opts.expect,
    expectations: opts.table,
    onProgress: opts.onProgress,
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
    poll: async () => {
      pollsAt.push(t);
      const at = t + latency / 2;
      t += latency;
      const done = at >= opts.durationMs;
      if (done) seenAt = t;
      return { done, state: done ? "status up" : "status installing" };
    },
  });
  return { polls: pollsAt.length, pollsAt, overshootMs: seenAt - opts.durationMs };
}

describe("wait schedule around the expected duration", () => {
  test("an operation that takes its expectation: <= 10 polls, seen < 5% late", async () => {
    const table = new ExpectationTable();
    const r = await run({ durationMs: PRIOR_MS["host.install"], expect: INSTALL, table });
    expect(r.polls).toBeLessThanOrEqual(10);
    expect(r.overshootMs).toBeGreaterThanOrEqual(0);
    expect(r.overshootMs).toBeLessThanOrEqual(0.05 * PRIOR_MS["host.install"]);
    // The same wait blind to the duration (today's geometric backoff) costs far more polls.
    const blind = await run({ durationMs: PRIOR_MS["host.install"] });
    expect(blind.polls).toBeGreaterThanOrEqual(14);
    expect(r.polls).toBeLessThan(blind.polls - 4);
  });

  test.each([
    ["a little slower than expected", 1.1],
    ["as expected plus 1 s of start-up", 1.02],
  ])("an operation %s stays within budget", async (_label, ratio) => {
    const d = PRIOR_MS["host.install"] * ratio;
    const r = await run({ durationMs: d, expect: INSTALL, table: new ExpectationTable() });
    expect(r.polls).toBeLessThanOrEqual(11);
    expect(r.overshootMs).toBeLessThanOrEqual(0.05 * d);
  });

  test("an operation a little faster than expected is seen at the expected end, in as few polls", async () => {
    const e = PRIOR_MS["host.install"];
    const table = new ExpectationTable();
    const r = await run({ durationMs: 0.9 * e, expect: INSTALL, table });
    expect(r.polls).toBeLessThanOrEqual(8);
    expect(r.overshootMs).toBeLessThanOrEqual(0.1 * e + 0.02 * e);
    // Its end lies between the last two polls, as the expectation does: the expectation stays.
    expect(table.expectedMs(INSTALL)).toBe(e);
  });

  test("an operation 2x faster than expected: bounded overshoot, few polls", async () => {
    const d = PRIOR_MS["host.install"] / 2;
    const r = await run({ durationMs: d, expect: INSTALL, table: new ExpectationTable() });
    expect(r.polls).toBeLessThanOrEqual(8);
    expect(r.overshootMs).toBeLessThanOrEqual(0.25 * d);
    // The approach sleeps cover half of what remains: the end is seen before the expected end.
    expect(r.overshootMs).toBeLessThanOrEqual(PRIOR_MS["host.install"] - d);
    expect(r.pollsAt[r.pollsAt.length - 1]).toBeLessThan(PRIOR_MS["host.install"]);
  });

  test("an operation 2x slower than expected: polls grow again past the expectation, bounded", async () => {
    const d = PRIOR_MS["host.install"] * 2;
    const r = await run({ durationMs: d, expect: INSTALL, table: new ExpectationTable() });
    expect(r.overshootMs).toBeLessThanOrEqual(10_000); // maxDelayMs
    expect(r.overshootMs).toBeLessThanOrEqual(0.1 * d);
    expect(r.polls).toBeLessThanOrEqual(20);
    // Past the expected end the gaps grow (geometrically), never beyond maxDelayMs.
    const past = r.pollsAt.filter((p) => p > PRIOR_MS["host.install"]);
    const gaps = past.slice(1).map((p, i) => p - past[i]);
    expect(gaps.length).toBeGreaterThan(3);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1] - 25);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10_000 + 20);
  });

  test("a much slower engine (a real 5-minute install against the 50 s prior): overshoot <= maxDelayMs", async () => {
    const r = await run({ durationMs: 300_000, expect: INSTALL, table: new ExpectationTable() });
    expect(r.overshootMs).toBeLessThanOrEqual(10_000 + 20);
    expect(r.polls).toBeLessThanOrEqual(45);
  });

  test("instant operations (time scale 0) end on the first or second poll, as without expectation", async () => {
    for (const durationMs of [0, 5, 200]) {
      const table = new ExpectationTable();
      const withE = await run({ durationMs, expect: INSTALL, table });
      const without = await run({ durationMs });
      expect(withE.pollsAt).toEqual(without.pollsAt);
      expect(withE.polls).toBeLessThanOrEqual(2);
    }
  });

  test("the first sleeps are the quick geometric ones, whatever the expectation", () => {
    const s = { initialDelayMs: 250, maxDelayMs: 10_000, factor: 1.5, expectedMs: 600_000 };
    expect(nextDelayMs(s, 1, 20)).toBe(250);
    expect(nextDelayMs(s, 2, 290, 250)).toBe(375);
    // Then the approach, bounded by 3x the time so far (a poll at most 4x as far into the wait).
    expect(nextDelayMs(s, 3, 700, 375)).toBe(2_100);
    expect(nextDelayMs(s, 4, 10_000, 2_100)).toBe(30_000);
    // Never more than a minute at once.
    expect(nextDelayMs(s, 5, 30_000, 30_000)).toBe(60_000);
    // Without an expectation: today's backoff.
    const blind = { initialDelayMs: 250, maxDelayMs: 10_000, factor: 1.5 };
    expect(nextDelayMs(blind, 3, 700, 375)).toBe(562.5);
    expect(nextDelayMs(blind, 9, 40_000, 8_000)).toBe(10_000);
  });

  test("near the expected end polls are dense; past it they grow from the dense step", () => {
    const s = { initialDelayMs: 250, maxDelayMs: 10_000, factor: 1.5, expectedMs: 50_000 };
    // Half of what remains to the aim (E + 1.5 % of E = 50.75 s)...
    expect(nextDelayMs(s, 4, 11_000, 2_000)).toBe(19_875);
    // ...then, once at most a quarter of E remains, straight to the aim.
    expect(nextDelayMs(s, 5, 40_000, 19_875)).toBe(10_750);
    expect(nextDelayMs(s, 6, 49_000, 2_000)).toBe(1_750);
    expect(nextDelayMs(s, 7, 50_500, 1_500)).toBe(250);
    // Past it: half the lateness, at least the dense step (3 % of E)...
    expect(nextDelayMs(s, 8, 56_000, 1_500)).toBe(3_000);
    expect(nextDelayMs(s, 9, 90_000, 3_000)).toBe(10_000);
    // ...at most maxDelayMs. A short operation: the dense step is at least 200 ms.
    expect(nextDelayMs({ ...s, expectedMs: 2_000 }, 5, 1_900, 300)).toBe(200);
  });

  test("a completed wait teaches its kind's expectation for that engine only", async () => {
    const table = new ExpectationTable();
    expect(table.expectedMs(INSTALL)).toBe(50_000);
    expect(table.samples(INSTALL)).toBe(0);
    // A 2x faster engine (the demo's time scale 0.5): learned from the first install.
    const first = await run({ durationMs: 25_000, expect: INSTALL, table });
    expect(table.samples(INSTALL)).toBe(1);
    // Learned from the bracket of the end (the last "not yet" and the first "done"; an earlier end
    // than expected 3/4 of the way into it): a wide bracket gives a rough estimate, close enough.
    expect(Math.abs(table.expectedMs(INSTALL) - 25_000)).toBeLessThan(0.1 * 25_000);
    const second = await run({ durationMs: 25_000, expect: INSTALL, table });
    // The first install was seen ~6 s late (the approach sleep from 11 s to 31 s); the next ones, on
    // the learned pace, within 6 %.
    expect(first.overshootMs).toBeGreaterThan(5_000);
    expect(second.polls).toBeLessThanOrEqual(10);
    expect(second.overshootMs).toBeLessThanOrEqual(0.06 * 25_000);
    const third = await run({ durationMs: 25_000, expect: INSTALL, table });
    expect(third.polls).toBeLessThanOrEqual(10);
    expect(third.overshootMs).toBeLessThanOrEqual(0.06 * 25_000);
    // Other kinds and other engines keep their priors.
    expect(table.expectedMs({ ...INSTALL, kind: "host.activate" })).toBe(5_000);
    expect(table.expectedMs({ ...INSTALL, engine: "other" })).toBe(50_000);
    // Later observations are averaged in, not replacing.
    const before = table.expectedMs(INSTALL);
    table.observe(INSTALL, 45_000);
    expect(table.expectedMs(INSTALL)).toBeCloseTo(before + 0.5 * (45_000 - before), 6);
    expect(table.samples(INSTALL)).toBe(4);
  });

  test("a slow real engine is learned after its first operation", async () => {
    const table = new ExpectationTable();
    const first = await run({ durationMs: 240_000, expect: INSTALL, table });
    expect(Math.abs(table.expectedMs(INSTALL) - 240_000)).toBeLessThan(0.05 * 240_000);
    const second = await run({ durationMs: 240_000, expect: INSTALL, table });
    expect(second.polls).toBeLessThan(first.polls / 2);
    expect(second.polls).toBeLessThanOrEqual(11);
    expect(second.overshootMs).toBeLessThanOrEqual(0.05 * 240_000);
  });

  test("time scale 0: an instant first operation teaches a near-zero expectation; nothing is learned from a first-poll end", async () => {
    const table = new ExpectationTable();
    await run({ durationMs: 0, expect: INSTALL, table });
    expect(table.samples(INSTALL)).toBe(0);
    await run({ durationMs: 100, expect: INSTALL, table });
    expect(table.samples(INSTALL)).toBe(1);
    expect(table.expectedMs(INSTALL)).toBeLessThan(300);
    // An operation a little longer than the quick polls then costs few polls and little time.
    const r = await run({ durationMs: 900, expect: INSTALL, table });
    expect(r.polls).toBeLessThanOrEqual(5);
    expect(r.overshootMs).toBeLessThanOrEqual(400);
  });

  test("timeouts and progress lines as without expectation", async () => {
    const lines: string[] = [];
    const err = await run({
      durationMs: Infinity,
      expect: INSTALL,
      table: new ExpectationTable(),
      timeoutMs: 30_000,
      onProgress: (l) => lines.push(l),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    expect((err as WaitTimeoutError).message).toBe(
      'timed out after 30s waiting for host "calvin" to reach status up (last seen: status installing)',
    );
    expect(lines[0]).toBe('waiting for host "calvin": status installing (0s)');
    // The sleeps were cut at the deadline: the last poll happened at 30 s.
    expect((err as WaitTimeoutError).waitedMs).toBeGreaterThanOrEqual(30_000);
  });

  test("the priors are the embedded engine's durations (the tables they were modelled on)", () => {
    expect(PRIOR_MS["host.install"]).toBe(HOST.install + HOST.initialize);
    expect(PRIOR_MS["host.activate"]).toBe(HOST.activate);
    expect(PRIOR_MS["host.maintenance"]).toBe(HOST.maintenance);
    expect(PRIOR_MS["vm.start"]).toBe(VM_TIMINGS.launch + VM_TIMINGS.powerUp);
    expect(PRIOR_MS["vm.stop"]).toBe(VM_TIMINGS.stop);
    expect(PRIOR_MS["vm.shutdown"]).toBe(VM_TIMINGS.shutdown);
    expect(PRIOR_MS["vm.reboot"]).toBe(VM_TIMINGS.reboot);
    expect(PRIOR_MS["vm.migrate"]).toBe(MIGRATION_MS);
    expect(PRIOR_MS["disk.create"]).toBe(DISK_CREATE_MS);
    expect(PRIOR_MS["imagetransfer.start"]).toBe(TRANSFER_START_MS);
    expect(PRIOR_MS["imagetransfer.finalize"]).toBe(TRANSFER_FINALIZE_MS);
  });
});
