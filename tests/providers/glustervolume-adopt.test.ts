// `adopt: true` on a GlusterVolume against the testbed's real Gluster servers (gs1-gs3, needs root):
// a volume made beforehand with the gluster CLI (stopped, no options) is taken over as it is: not
// started, no option set, no brick directory made; the outputs hold what the servers report plus
// `adopted: true`, and the next diff shows what `up` would change. A missing volume fails naming it
// and leaves nothing behind on the servers.
import { setLogger } from "../../providers/ovirt/log";
import { shellQuote, withSession } from "../../providers/ssh/client";
import { provider } from "../../providers/runtime";
import {
  ensureTestbed,
  glusterServers,
  knownHostsPath,
  privateKeyPath,
  releaseTestbed,
  rootTarget,
} from "../../testbed/hosts/testbed";
import { captureLogger, rejection } from "./support";

const USER = "glustervolume-adopt-test";
const volumes = provider("glustervolume");
const log = captureLogger();
const SERVERS = Object.values(glusterServers);
const GS1 = glusterServers.gs1;
const NAME = `adoptvol_${process.pid}`;
const MISSING = `novol_${process.pid}`;

const onServer = (address: string, cmd: string) =>
  withSession(rootTarget(address), (s) => s.run(cmd, 60_000));
const gluster = (args: string) => onServer(GS1, `gluster --mode=script ${args}`);

function inputs(name: string): Record<string, unknown> {
  return {
    name,
    servers: SERVERS.map((address) => ({ address })),
    bricks: SERVERS.map((server) => ({ server, path: `/srv/gluster/${name}/brick` })),
    replica: 3,
    options: { group: "virt", "storage.owner-uid": "36", "storage.owner-gid": "36" },
    ssh: { privateKeyPath, knownHostsFile: knownHostsPath },
    adopt: true,
  };
}

beforeAll(async () => {
  await ensureTestbed(USER);
  setLogger(log);
  for (const address of SERVERS) await onServer(address, `mkdir -p /srv/gluster/${shellQuote(NAME)}`);
  const bricks = SERVERS.map((s) => `${s}:/srv/gluster/${NAME}/brick`).join(" ");
  await gluster(`volume create ${NAME} replica 3 ${bricks} force`);
}, 300_000);

afterAll(async () => {
  await gluster(`volume stop ${NAME} force`).catch(() => undefined);
  await gluster(`volume delete ${NAME}`).catch(() => undefined);
  for (const address of SERVERS) {
    await onServer(
      address,
      `rm -rf /srv/gluster/${shellQuote(NAME)} /srv/gluster/${shellQuote(MISSING)}`,
    ).catch(() => undefined);
  }
  await releaseTestbed(USER);
}, 180_000);

test("an existing stopped volume is taken over as it is: not started, no option set", async () => {
  const c = await volumes.check({}, inputs(NAME));
  expect(c.failures).toBeUndefined();
  const before = await gluster(`volume info ${NAME}`);
  const created = await volumes.create(c.inputs);
  const outs = created.outs as Record<string, unknown>;
  expect(outs).toMatchObject({ adopted: true, adopt: true, started: false, status: "Created" });
  expect(await gluster(`volume info ${NAME}`)).toBe(before);
  expect(log.infos.some((l) => l.includes(`adopting existing Gluster volume ${created.id}`))).toBe(true);
  const d = await volumes.diff(created.id, outs, c.inputs);
  expect(d.changes).toBe(true);
  expect(d.replaces).toEqual([]);
});

test("a missing volume fails naming it; no brick directory is made", async () => {
  const c = await volumes.check({}, inputs(MISSING));
  const err = await rejection(volumes.create(c.inputs));
  expect(err.message).toContain(`adopt: no Gluster volume named ${MISSING} on Gluster server ${GS1}`);
  for (const address of SERVERS) {
    expect(await onServer(address, `test -e /srv/gluster/${MISSING} && echo yes || echo no`)).toContain("no");
  }
});
