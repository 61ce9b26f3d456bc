// Exclusive use of the testbed's hypervisors. Tests that reinstall hypervisors (testbed.sh
// reprovision) or add them to engines cannot share them with another test file running at the same
// time in the other jest worker: they hold this lock for their whole run. The lock is flock(1) held
// by a child process whose stdin is ours, so it is released when we release it or when we die.
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { testbedDir } from "./testbed";

export interface HypervisorLock {
  /** Seconds spent waiting for the lock. */
  readonly waitedSeconds: number;
  release(): Promise<void>;
}

/** Waits (up to `timeoutMs`) until no other holder has the hypervisors, then holds them. */
export function lockHypervisors(who: string, timeoutMs = 1_800_000): Promise<HypervisorLock> {
  fs.mkdirSync(testbedDir, { recursive: true });
  const file = path.join(testbedDir, "hypervisors.lock");
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(
      "flock",
      [
        "--exclusive",
        "--timeout",
        String(Math.ceil(timeoutMs / 1000)),
        file,
        "sh",
        "-c",
        "echo locked; cat >/dev/null",
      ],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      reject(
        new Error(
          `${who}: could not lock the testbed's hypervisors (${file}): flock exited ${code}: ${stderr}`,
        ),
      );
    });
    child.stdout?.once("data", () => {
      child.removeAllListeners("exit");
      resolve({
        waitedSeconds: (Date.now() - t0) / 1000,
        release: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.stdin?.end();
          }),
      });
    });
  });
}
