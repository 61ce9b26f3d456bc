// `pulumi up` of GlusterVolume resources against the testbed's real Gluster servers (needs root and
// a built dist/; when the testbed cannot start this fails with its message): rhv4vol and rhvquick
// made over SSH, a hand-made change found by `pulumi refresh` and undone by `up`, `destroy` refused
// while protected, then done, and the bricks' data left in place. The SSH key is a Pulumi secret.
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { GlusterVolume } from "../../providers/glustervolume/resource";
import { shellQuote, withSession } from "../../providers/ssh/client";
import {
  ensureTestbed,
  glusterServers,
  hostSrvDir,
  knownHostsPath,
  privateKey,
  releaseTestbed,
  rootTarget,
  type GlusterServer,
} from "../../testbed/hosts/testbed";
import { offlineEnv, pulumiCommand, scratchProject } from "../../testbed/pulumi";

const USER = "glustervolume-pulumi-test";
const SERVERS = Object.values(glusterServers);
const NAMES = [`rhv4vol_${process.pid}`, `rhvquick_${process.pid}`];
let protect = true;
let stack: Stack;
let workDir = "";

const gluster = (args: string) =>
  withSession(rootTarget(glusterServers.gs1), (s) => s.run(`gluster --mode=script ${args}`, 60_000));

function program(): void {
  for (const name of NAMES) {
    new GlusterVolume(name, {
      name,
      servers: SERVERS.map((address) => ({ address })),
      bricks: SERVERS.map((server) => ({ server, path: `/srv/gluster/${name}/brick` })),
      replica: 3,
      protect,
      ssh: pulumi.secret({ privateKey: privateKey(), knownHostsFile: knownHostsPath }),
    });
  }
}

beforeAll(async () => {
  await ensureTestbed(USER);
  workDir = scratchProject("ovirt-lab-gluster-");
  const env = offlineEnv({ backendDir: path.join(workDir, ".backend"), passphrase: "gluster-e2e" });
  stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "gluster", projectName: "ovirt-lab", program: async () => program() },
    { workDir, pulumiCommand: await pulumiCommand(), envVars: env },
  );
  // The provider runtime reads the engines at configure time (none is contacted here).
  await stack.setConfig(
    "ovirt-lab:engines.unused.url",
    { value: "https://engine.invalid/ovirt-engine/api" },
    true,
  );
  await stack.setConfig("ovirt-lab:engines.unused.password", { value: "unused", secret: true }, true);
}, 300_000);

afterAll(async () => {
  for (const name of NAMES) {
    await gluster(`volume stop ${name} force`).catch(() => undefined);
    await gluster(`volume delete ${name}`).catch(() => undefined);
    for (const address of SERVERS) {
      await withSession(rootTarget(address), (s) => s.run(`rm -rf /srv/gluster/${shellQuote(name)}`, 30_000));
    }
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  await releaseTestbed(USER);
}, 180_000);

test("up, refresh after a change by hand, up again, destroy refused, then done: bricks kept", async () => {
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(up.summary.resourceChanges).toMatchObject({ create: 3 });
  for (const name of NAMES) {
    const info = await gluster(`volume info ${name}`);
    expect(info).toContain("Type: Replicate");
    expect(info).toContain("Status: Started");
    expect(info).toContain("Number of Bricks: 1 x 3 = 3");
    expect(info).toContain("performance.quick-read: off");
    expect(info).toContain("features.shard: on");
  }
  // The private key is in the state file only encrypted (a boolean, so a failure prints no key).
  const stateFile = path.join(workDir, ".backend", ".pulumi", "stacks", "ovirt-lab", "gluster.json");
  const state = fs.readFileSync(stateFile, "utf8");
  expect(state.includes(`"volumeId":"`)).toBe(true);
  const keyBody = privateKey().split("\n")[1];
  expect(keyBody.length).toBeGreaterThan(20);
  expect(state.includes(keyBody)).toBe(false);
  expect(state.includes("knownHostsFile")).toBe(false);

  // Nothing to do when nothing changed.
  const quiet = await stack.preview({ refresh: true });
  expect(quiet.changeSummary).toEqual({ same: 3 });

  await gluster(`volume set ${NAMES[0]} performance.quick-read on`);
  const refreshed = await stack.refresh();
  expect(refreshed.summary.resourceChanges).toMatchObject({ update: 1, same: 2 });
  const fix = await stack.up();
  expect(fix.summary.resourceChanges).toMatchObject({ update: 1, same: 2 });
  expect(await gluster(`volume info ${NAMES[0]}`)).toContain("performance.quick-read: off");

  // A file in each brick (written there directly), to see it survive the delete.
  for (const address of SERVERS) {
    await withSession(rootTarget(address), (s) =>
      s.run(`echo kept > /srv/gluster/${NAMES[1]}/brick/marker`, 30_000),
    );
  }
  let refused = "";
  try {
    await stack.destroy();
  } catch (err) {
    refused = String(err);
  }
  expect(refused).toContain("protect is true, so the volume is not deleted");
  expect(await gluster("volume list")).toContain(NAMES[1]);

  protect = false;
  expect((await stack.up()).summary.resourceChanges).toMatchObject({ update: 2 });
  const destroyed = await stack.destroy();
  expect(destroyed.summary.result).toBe("succeeded");
  const list = await gluster("volume list");
  for (const name of NAMES) expect(list).not.toContain(name);
  for (const gs of Object.keys(glusterServers) as GlusterServer[]) {
    for (const name of NAMES) {
      expect(fs.existsSync(path.join(hostSrvDir(gs), "gluster", name, "brick", ".glusterfs"))).toBe(true);
    }
    expect(fs.readFileSync(path.join(hostSrvDir(gs), "gluster", NAMES[1], "brick", "marker"), "utf8")).toBe(
      "kept\n",
    );
  }
}, 600_000);
