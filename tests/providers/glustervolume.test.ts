// The GlusterVolume provider against real Gluster servers (the testbed's gs1-gs3, needs root; when
// the testbed cannot start these tests fail with its message). Assertions read the servers through
// our own SSH sessions and the gluster CLI, and the bricks' files directly.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { setLogger } from "../../providers/ovirt/log";
import { shellQuote, withSession } from "../../providers/ssh/client";
import { provider } from "../../providers/runtime";
import {
  ensureTestbed,
  glusterServers,
  hostSrvDir,
  knownHostsPath,
  privateKeyPath,
  releaseTestbed,
  rootTarget,
  type GlusterServer,
} from "../../testbed/hosts/testbed";
import { captureLogger, rejection } from "./support";

const run = promisify(execFile);
const USER = "glustervolume-test";
const volumes = provider("glustervolume");
const log = captureLogger();
const made = new Set<string>();
const mounts: string[] = [];
const SERVERS = Object.values(glusterServers);
const GS1 = glusterServers.gs1;

beforeAll(async () => {
  await ensureTestbed(USER);
  setLogger(log);
}, 300_000);

afterAll(async () => {
  for (const m of mounts) await run("umount", ["-l", m], { timeout: 20_000 }).catch(() => undefined);
  // What the tests made: volumes stopped and deleted, brick directories removed.
  for (const name of made) {
    await gluster(`volume stop ${name} force`).catch(() => undefined);
    await gluster(`volume delete ${name}`).catch(() => undefined);
    for (const address of SERVERS) {
      await withSession(rootTarget(address), (s) => s.run(`rm -rf /srv/gluster/${shellQuote(name)}`, 30_000));
    }
  }
  await releaseTestbed(USER);
}, 180_000);

const gluster = (args: string) =>
  withSession(rootTarget(GS1), (s) => s.run(`gluster --mode=script ${args}`, 60_000));

function volumeName(base: string): string {
  const name = `${base}_${process.pid}`;
  made.add(name);
  return name;
}

function inputs(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    servers: SERVERS.map((address) => ({ address })),
    bricks: SERVERS.map((server) => ({ server, path: `/srv/gluster/${name}/brick` })),
    replica: 3,
    options: { group: "virt", "storage.owner-uid": "36", "storage.owner-gid": "36" },
    ssh: { privateKeyPath, knownHostsFile: knownHostsPath },
    ...extra,
  };
}

async function checked(news: Record<string, unknown>): Promise<Record<string, unknown>> {
  const c = await volumes.check({}, news);
  expect(c.failures).toBeUndefined();
  return c.inputs as Record<string, unknown>;
}

/** `gluster volume info NAME` as text lines "Key: value". */
async function info(name: string): Promise<Record<string, string>> {
  const text = await gluster(`volume info ${name}`);
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([^:]+):\s?(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

const brickFile = (server: GlusterServer, name: string, file: string) =>
  path.join(hostSrvDir(server), "gluster", name, "brick", file);

test("check names the field and value before contacting any server", async () => {
  const bad = await volumes.check(
    {},
    inputs("bad.name", {
      replica: 2,
      servers: [{ address: "127.0.0.1" }, { address: GS1, sshPort: 70000 }],
      bricks: [
        { server: GS1, path: "/srv/x" },
        { server: "198.18.0.77", path: "relative" },
        { server: GS1, path: "/srv/y" },
      ],
      options: { group: "virt;reboot" },
      ssh: { knownHostsFile: "/nonexistent/known_hosts" },
    }),
  );
  const reasons = (bad.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
  expect(reasons).toEqual(
    expect.arrayContaining([
      expect.stringContaining(`name "bad.name" may only contain letters, digits, '-' and '_'`),
      expect.stringContaining(`servers.0.address "127.0.0.1" is a loopback address`),
      expect.stringContaining("servers.1.sshPort 70000 is not a port number"),
      expect.stringContaining(`bricks.1.path "relative" is not an absolute path`),
      expect.stringContaining(`bricks.1.server "198.18.0.77" is not one of the servers`),
      expect.stringContaining("has 3 bricks, not a multiple of replica 2"),
      expect.stringContaining(`options.group "virt;reboot" is not a group name`),
      expect.stringContaining("needs privateKey, privateKeyPath or password"),
      expect.stringContaining(`ssh.knownHostsFile "/nonexistent/known_hosts" does not exist`),
    ]),
  );
  // Defaults: group virt, started, protected.
  const ok = await checked({ ...inputs("defaults_only"), options: undefined });
  expect(ok).toMatchObject({ options: { group: "virt" }, started: true, protect: true, replica: 3 });
  expect((ok.servers as unknown[])[0]).toEqual({ address: GS1, sshUser: "root", sshPort: 22 });
});

describe("a replica-3 volume made, drifted, repaired, protected and deleted", () => {
  const name = volumeName("rhv4vol");
  let id = "";
  let args: Record<string, unknown> = {};
  let outs: Record<string, unknown> = {};

  test("create: replica 3, started, the virt group and the user's options set", async () => {
    args = await checked(inputs(name));
    const created = await volumes.create(args);
    id = created.id;
    outs = created.outs as Record<string, unknown>;
    const live = await info(name);
    expect(live).toMatchObject({
      "Volume Name": name,
      "Volume ID": id,
      Type: "Replicate",
      Status: "Started",
      "Number of Bricks": "1 x 3 = 3",
      Brick1: `${glusterServers.gs1}:/srv/gluster/${name}/brick`,
      Brick2: `${glusterServers.gs2}:/srv/gluster/${name}/brick`,
      Brick3: `${glusterServers.gs3}:/srv/gluster/${name}/brick`,
      // Some of group virt's options, and the user's own.
      "performance.quick-read": "off",
      "features.shard": "on",
      "cluster.quorum-type": "auto",
      "network.remote-dio": "disable",
      "storage.owner-uid": "36",
      "storage.owner-gid": "36",
    });
    expect(outs).toMatchObject({ ...args, volumeId: id, status: "Started", type: "Replicate" });
  }, 120_000);

  test("create again adopts the same volume: no duplicate, nothing changed", async () => {
    const again = await volumes.create(args);
    expect(again.id).toBe(id);
    expect(log.infos.some((m) => m.includes(`adopting the existing volume ${id}`))).toBe(true);
    expect((await gluster("volume list")).split("\n").filter((l) => l === name)).toHaveLength(1);
  }, 60_000);

  test("read of an untouched volume returns exactly the inputs (no refresh noise)", async () => {
    const r = await volumes.read(id, outs);
    expect(r.id).toBe(id);
    expect(r.inputs).toEqual(args);
    const d = await volumes.diff(id, r.props, args);
    expect(d.changes).toBe(false);
  }, 60_000);

  test("an option changed by hand shows in refresh, and update sets it back", async () => {
    await gluster(`volume set ${name} performance.quick-read on`);
    await gluster(`volume set ${name} storage.owner-uid 0`);
    const r = await volumes.read(id, outs);
    const options = (r.inputs as Record<string, unknown>).options;
    // The group no longer holds: it is dropped and the drifted option shows under its own name.
    expect(options).toEqual({
      "performance.quick-read": "on",
      "storage.owner-uid": "0",
      "storage.owner-gid": "36",
    });
    const d = await volumes.diff(id, r.props, args);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const u = await volumes.update(id, r.props, args);
    expect(u.outs).toMatchObject({ options: args.options, status: "Started" });
    expect(await info(name)).toMatchObject({ "performance.quick-read": "off", "storage.owner-uid": "36" });
    expect((await volumes.read(id, u.outs)).inputs).toEqual(args);
  }, 120_000);

  test("update: an option dropped is reset, started=false stops, started=true starts again", async () => {
    const fewer = await checked(
      inputs(name, { options: { group: "virt", "storage.owner-uid": "36" }, started: false }),
    );
    const d = await volumes.diff(id, outs, fewer);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    const u = await volumes.update(id, outs, fewer);
    const live = await info(name);
    expect(live.Status).toBe("Stopped");
    expect(live["storage.owner-gid"]).toBeUndefined();
    expect(live["storage.owner-uid"]).toBe("36");
    expect(live["features.shard"]).toBe("on");
    const back = await volumes.update(id, u.outs, args);
    outs = back.outs as Record<string, unknown>;
    expect(await info(name)).toMatchObject({ Status: "Started", "storage.owner-gid": "36" });
    // Other bricks or replica would be another volume.
    const moved = await checked(
      inputs(name, { bricks: SERVERS.map((server) => ({ server, path: `/srv/gluster/${name}/other` })) }),
    );
    expect(await volumes.diff(id, outs, moved)).toMatchObject({
      replaces: ["bricks"],
      deleteBeforeReplace: true,
    });
  }, 120_000);

  test("delete refuses while protect is true, naming the setting to flip", async () => {
    const err = await rejection(volumes.delete(id, outs));
    expect(err.message).toContain(`gluster volume "${name}": protect is true, so the volume is not deleted`);
    expect(err.message).toContain("set `protect: false`");
    expect(err.message).toContain("gluster.volumes[].protect");
    expect((await info(name)).Status).toBe("Started");
  }, 60_000);

  test("delete with protect=false removes the volume and leaves the data in all three bricks", async () => {
    // A file written through a FUSE mount lands in every brick (replica 3).
    const mnt = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-gluster-"));
    mounts.push(mnt);
    await run("mount", ["-t", "glusterfs", `${GS1}:/${name}`, mnt], { timeout: 60_000 });
    try {
      fs.writeFileSync(path.join(mnt, "lab-data.txt"), "kept across volume delete\n");
    } finally {
      await run("umount", [mnt], { timeout: 30_000 });
      mounts.pop();
      fs.rmdirSync(mnt);
    }
    for (const gs of Object.keys(glusterServers) as GlusterServer[]) {
      expect(fs.readFileSync(brickFile(gs, name, "lab-data.txt"), "utf8")).toBe(
        "kept across volume delete\n",
      );
    }
    const unprotected = await checked(inputs(name, { protect: false }));
    const u = await volumes.update(id, outs, unprotected);
    await volumes.delete(id, u.outs);
    expect(await gluster("volume list")).not.toContain(name);
    expect(log.infos.some((m) => m.includes("the data in its bricks is left in place"))).toBe(true);
    for (const gs of Object.keys(glusterServers) as GlusterServer[]) {
      expect(fs.readFileSync(brickFile(gs, name, "lab-data.txt"), "utf8")).toBe(
        "kept across volume delete\n",
      );
    }
    // Gone: read drops it from the state; delete again is a no-op.
    expect((await volumes.read(id, u.outs)).id).toBe("");
    await volumes.delete(id, u.outs);
  }, 180_000);
});

test("a half-made volume (created, never configured or started) is finished, not duplicated", async () => {
  const name = volumeName("rhvquick");
  for (const address of SERVERS) {
    await withSession(rootTarget(address), (s) => s.run(`mkdir -p /srv/gluster/${name}/brick`, 30_000));
  }
  await gluster(
    `volume create ${name} replica 3 ${SERVERS.map((a) => `${a}:/srv/gluster/${name}/brick`).join(" ")} force`,
  );
  const before = await info(name);
  expect(before.Status).toBe("Created");
  expect(before["features.shard"]).toBeUndefined();
  const args = await checked(inputs(name, { options: { group: "virt" }, protect: false }));
  const created = await volumes.create(args);
  expect(created.id).toBe(before["Volume ID"]);
  expect(await info(name)).toMatchObject({
    Status: "Started",
    "features.shard": "on",
    "cluster.eager-lock": "enable",
  });
  expect((await gluster("volume list")).split("\n").filter((l) => l === name)).toHaveLength(1);
  // A volume by that name with other bricks is not adopted.
  const other = await checked(
    inputs(name, { bricks: SERVERS.map((server) => ({ server, path: `/srv/gluster/${name}/elsewhere` })) }),
  );
  const err = await rejection(volumes.create(other));
  expect(err.message).toContain(`already has a volume ${name} (id ${created.id}) with replica 3 and bricks`);
  expect(err.message).toContain("It is not adopted");
  await volumes.delete(created.id, created.outs);
}, 180_000);
