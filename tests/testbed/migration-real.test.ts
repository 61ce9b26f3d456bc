// Issue 7 point 4: the seed lab's 4.3 -> 4.4 move (tests/helpers/migration-flow.ts, the same steps
// and checks as tests/e2e/migration.test.ts) on real parts. The hypervisors are the testbed's
// namespaces: both engines install them over SSH, reading their OS and vdsm, and the move's
// reprovision step is the testbed's own "kickstart to EL8". The Gluster volumes rhv4vol and rhvquick
// are real replica-3 volumes on rhvnode3-5 (hyperconverged, as in the seed post) that both engines
// FUSE-mount. Disk images are checksummed on the three bricks themselves, before and after.
// Needs root (CI runs as root); fails, never skips, when the testbed cannot start.
import { sshExec } from "../../providers/ssh/client";
import { hostKeyFingerprint, hypervisors, rootTarget, type Hypervisor } from "../../testbed/hosts/testbed";
import { moveLab, type MoveLab, type Obj } from "../../testbed/migration-lab";
import { brickFileSha256, brickFingerprints } from "../../testbed/migration-real";
import { list } from "../helpers/engine-api";
import { runSeedLabMove } from "../helpers/migration-flow";

let m: MoveLab;
const t0 = Date.now();
let setupSeconds = 0;

beforeAll(async () => {
  m = await moveLab({ realDataPlane: true });
  setupSeconds = (Date.now() - t0) / 1000;
}, 1_800_000);

afterAll(async () => {
  const t1 = Date.now();
  await m?.close();
  console.log(
    `migration on real storage: setup ${setupSeconds.toFixed(1)} s, ` +
      `whole file ${((Date.now() - t0) / 1000).toFixed(1)} s, teardown ${((Date.now() - t1) / 1000).toFixed(1)} s`,
  );
}, 300_000);

test("the seed lab moves on real Gluster and real SSH hosts; the bricks hold the same images", async () => {
  const before = brickFingerprints();
  // Every image of the two data domains, on all three bricks (brickFingerprints checks the replicas).
  expect(Object.keys(before).length).toBeGreaterThan(10);
  expect(Object.keys(before).every((k) => /^(rhv4vol|rhvquick)\/[0-9a-f-]{36}\/images\//.test(k))).toBe(true);
  // The 4.3 engine installed the hosts over SSH: what it shows is what the machines say (EL7).
  for (const h of await list(m.legacy, "hosts", "host")) {
    expect([h.name, (h.version as Obj).full_version]).toEqual([h.name, "vdsm-4.30.46-1.el7"]);
  }

  const t1 = Date.now();
  await runSeedLabMove(m, { fingerprints: brickFingerprints, sha256Of: brickFileSha256 });
  console.log(`migration on real storage: the move took ${((Date.now() - t1) / 1000).toFixed(1)} s`);

  // Every host was reinstalled by the testbed and installed by the 4.4 engine over SSH: its vdsm,
  // OS and host key are what the machine itself reports now.
  const hosts = await list(m.target, "hosts", "host");
  expect(hosts.map((h) => h.name).sort()).toEqual(Object.keys(hypervisors).sort());
  for (const h of hosts) {
    const name = String(h.name) as Hypervisor;
    const r = await sshExec(rootTarget(hypervisors[name]), "cat /etc/ovirt-lab/vdsm-version", 20_000);
    const ssh = h.ssh as Obj;
    expect([name, (h.version as Obj).full_version, (h.os as Obj | undefined)?.type, h.status]).toEqual([
      name,
      r.stdout.trim(),
      "RHEL",
      "up",
    ]);
    expect(r.stdout.trim()).toMatch(/el8$/);
    expect([name, ssh.fingerprint]).toEqual([name, hostKeyFingerprint(name)]);
  }
}, 1_800_000);
