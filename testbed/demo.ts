// `make demo`: start the embedded 4.4 engine with the demo lab's state, then run the real Pulumi CLI
// on the `lab` stack (the seed post's whole lab, Pulumi.lab.yaml) so the user watches it converge,
// and print the stack's outputs. A second run finds nothing to change.
//
// Gluster: with root, the testbed's real Gluster servers (testbed/hosts, network namespaces) are
// started, the stack makes the volumes rhv4vol and rhvquick on them over SSH, and the engine
// FUSE-mounts them for its storage domains (--gluster-storage mount: metadata, OVF store and
// qemu-img disk images on the real bricks); without root (or when the testbed cannot start) the
// volumes are taken as existing and only the storage domains are declared, on the embedded engine's
// plain storage. The hosts are the engine's simulated machines either way: the lab's root passwords
// are its own secrets, not the testbed's (`make demo DEMO=migration` installs the testbed's hosts
// over SSH). The choice reaches the program through
// OVIRT_LAB_GLUSTER_MANAGE_VOLUMES, so the stack file is never changed by the demo.
//
// Time scale: the embedded engine's durations are a real engine's, compressed (host deploy 50 s,
// storage domain attach ~8 s, disk 2 s, VM start 3 s). The demo runs them at DEMO_TIME_SCALE: slow
// enough to watch hosts install and domains activate in Pulumi's progress, fast enough to finish in
// about a minute. OVIRT_LAB_TIME_SCALE overrides it (1 = the engine's durations, 0 = instant).
import { spawnSync } from "child_process";
import * as path from "path";
import { MANAGE_VOLUMES_ENV } from "../config/load";
import { startEngine } from "./engine-process";
import { ensureTestbed, releaseTestbed } from "./hosts/testbed";
import { repoRoot } from "./paths";
import { offlineEnv } from "./pulumi";

// The demo engine's address, admin password and CA path are what Pulumi.lab.yaml points at.
const DEMO_PORT = 18443;
const DEMO_ADMIN_PASSWORD = "ovirt-lab-demo-admin";
// The lab stack's secrets passphrase: a demo value; a real lab sets its own (docs/tutorial.md).
const DEMO_PASSPHRASE = process.env.PULUMI_CONFIG_PASSPHRASE ?? "ovirt-lab-demo";
const DEMO_TIME_SCALE = 0.5;
const TESTBED_LEASE = "demo";

function pulumi(args: string[], env: Record<string, string>): void {
  const res = spawnSync("pulumi", args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: "inherit" });
  if (res.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${res.status ?? res.signal})`);
}

/** Real Gluster when the testbed runs here (root), else plain storage; says which and why. */
async function chooseGluster(): Promise<boolean> {
  try {
    console.log("Gluster: starting the testbed's Gluster servers (testbed/hosts, needs root) ...");
    const { seconds } = await ensureTestbed(TESTBED_LEASE);
    console.log(
      `Gluster: real servers gs1-3 (198.18.0.11-13) up in ${seconds.toFixed(1)} s: ` +
        "the stack makes the volumes rhv4vol and rhvquick on them over SSH, and the engine FUSE-mounts them",
    );
    return true;
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    console.log(`Gluster: the testbed is not available (${why})`);
    console.log(
      "Gluster: plain embedded storage instead: the volumes are taken as existing " +
        `(${MANAGE_VOLUMES_ENV}=false) and only their storage domains are declared`,
    );
    return false;
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const timeScale = Number(process.env.OVIRT_LAB_TIME_SCALE ?? DEMO_TIME_SCALE);
  if (!Number.isFinite(timeScale) || timeScale < 0) {
    throw new Error(`OVIRT_LAB_TIME_SCALE must be a number >= 0 (got ${process.env.OVIRT_LAB_TIME_SCALE})`);
  }
  const gluster = await chooseGluster();
  const engine = await startEngine({
    version: "4.4",
    port: DEMO_PORT,
    stateDir: path.join(repoRoot, ".state", "demo", "engine-4.4"),
    adminPassword: DEMO_ADMIN_PASSWORD,
    timeScale,
    glusterStorage: gluster ? "mount" : "directory",
  });
  console.log(`embedded oVirt 4.4 engine: ${engine.url} (CA ${engine.caFile}, time scale ${timeScale})`);
  const env = {
    ...offlineEnv({ backendDir: path.join(repoRoot, ".state", "backend"), passphrase: DEMO_PASSPHRASE }),
    [MANAGE_VOLUMES_ENV]: String(gluster),
  };
  try {
    pulumi(["stack", "select", "--create", "lab", "--non-interactive"], env);
    const t1 = Date.now();
    pulumi(["up", "--yes", "--stack", "lab", "--non-interactive"], env);
    const up = (Date.now() - t1) / 1000;
    pulumi(["stack", "output", "--stack", "lab", "--json"], env);
    console.log(
      `pulumi up took ${up.toFixed(1)} s (the demo ${((Date.now() - t0) / 1000).toFixed(1)} s in all); ` +
        `storage: ${gluster ? "real Gluster volumes on the testbed, FUSE-mounted by the engine" : "plain embedded storage"}`,
    );
  } finally {
    await engine.stop();
    if (gluster) await releaseTestbed(TESTBED_LEASE).catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
