// The real data plane: Gluster servers and hypervisor hosts in network namespaces (needs root; when
// it cannot start, these tests fail with the testbed's own message). Our SSH client reaches every
// host with the testbed's key, checking host keys against its known_hosts.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { utils } from "ssh2";
import { shellQuote, sshExec, withSession, type SshError } from "../../providers/ssh/client";
import {
  ensureTestbed,
  glusterServers,
  hostAddresses,
  hostKeyFingerprint,
  hypervisors,
  knownHostsPath,
  releaseTestbed,
  reprovision,
  rootPassword,
  rootTarget,
  testbedDir,
  testbedStatus,
  type TestbedHost,
} from "../../testbed/hosts/testbed";
import { lockHypervisors, type HypervisorLock } from "../../testbed/hosts/exclusive";
import { distDir, repoRoot } from "../../testbed/paths";

const USER = "testbed-test";
const timings: string[] = [];

// Every test here looks at the hypervisors (their status, sshd, OS identity) and one reinstalls
// rhvnode5: other test files reinstall hypervisors too, so the file holds them for its whole run
// (it may wait for one that does).
let lock: HypervisorLock | undefined;

beforeAll(async () => {
  lock = await lockHypervisors(USER);
  const first = await ensureTestbed(USER);
  timings.push(`start ${first.seconds.toFixed(1)}s`);
}, 1_800_000);

afterAll(async () => {
  await lock?.release();
  const r = await releaseTestbed(USER);
  timings.push(
    r.stopped ? `stop ${r.seconds.toFixed(1)}s` : `release ${r.seconds.toFixed(1)}s (another suite holds it)`,
  );
  console.log(`testbed timings: ${timings.join(", ")}`);
}, 120_000);

async function rejectionOf(p: Promise<unknown>): Promise<SshError> {
  try {
    await p;
  } catch (err) {
    return err as SshError;
  }
  throw new Error("expected the promise to reject");
}

test("start again is a no-op: same pids, quick", async () => {
  const before = await testbedStatus();
  const again = await ensureTestbed(USER);
  timings.push(`start again ${again.seconds.toFixed(1)}s`);
  expect(again.seconds).toBeLessThan(15);
  expect(await testbedStatus()).toBe(before);
  // Every host has a holder and an sshd; Gluster servers and the hyperconverged rhvnodes a glusterd.
  for (const [host, address] of Object.entries(hostAddresses)) {
    const row = before.split("\n").find((l) => l.startsWith(`${host} `));
    expect(row).toBeDefined();
    const cols = (row ?? "").split(/\s+/);
    expect(cols[1]).toBe(address);
    expect(cols[2]).toMatch(/^\d+$/);
    expect(cols[3]).toMatch(/^\d+$/);
    expect(cols[4]).toMatch(host.startsWith("gs") || host.startsWith("rhvnode") ? /^\d+$/ : /^-$/);
  }
}, 60_000);

test("the hyperconverged rhvnode3-5 form a trusted pool of their own, apart from gs1-3", async () => {
  const out = await withSession(rootTarget(hypervisors.rhvnode3), (s) =>
    s.run("gluster --mode=script pool list", 30_000),
  );
  const rows = out.trim().split("\n").slice(1);
  for (const row of rows) expect(row).toMatch(/\sConnected\s*$/);
  expect(rows.map((r) => r.split(/\s+/)[1]).sort()).toEqual(["198.18.0.24", "198.18.0.25", "localhost"]);
}, 60_000);

test("every host answers over SSH as root with the testbed's key, under its own hostname", async () => {
  for (const [host, address] of Object.entries(hostAddresses)) {
    const r = await sshExec(rootTarget(address), "hostname; id -u", 20_000);
    expect({ host, code: r.code, out: r.stdout.trim().split("\n") }).toEqual({
      host,
      code: 0,
      out: [host, "0"],
    });
  }
}, 120_000);

test("root logs in with the testbed's root password too (what the engine's add-host uses)", async () => {
  expect(rootPassword()).toMatch(/^\S{8,}$/);
  const r = await sshExec(rootTarget(hypervisors.dogbert, "password"), "hostname", 20_000);
  expect(r).toMatchObject({ code: 0, stdout: "dogbert\n" });
  const wrong = await rejectionOf(
    sshExec({ ...rootTarget(hypervisors.dogbert, "password"), password: "not-the-password" }, "true", 20_000),
  );
  expect(wrong.kind).toBe("auth");
  expect(wrong.message).toContain("authentication refused");
  expect(wrong.message).not.toContain("not-the-password");
}, 60_000);

test("the Gluster servers form one trusted pool of 3 connected peers", async () => {
  const out = await withSession(rootTarget(glusterServers.gs1), (s) =>
    s.run("gluster --mode=script pool list", 30_000),
  );
  const rows = out.trim().split("\n").slice(1);
  expect(rows).toHaveLength(3);
  for (const row of rows) expect(row).toMatch(/\sConnected\s*$/);
  const names = rows.map((r) => r.split(/\s+/)[1]).sort();
  expect(names).toEqual(["198.18.0.12", "198.18.0.13", "localhost"]);
  // Seen from the others too.
  for (const address of [glusterServers.gs2, glusterServers.gs3]) {
    const peers = await withSession(rootTarget(address), (s) =>
      s.run("gluster --mode=script peer status", 30_000),
    );
    expect(peers).toContain("Number of Peers: 2");
    expect(peers.match(/Peer in Cluster \(Connected\)/g)).toHaveLength(2);
  }
}, 120_000);

test("the seed lab's hypervisors report their OS and vdsm version over SSH", async () => {
  const expected: Record<string, [string, string]> = {
    calvin: ["CentOS Linux release 7.9.2009 (Core)", "vdsm-4.30.46-1.el7"],
    dogbert: ["CentOS Linux release 7.9.2009 (Core)", "vdsm-4.30.46-1.el7"],
    rhvnode3: ["Red Hat Enterprise Linux release 8.6 (Ootpa)", "vdsm-4.40.100.2-1.el8"],
    rhvnode4: ["Red Hat Enterprise Linux release 8.6 (Ootpa)", "vdsm-4.40.100.2-1.el8"],
  };
  // (rhvnode5 is the one the reprovision test flips: checked there.)
  for (const [host, address] of Object.entries(hypervisors).filter(([h]) => h !== "rhvnode5")) {
    const r = await sshExec(
      rootTarget(address),
      "cat /etc/redhat-release /etc/ovirt-lab/vdsm-version",
      20_000,
    );
    expect({ host, lines: r.stdout.trim().split("\n") }).toEqual({ host, lines: expected[host] });
  }
  // The machine's own /etc is untouched: the identity lives in each host's overlay.
  expect(fs.existsSync("/etc/ovirt-lab/vdsm-version")).toBe(false);
}, 60_000);

test("host keys are checked: a wrong fingerprint is refused with a clear message, the right one accepted", async () => {
  const right = hostKeyFingerprint("gs2");
  const base = { ...rootTarget(glusterServers.gs2), knownHostsFile: undefined };
  const ok = await sshExec({ ...base, hostKeyFingerprint: right }, "hostname", 20_000);
  expect(ok.stdout).toBe("gs2\n");
  const wrongFp = right.replace(/.$/, (c) => (c === "A" ? "B" : "A"));
  const err = await rejectionOf(
    sshExec({ ...base, hostKeyFingerprint: wrongFp }, "touch /tmp/must-not-run", 20_000),
  );
  expect(err.kind).toBe("host-key");
  expect(err.message).toContain("HOST KEY MISMATCH");
  expect(err.message).toContain(wrongFp);
  const none = await rejectionOf(sshExec(base, "true", 20_000));
  expect(none.message).toContain("no way to check the host's key");
  const unknown = await rejectionOf(sshExec({ ...rootTarget("198.18.0.99") }, "true", 20_000));
  expect(unknown.message).toContain("is not in the known_hosts file");
}, 60_000);

test("exit codes and both output streams are captured; a command over its time limit is cut", async () => {
  const r = await sshExec(rootTarget(hypervisors.rhvnode4), "echo out; echo err >&2; exit 3", 20_000);
  expect(r).toEqual({ code: 3, stdout: "out\n", stderr: "err\n" });
  const slow = await rejectionOf(sshExec(rootTarget(hypervisors.rhvnode4), "sleep 30", 1_000));
  expect(slow.kind).toBe("timeout");
  expect(slow.message).toContain("did not finish within 1s");
}, 60_000);

test("each hypervisor has its own /root: a key in root's ~/.ssh/authorized_keys logs in there only", async () => {
  const pair = utils.generateKeyPairSync("ed25519", { comment: "testbed-root-isolation" });
  const line = pair.public.trim();
  const calvin = hypervisors.calvin;
  const add =
    "umask 077 && mkdir -p ~/.ssh && " +
    `echo ${shellQuote(line)} >> ~/.ssh/authorized_keys && chmod 600 ~/.ssh/authorized_keys`;
  expect((await sshExec(rootTarget(calvin), add, 20_000)).code).toBe(0);
  try {
    const own = { ...rootTarget(calvin), privateKey: pair.private };
    expect((await sshExec(own, "hostname", 20_000)).stdout.trim()).toBe("calvin");
    const other = { ...rootTarget(hypervisors.dogbert), privateKey: pair.private };
    expect((await rejectionOf(sshExec(other, "true", 20_000))).kind).toBe("auth");
    // calvin's /root is hosts/calvin/root of the testbed's state, not this machine's /root.
    expect(
      fs.readFileSync(path.join(testbedDir, "hosts", "calvin", "root", ".ssh", "authorized_keys"), "utf8"),
    ).toContain(line);
    const mine = fs.existsSync("/root/.ssh/authorized_keys")
      ? fs.readFileSync("/root/.ssh/authorized_keys", "utf8")
      : "";
    expect(mine).not.toContain(line);
  } finally {
    await sshExec(
      rootTarget(calvin),
      `umask 077; grep -vxF ${shellQuote(line)} ~/.ssh/authorized_keys > ~/.ssh/k.tmp; mv ~/.ssh/k.tmp ~/.ssh/authorized_keys`,
      20_000,
    );
  }
}, 60_000);

test("reprovision flips a hypervisor's OS identity and its host keys, and back", async () => {
  const host: TestbedHost = "rhvnode5";
  const address = hypervisors.rhvnode5;
  await sshExec(rootTarget(address), "echo before > ~/marker", 20_000);
  const keysBefore = fs.readFileSync(knownHostsPath, "utf8");
  const oldFp = hostKeyFingerprint(host);
  try {
    await reprovision("rhvnode5", "el7");
    const r = await sshExec(
      rootTarget(address),
      "cat /etc/redhat-release /etc/ovirt-lab/vdsm-version; hostname",
      20_000,
    );
    expect(r.stdout.trim().split("\n")).toEqual([
      "CentOS Linux release 7.9.2009 (Core)",
      "vdsm-4.30.46-1.el7",
      host,
    ]);
    // New host keys, as after a reinstall: the old fingerprint no longer matches.
    expect(fs.readFileSync(knownHostsPath, "utf8")).not.toBe(keysBefore);
    const stale = await rejectionOf(
      sshExec(
        { ...rootTarget(address), knownHostsFile: undefined, hostKeyFingerprint: oldFp },
        "true",
        20_000,
      ),
    );
    expect(stale.message).toContain("HOST KEY MISMATCH");
    // A fresh OS: root's home is empty.
    expect((await sshExec(rootTarget(address), "ls -A ~", 20_000)).stdout).toBe("");
    // The root password still works (the kickstart sets it).
    expect((await sshExec(rootTarget(address, "password"), "true", 20_000)).code).toBe(0);
  } finally {
    await reprovision("rhvnode5", "el8");
  }
  const back = await sshExec(rootTarget(address), "cat /etc/redhat-release", 20_000);
  expect(back.stdout).toBe("Red Hat Enterprise Linux release 8.6 (Ootpa)\n");
}, 120_000);

test("without root, the script and the wrapper refuse loudly (what a test then fails with)", async () => {
  const run = promisify(execFile);
  const script = await run("runuser", ["-u", "nobody", "--", "bash", "testbed/hosts/testbed.sh", "start"], {
    cwd: repoRoot,
    timeout: 20_000,
  }).then(
    () => ({ code: 0, stderr: "" }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
  expect(script.code).toBe(1);
  expect(script.stderr).toContain("[testbed] ERROR: must run as root");
  // The compiled wrapper, as the demo uses it.
  const wrapper = path.join(distDir, "testbed", "hosts", "testbed.js");
  const probe =
    `require(${JSON.stringify(wrapper)}).ensureTestbed()` +
    `.then(() => console.log("started?!"), (e) => console.log(e.constructor.name + ": " + e.message))`;
  const r = await run("runuser", ["-u", "nobody", "--", process.execPath, "-e", probe], { timeout: 20_000 });
  expect(r.stdout).toContain("TestbedUnavailableError: ovirt-lab testbed: ensureTestbed() must run as root");
  expect(r.stdout).toContain("this process runs as uid 65534");
}, 60_000);
