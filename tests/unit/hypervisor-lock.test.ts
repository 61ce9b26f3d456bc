// The hypervisors' lock (testbed/hosts/exclusive.ts): a second holder waits until the first lets go,
// and a holder that dies lets go too.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-lock-"));
process.env.OVIRT_LAB_TESTBED_DIR = dir;
const { lockHypervisors } =
  require("../../testbed/hosts/exclusive") as typeof import("../../testbed/hosts/exclusive");

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("a second holder waits for the first to release", async () => {
  const order: string[] = [];
  const a = await lockHypervisors("a");
  order.push("a locked");
  const b = lockHypervisors("b").then((l) => {
    order.push("b locked");
    return l;
  });
  await new Promise((r) => setTimeout(r, 700));
  order.push("a releases");
  await a.release();
  const held = await b;
  expect(order).toEqual(["a locked", "a releases", "b locked"]);
  expect(held.waitedSeconds).toBeGreaterThan(0.5);
  await held.release();
});

test("a holder that dies (kill -9, whole process group) releases the lock", async () => {
  // Another process takes the lock the way lockHypervisors does, in its own process group.
  const other = spawn(
    "flock",
    ["--exclusive", path.join(dir, "hypervisors.lock"), "sh", "-c", "echo locked; sleep 60"],
    { stdio: ["ignore", "pipe", "ignore"], detached: true },
  );
  await new Promise((r) => other.stdout.once("data", r));
  let got = false;
  const waiting = lockHypervisors("c").then((l) => {
    got = true;
    return l;
  });
  await new Promise((r) => setTimeout(r, 500));
  expect(got).toBe(false);
  process.kill(-other.pid!, "SIGKILL");
  const l = await waiting;
  expect(got).toBe(true);
  await l.release();
});

test("a lock that cannot be had in time fails with a message naming the holder's file", async () => {
  const a = await lockHypervisors("a");
  await expect(lockHypervisors("late", 1000)).rejects.toThrow(
    /late: could not lock the testbed's hypervisors .*hypervisors\.lock/,
  );
  await a.release();
});
