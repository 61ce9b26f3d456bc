// Issue 6 point 7: a move interrupted anywhere finishes on the next `pulumi up` with no duplicate, no
// lost VM and no manual step beyond the project's recovery command (docs/recovery.md). Each trial
// moves the seed lab's first hosts, then all its storage domains with their VMs, and kills one
// party at a different step: the Pulumi CLI (SIGINT, SIGKILL) during a host move, the legacy
// engine (kill -9) while domains leave it, the target engine (kill -9) while VMs are registered.
// The kill point is a count of write requests the victim's side has logged since the edit.
import * as fs from "fs";
import * as path from "path";
import type { EngineProcess } from "../../testbed/engine-process";
import { recoverStack } from "../../tools/recover";
import { list, writesSince } from "../helpers/engine-api";
import { imageFingerprints, moveLab, names, type MoveLab } from "../../testbed/migration-lab";

type Victim = "cli-SIGINT" | "cli-SIGKILL" | "legacy-kill9" | "target-kill9";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, timeoutMs = 600_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** The Pulumi CLI processes of this stack's update. */
function cliPids(m: MoveLab): number[] {
  const backend = `PULUMI_BACKEND_URL=file://${path.resolve(m.t.workDir, ".backend")}`;
  return fs
    .readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const argv = fs.readFileSync(`/proc/${e}/cmdline`, "utf8").split("\0");
        return (
          /(^|\/)pulumi$/.test(argv[0]) &&
          argv.includes("up") &&
          fs.readFileSync(`/proc/${e}/environ`, "utf8").split("\0").includes(backend)
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Runs `up` on the current config and interrupts it once `side` has logged `writes` write requests
 * since now; then recovers, runs `up` again (must succeed) and once more (must change nothing).
 */
async function interrupted(m: MoveLab, victim: Victim, side: "legacy" | "target", writes: number) {
  const engine = (): EngineProcess => (side === "legacy" ? m.legacy : m.target);
  const mark = engine().requests().length;
  let done = false;
  const first = m.t.stack.up().then(
    () => "succeeded",
    (e: Error) => `failed: ${e.message.slice(-300)}`,
  );
  void first.then(() => (done = true));
  await until(
    `${writes} writes to the ${side} engine`,
    () => done || writesSince(engine(), mark).length >= writes,
  );
  const killedAfter = writesSince(engine(), mark).length;
  if (victim === "cli-SIGINT" || victim === "cli-SIGKILL") {
    for (const pid of cliPids(m)) process.kill(pid, victim === "cli-SIGINT" ? "SIGINT" : "SIGKILL");
  } else {
    const which = victim === "legacy-kill9" ? "legacy" : "target";
    (which === "legacy" ? m.legacy : m.target).kill9();
    await sleep(500);
    await m.restart(which);
  }
  const crashed = await first;
  await recoverStack(m.t.stack, m.t.env);
  const rerun = await m.t.stack.up().then(
    () => "succeeded",
    (e: Error) => `failed: ${e.message.slice(-1500)}`,
  );
  const third = await m.t.stack.up().then(
    (r) => Object.keys(r.summary.resourceChanges ?? {}).sort(),
    (e: Error) => [`failed: ${e.message.slice(-300)}`],
  );
  console.log(`${victim} after ${killedAfter} writes to ${side}: first up ${crashed}; rerun ${rerun}`);
  return { killedAfter, rerun, third };
}

async function trial(victim: Victim, during: "hosts" | "domains", writes: number): Promise<void> {
  const m = await moveLab();
  try {
    const before = imageFingerprints(m.dataPlane);
    const vms43 = names(await list(m.legacy, "vms", "vm"));
    m.discover();
    await m.t.stack.up();
    await m.setHostSecrets(["calvin", "rhvnode5"]);
    const gluster = m.legacyLab().gluster;
    m.t.setLab({ ...m.lab(), gluster, hosts: [m.movedHost("calvin"), m.movedHost("rhvnode5")] });
    if (during === "hosts") {
      const r = await interrupted(m, victim, "legacy", writes);
      expect({ rerun: r.rerun, third: r.third }).toEqual({ rerun: "succeeded", third: ["same"] });
      expect(r.killedAfter).toBeLessThan(10);
    } else {
      await m.t.stack.up();
    }
    const { storageDomains, vms } = m.movedStorage("calvin");
    m.t.setLab({ ...m.lab(), storageDomains, vms });
    if (during === "domains") {
      const side = victim === "legacy-kill9" ? "legacy" : "target";
      const r = await interrupted(m, victim, side, writes);
      expect({ rerun: r.rerun, third: r.third }).toEqual({ rerun: "succeeded", third: ["same"] });
    } else {
      await m.t.stack.up();
    }
    // Converged: each host once, on 4.4 only; every VM once, on 4.4 only; no image touched.
    expect(names(await list(m.target, "hosts", "host"))).toEqual(["calvin", "rhvnode5"]);
    expect(names(await list(m.legacy, "hosts", "host"))).toEqual(["dogbert", "rhvnode3", "rhvnode4"]);
    expect(names(await list(m.target, "vms", "vm"))).toEqual(vms43);
    expect(await list(m.legacy, "vms", "vm")).toEqual([]);
    expect(names(await list(m.target, "storagedomains", "storage_domain"))).toEqual(names(storageDomains));
    expect(imageFingerprints(m.dataPlane)).toEqual(before);
  } finally {
    await m.close();
  }
}

test("Pulumi CLI interrupted (SIGINT) while a host leaves 4.3: the next up finishes the move", async () => {
  await trial("cli-SIGINT", "hosts", 2);
}, 900_000);

test("Pulumi CLI killed (SIGKILL) while a host leaves 4.3: recover, up finishes the move", async () => {
  await trial("cli-SIGKILL", "hosts", 4);
}, 900_000);

test("4.3 engine killed (kill -9) while storage domains leave it: the next up finishes the move", async () => {
  await trial("legacy-kill9", "domains", 6);
}, 900_000);

test("4.4 engine killed (kill -9) while VMs are registered: the next up finishes, no VM twice", async () => {
  await trial("target-kill9", "domains", 12);
}, 900_000);

test("Pulumi CLI killed (SIGKILL) in the middle of VM registrations: recover, up registers the rest", async () => {
  await trial("cli-SIGKILL", "domains", 20);
}, 900_000);
