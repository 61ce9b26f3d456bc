// How long the engine's asynchronous operations take, so a wait (wait.ts) can sleep through most of
// one and poll densely only around its expected end.
//
// The priors are typical real-engine durations at the scale of the lab (a small NFS domain, hosts
// on a LAN, small VMs). They are taken from the embedded engine's duration tables, which were
// modelled on a real engine's pace, and are the source cited for each below (times before
// --time-scale):
//   host install 40 s + initialize 10 s, activate 5 s, maintenance 5 s: simulator/api/hosts/machine.ts
//     DURATIONS (host-deploy, then vdsm's first contact; a real install is often minutes: learned);
//   storage domain attach locked 4 s -> maintenance 1 s -> activating 3 s, activate 3 s,
//     maintenance 5 s, detach 1 s (the step default): simulator/api/storagedomains/lifecycle.ts;
//   VM start launch 1 s + powering up 2 s, stop 1 s, shutdown 3 s, reboot 2 s:
//     simulator/api/vms/routes.ts VM_TIMINGS; migrate 8 s: simulator/api/vms/migrate.ts MIGRATION_MS;
//   disk create 2 s: simulator/api/disks/routes.ts DISK_CREATE_MS;
//   image transfer start 1 s and finalize 1 s: simulator/api/imagetransfers/routes.ts.
// (tests/unit/wait-schedule.test.ts checks these against the simulator's tables.)
//
// A real engine's pace varies (a host install over a slow mirror, a loaded storage server), and the
// embedded one runs them scaled (0 in tests, 0.5 in the demo): every completed wait of a kind
// updates that kind's expectation for that engine, in this process (the first observation replaces
// the prior, later ones are averaged in), so the second host install on an engine is already
// waited for at that engine's pace.

export type OperationKind =
  | "host.install"
  | "host.activate"
  | "host.maintenance"
  | "storagedomain.attach"
  | "storagedomain.activate"
  | "storagedomain.maintenance"
  | "storagedomain.detach"
  | "vm.start"
  | "vm.stop"
  | "vm.shutdown"
  | "vm.reboot"
  | "vm.migrate"
  | "disk.create"
  | "imagetransfer.start"
  | "imagetransfer.finalize";

/** Expected duration (ms) of each kind before anything was observed (sources in the file comment). */
export const PRIOR_MS: Readonly<Record<OperationKind, number>> = {
  "host.install": 40_000 + 10_000,
  "host.activate": 5_000,
  "host.maintenance": 5_000,
  "storagedomain.attach": 4_000 + 1_000 + 3_000,
  "storagedomain.activate": 3_000,
  "storagedomain.maintenance": 5_000,
  "storagedomain.detach": 1_000,
  "vm.start": 1_000 + 2_000,
  "vm.stop": 1_000,
  "vm.shutdown": 3_000,
  "vm.reboot": 2_000,
  "vm.migrate": 8_000,
  "disk.create": 2_000,
  "imagetransfer.start": 1_000,
  "imagetransfer.finalize": 1_000,
};

/** What a wait expects: the operation it waits for, on which engine (expectations are per engine). */
export interface Expectation {
  kind: OperationKind;
  /** The engine's name or API URL (`Connection.engine`). */
  engine: string;
}

/** Weight of a new observation once the kind has been observed at least once. */
const EWMA_WEIGHT = 0.5;

/** Expected durations per engine and kind: the priors, then what this process observed. */
export class ExpectationTable {
  private readonly learned = new Map<string, { ms: number; samples: number }>();

  private static key(e: Expectation): string {
    return `${e.engine}\u0000${e.kind}`;
  }

  /** The expected duration in ms. */
  expectedMs(e: Expectation): number {
    return this.learned.get(ExpectationTable.key(e))?.ms ?? PRIOR_MS[e.kind];
  }

  /** How many completed waits the expectation was learned from (0 = the prior). */
  samples(e: Expectation): number {
    return this.learned.get(ExpectationTable.key(e))?.samples ?? 0;
  }

  /** Records an observed duration: the first replaces the prior, later ones are averaged in. */
  observe(e: Expectation, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const k = ExpectationTable.key(e);
    const prev = this.learned.get(k);
    const next = prev ? prev.ms + EWMA_WEIGHT * (ms - prev.ms) : ms;
    this.learned.set(k, { ms: next, samples: (prev?.samples ?? 0) + 1 });
  }
}

/** The process-wide table every wait uses unless given another (tests). */
export const expectations = new ExpectationTable();
