// The one clock of the engine's state machines (host installing -> up, disk locked -> ok, ...).
// Durations are given in "real engine" milliseconds and multiplied by the time scale (0 = instant).
// Timers are durable: a pending transition is a row in SQLite, so an engine killed with -9 and
// restarted still finishes what it had acknowledged (overdue timers fire right after start).
import type { Db } from "./store/database";

export type TimerHandler = (payload: unknown) => void;

const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class Scheduler {
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly armed = new Map<number, NodeJS.Timeout>();
  private running = false;

  constructor(
    private readonly db: Db,
    readonly timeScale: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new Error(`invalid time scale ${timeScale}`);
  }

  /** Wall-clock milliseconds an engine duration takes at this time scale. */
  scaled(engineMs: number): number {
    return Math.round(engineMs * this.timeScale);
  }

  /** Registers the code a named timer runs. Handlers must be registered before `start()`. */
  on(handler: string, fn: TimerHandler): void {
    this.handlers.set(handler, fn);
  }

  /** Persists a timer that runs `handler(payload)` after `engineMs` (scaled). */
  after(handler: string, engineMs: number, payload: unknown): void {
    if (!this.handlers.has(handler)) throw new Error(`no timer handler named ${handler}`);
    const dueAt = this.now() + this.scaled(engineMs);
    const info = this.db
      .prepare("INSERT INTO timers (handler, due_at, payload) VALUES (?, ?, ?)")
      .run(handler, dueAt, JSON.stringify(payload ?? null));
    if (this.running) this.arm(Number(info.lastInsertRowid), handler, dueAt, payload);
  }

  /** Arms every persisted timer, including those that fell due while the engine was down. */
  start(): void {
    this.running = true;
    const rows = this.db
      .prepare("SELECT id, handler, due_at, payload FROM timers ORDER BY due_at, id")
      .all() as Array<{
      id: number;
      handler: string;
      due_at: number;
      payload: string;
    }>;
    for (const row of rows) this.arm(row.id, row.handler, row.due_at, JSON.parse(row.payload));
  }

  stop(): void {
    this.running = false;
    for (const t of this.armed.values()) clearTimeout(t);
    this.armed.clear();
  }

  /** Number of timers not yet fired (tests and diagnostics). */
  pending(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM timers").get() as { n: number }).n;
  }

  private arm(id: number, handler: string, dueAt: number, payload: unknown): void {
    const delay = Math.min(Math.max(0, dueAt - this.now()), MAX_TIMEOUT_MS);
    const timer = setTimeout(() => this.fire(id, handler, payload), delay);
    this.armed.set(id, timer);
  }

  /**
   * Fires, in order, every persisted timer already due, and those the fired ones make due, until none
   * is left. The seeder (seeds/apply.ts) runs the engine's state machines this way at time scale 0,
   * on a scheduler that is never started.
   */
  drain(): number {
    const next = this.db.prepare(
      "SELECT id, handler, payload FROM timers WHERE due_at <= ? ORDER BY due_at, id LIMIT 1",
    );
    let fired = 0;
    for (;;) {
      const row = next.get(this.now()) as { id: number; handler: string; payload: string } | undefined;
      if (!row) return fired;
      this.run(row.id, row.handler, JSON.parse(row.payload));
      fired++;
    }
  }

  private fire(id: number, handler: string, payload: unknown): void {
    this.armed.delete(id);
    if (!this.running) return;
    this.run(id, handler, payload);
  }

  private run(id: number, handler: string, payload: unknown): void {
    const fn = this.handlers.get(handler);
    const remove = () => this.db.prepare("DELETE FROM timers WHERE id = ?").run(id);
    try {
      // The handler's writes and the timer's removal commit together: a crash re-runs neither or both.
      this.db.transaction(() => {
        remove();
        if (fn) fn(payload);
        else process.stderr.write(`engine: dropping timer ${id}: no handler named ${handler}\n`);
      })();
    } catch (err) {
      // A failing handler must not come back on every restart: drop its timer and report.
      remove();
      process.stderr.write(`engine: timer ${handler} failed: ${String(err)}\n`);
    }
  }
}
