// The scheduler future state machines run on: durations scale with --time-scale, and timers are
// durable, so a transition pending at a crash still happens after the restart.
import { Scheduler } from "../../simulator/scheduler";
import { openDatabase } from "../../simulator/store/database";
import { tempStateDir } from "./support/engine";

const tick = () => new Promise((r) => setTimeout(r, 20));

describe("scheduler", () => {
  test("scales engine durations", () => {
    const db = openDatabase(tempStateDir("sched-scale"));
    expect(new Scheduler(db, 0.5).scaled(10_000)).toBe(5_000);
    expect(new Scheduler(db, 0).scaled(10_000)).toBe(0);
    expect(() => new Scheduler(db, -1)).toThrow("invalid time scale -1");
    db.close();
  });

  test("time scale 0 runs timers at once", async () => {
    const db = openDatabase(tempStateDir("sched-zero"));
    const s = new Scheduler(db, 0);
    const seen: unknown[] = [];
    s.on("mark", (p) => seen.push(p));
    s.start();
    s.after("mark", 60_000, { host: "h1", to: "up" });
    s.after("mark", 1_000, { host: "h2", to: "up" });
    await tick();
    expect(seen).toEqual([
      { host: "h1", to: "up" },
      { host: "h2", to: "up" },
    ]);
    expect(s.pending()).toBe(0);
    s.stop();
    db.close();
  });

  test("a timer pending at a crash fires after the restart", async () => {
    const dir = tempStateDir("sched-durable");
    let now = 1_000_000;
    const db1 = openDatabase(dir);
    const before = new Scheduler(db1, 1, () => now);
    before.on("mark", () => {
      throw new Error("must not fire before the crash");
    });
    before.start();
    before.after("mark", 30_000, "installing -> up");
    before.stop(); // the crash: nothing fired, the row stays
    db1.close();

    now += 60_000;
    const db2 = openDatabase(dir);
    const after = new Scheduler(db2, 1, () => now);
    const seen: unknown[] = [];
    after.on("mark", (p) => seen.push(p));
    expect(after.pending()).toBe(1);
    after.start();
    await tick();
    expect(seen).toEqual(["installing -> up"]);
    expect(after.pending()).toBe(0);
    after.stop();
    db2.close();
  });

  test("a failing handler is dropped, not retried forever", async () => {
    const db = openDatabase(tempStateDir("sched-fail"));
    const s = new Scheduler(db, 0);
    s.on("boom", () => {
      throw new Error("boom");
    });
    const write = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    s.start();
    s.after("boom", 0, null);
    await tick();
    expect(s.pending()).toBe(0);
    expect(write).toHaveBeenCalledWith(expect.stringContaining("timer boom failed"));
    write.mockRestore();
    s.stop();
    db.close();
  });
});
