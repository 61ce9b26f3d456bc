// Host-deploy over real SSH (engine option hostDeploy "ssh") against the testbed's hypervisors: a 4.4
// and a 4.3 engine (processes, one data plane) install calvin, dogbert and rhvnode3 by logging in as
// root, reading the OS identity and vdsm version, deploying the engine's key and CA. Needs root and
// `npm run build`; fails (never skips) when the testbed cannot start.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sshExec } from "../../providers/ssh/client";
import { startEngine, type EngineProcess } from "../../testbed/engine-process";
import {
  defaultOs,
  ensureTestbed,
  hostKeyFingerprint,
  hypervisors,
  releaseTestbed,
  reprovision,
  rootPassword,
  rootTarget,
  type Hypervisor,
} from "../../testbed/hosts/testbed";
import { lockHypervisors, type HypervisorLock } from "../../testbed/hosts/exclusive";
import { ApiClient, originOf } from "../engine/support/engine";
import { httpsRequest } from "../engine/support/http";

const USER = "host-deploy-test";
type Obj = Record<string, unknown>;

const CLUSTER44 = "lab44";
/** The hypervisors are ours alone while this file reinstalls and adds them (another worker may wait). */
let lock: HypervisorLock | undefined;
let dataPlane: string;
const engines: EngineProcess[] = [];
let e44: EngineProcess;
let e43: EngineProcess;
let api44: ApiClient;
let api43: ApiClient;
/** Hosts whose OS identity a test changed: restored to the default at the end. */
const changed = new Set<Hypervisor>();

beforeAll(async () => {
  lock = await lockHypervisors(USER);
  await ensureTestbed(USER);
  dataPlane = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-host-deploy-"));
  e44 = await startEngine({ version: "4.4", timeScale: 0, dataPlane, hostDeploy: "ssh" });
  engines.push(e44);
  e43 = await startEngine({ version: "4.3", timeScale: 0, dataPlane, hostDeploy: "ssh" });
  engines.push(e43);
  api44 = await ApiClient.connect(e44, "json");
  api43 = await ApiClient.connect(e43, "json");
  // A data center and cluster at level 4.4 on the 4.4 engine (its Default is at the newest level).
  const dc = await api44.post(
    "datacenters",
    JSON.stringify({ name: "lab44", local: false, version: { major: 4, minor: 4 } }),
  );
  expect(dc.status).toBe(201);
  const cl = await api44.post(
    "clusters",
    JSON.stringify({ name: CLUSTER44, data_center: { id: dc.parsed().id }, version: { major: 4, minor: 4 } }),
  );
  expect(cl.status).toBe(201);
}, 1_800_000);

afterAll(async () => {
  const errors: unknown[] = [];
  const step = async (f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (err) {
      errors.push(err);
    }
  };
  for (const api of [api44, api43]) {
    if (!api) continue;
    await step(async () => {
      for (const h of await hosts(api)) await removeHost(api, String(h.id));
    });
  }
  for (const e of engines) await step(() => e.stop());
  for (const h of changed) await step(() => reprovision(h, defaultOs[h]));
  if (dataPlane) fs.rmSync(dataPlane, { recursive: true, force: true });
  for (const e of engines) fs.rmSync(e.stateDir, { recursive: true, force: true });
  await step(() => releaseTestbed(USER));
  await step(async () => lock?.release());
  if (errors.length) throw errors[0];
}, 180_000);

async function hosts(api: ApiClient): Promise<Obj[]> {
  const body = (await api.get("hosts")).parsed();
  return (body.host as Obj[] | undefined) ?? [];
}

async function host(api: ApiClient, id: string): Promise<Obj> {
  const res = await api.get(`hosts/${id}`);
  if (res.status !== 200) throw new Error(`GET hosts/${id}: ${res.status} ${res.body}`);
  return res.parsed();
}

async function waitStatus(api: ApiClient, id: string, want: string[], timeoutMs = 60_000): Promise<Obj> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await host(api, id);
    const last = String(h.status);
    if (want.includes(last)) return h;
    if (Date.now() > deadline) throw new Error(`host ${id}: waited for ${want.join("|")}, still ${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function addHost(
  api: ApiClient,
  name: string,
  address: string,
  password = rootPassword(),
  cluster = api === api43 ? "Default" : CLUSTER44,
): Promise<string> {
  const res = await api.post(
    "hosts",
    JSON.stringify({ name, address, root_password: password, cluster: { name: cluster } }),
  );
  if (res.status !== 201) throw new Error(`add host ${name}: ${res.status} ${res.body}`);
  return String(res.parsed().id);
}

async function install(api: ApiClient, id: string, body: Obj): Promise<void> {
  const res = await api.post(`hosts/${id}/install`, JSON.stringify({ async: true, ...body }));
  if (res.status >= 300) throw new Error(`install ${id}: ${res.status} ${res.body}`);
}

async function removeHost(api: ApiClient, id: string): Promise<void> {
  const h = await host(api, id);
  if (["up", "non_operational"].includes(String(h.status))) {
    await api.post(`hosts/${id}/deactivate`, "{}");
    await waitStatus(api, id, ["maintenance"]);
  }
  const res = await api.delete(`hosts/${id}`);
  if (res.status !== 200) throw new Error(`remove host ${id}: ${res.status} ${res.body}`);
}

async function eventTexts(api: ApiClient, hostName: string): Promise<string[]> {
  const body = (await api.get("events")).parsed();
  return ((body.event as Obj[] | undefined) ?? [])
    .map((e) => String(e.description))
    .filter((d) => d.includes(hostName));
}

async function onHost(h: Hypervisor, command: string): Promise<string> {
  const r = await sshExec(rootTarget(hypervisors[h]), command, 20_000);
  if (r.code !== 0) throw new Error(`${h}: \`${command}\` exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

async function enginePublicKey(e: EngineProcess): Promise<string> {
  const res = await httpsRequest(
    `${originOf(e)}/ovirt-engine/services/pki-resource?resource=engine-certificate&format=OPENSSH-PUBKEY`,
    { method: "GET", ca: e.caPem, headers: {} },
  );
  expect(res.status).toBe(200);
  return res.body.trim();
}

const authText = (address: string) =>
  `SSH authentication to 'root@${address}' failed. Please verify provided credentials. Make sure key is authorized at host`;

let calvinId: string;

test("calvin (EL7) joins a 4.4 engine's level-4.4 cluster over SSH: non_operational, facts read on the host", async () => {
  const t0 = Date.now();
  calvinId = await addHost(api44, "calvin", hypervisors.calvin);
  const h = await waitStatus(api44, calvinId, ["non_operational", "up", "install_failed"]);
  expect(h.status).toBe("non_operational");
  const texts = await eventTexts(api44, "calvin");
  expect(texts).toContain(
    "Host calvin is compatible with versions (4.1,4.2,4.3) and cannot join Cluster lab44 which is set to version 4.4.",
  );
  const vdsm = (await onHost("calvin", "cat /etc/ovirt-lab/vdsm-version")).trim();
  expect(vdsm).toBe("vdsm-4.30.46-1.el7");
  expect((h.version as Obj).full_version).toBe(vdsm);
  expect(Number(((h.os as Obj).version as Obj).major)).toBe(7);
  expect(Number(((h.os as Obj).version as Obj).minor)).toBe(9);
  expect((h.ssh as Obj).fingerprint).toBe(hostKeyFingerprint("calvin"));
  // host-deploy's work is on the test host: the engine's key in root's authorized_keys (mode 600 in a
  // 700 ~/.ssh), the engine's CA as vdsm's CA; this machine's own /root is untouched.
  const pub = await enginePublicKey(e44);
  expect(pub).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E\S+ ovirt-engine$/);
  const keys = await onHost("calvin", "stat -c %a ~/.ssh ~/.ssh/authorized_keys; cat ~/.ssh/authorized_keys");
  expect(keys.split("\n").slice(0, 2)).toEqual(["700", "600"]);
  expect(keys.split("\n").filter((l) => l === pub)).toHaveLength(1);
  expect(await onHost("calvin", "cat /etc/pki/vdsm/certs/cacert.pem")).toBe(e44.caPem);
  const mine = fs.existsSync("/root/.ssh/authorized_keys")
    ? fs.readFileSync("/root/.ssh/authorized_keys", "utf8")
    : "";
  expect(mine).not.toContain(pub);
  // The password never reaches the engine's state or logs.
  const pw = rootPassword();
  for (const f of ["engine.db", "engine.db-wal", "requests.log"]) {
    const file = path.join(e44.stateDir, f);
    if (fs.existsSync(file)) expect(fs.readFileSync(file).includes(pw)).toBe(false);
  }
  console.log(`calvin installed over SSH in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}, 120_000);

test("a wrong root password: install_failed with the engine's SSH authentication text", async () => {
  const id = await addHost(api44, "dogbert-bad", hypervisors.dogbert, "not-the-password");
  const h = await waitStatus(api44, id, ["install_failed", "up", "non_operational"]);
  expect(h.status).toBe("install_failed");
  expect(await eventTexts(api44, "dogbert-bad")).toContain(
    `Host dogbert-bad installation failed. ${authText(hypervisors.dogbert)}.`,
  );
  await removeHost(api44, id);
}, 120_000);

test("an unreachable address: install_failed with the session text, within the session's bound", async () => {
  const t0 = Date.now();
  const id = await addHost(api44, "nowhere", "198.18.0.99");
  const h = await waitStatus(api44, id, ["install_failed", "up", "non_operational"], 90_000);
  const seconds = (Date.now() - t0) / 1000;
  expect(h.status).toBe("install_failed");
  expect(await eventTexts(api44, "nowhere")).toContain(
    "Host nowhere installation failed. Failed to establish session with host '198.18.0.99'.",
  );
  expect(seconds).toBeLessThan(65);
  console.log(`unreachable host failed after ${seconds.toFixed(1)}s`);
  await removeHost(api44, id);
}, 120_000);

test("reinstall with publickey logs in with the engine's deployed key", async () => {
  await install(api44, calvinId, { ssh: { authentication_method: "publickey" } });
  const h = await waitStatus(api44, calvinId, ["non_operational", "up", "install_failed"]);
  expect(h.status).toBe("non_operational");
  const installs = (await eventTexts(api44, "calvin")).filter((t) => t === "Host calvin installed");
  expect(installs.length).toBeGreaterThanOrEqual(2);
}, 120_000);

test("reprovisioned calvin (EL8, new host keys): the recorded fingerprint refuses it, the new one installs it", async () => {
  const old = hostKeyFingerprint("calvin");
  changed.add("calvin");
  await reprovision("calvin", "el8");
  const fresh = hostKeyFingerprint("calvin");
  expect(fresh).not.toBe(old);
  // A fresh OS: the engine's key is gone, so publickey no longer logs in.
  expect((await onHost("calvin", "cat ~/.ssh/authorized_keys 2>/dev/null || true")).trim()).toBe("");
  await install(api44, calvinId, {
    root_password: rootPassword(),
    ssh: { authentication_method: "password" },
  });
  let h = await waitStatus(api44, calvinId, ["install_failed", "up", "non_operational"]);
  expect(h.status).toBe("install_failed");
  expect(await eventTexts(api44, "calvin")).toContain(
    `Host calvin installation failed. Invalid fingerprint ${fresh}, expected ${old}.`,
  );
  await install(api44, calvinId, {
    root_password: rootPassword(),
    ssh: { authentication_method: "password", fingerprint: fresh },
  });
  h = await waitStatus(api44, calvinId, ["install_failed", "up", "non_operational"]);
  expect(h.status).toBe("up");
  expect((h.version as Obj).full_version).toBe(
    (await onHost("calvin", "cat /etc/ovirt-lab/vdsm-version")).trim(),
  );
  expect(Number(((h.os as Obj).version as Obj).major)).toBe(8);
  expect((h.ssh as Obj).fingerprint).toBe(fresh);
}, 180_000);

test("a host a 4.3 engine manages cannot join the 4.4 engine until it is reprovisioned", async () => {
  const id43 = await addHost(api43, "dogbert", hypervisors.dogbert);
  let h = await waitStatus(api43, id43, ["up", "non_operational", "install_failed"]);
  expect(h.status).toBe("up");
  expect(Number(((h.os as Obj).version as Obj).major)).toBe(7);
  const id44 = await addHost(api44, "dogbert", hypervisors.dogbert);
  h = await waitStatus(api44, id44, ["up", "non_operational", "install_failed"]);
  expect(h.status).toBe("install_failed");
  const refused = (await eventTexts(api44, "dogbert")).find((t) =>
    t.includes("is already managed by another engine"),
  );
  expect(refused).toMatch(
    /^Host dogbert installation failed\. Host 198\.18\.0\.22 is already managed by another engine \(oVirt Engine 4\.3/,
  );
  // A kickstart reinstall (new host keys): the 4.3 engine's claim is void without it letting go.
  changed.add("dogbert");
  await reprovision("dogbert", "el8");
  await install(api44, id44, { root_password: rootPassword() });
  h = await waitStatus(api44, id44, ["up", "non_operational", "install_failed"]);
  expect(h.status).toBe("up");
  expect(Number(((h.os as Obj).version as Obj).major)).toBe(8);
  expect((h.version as Obj).full_version).toBe("vdsm-4.40.100.2-1.el8");
  expect((h.ssh as Obj).fingerprint).toBe(hostKeyFingerprint("dogbert"));
  // The 4.3 engine's host record is left as it was (that engine never heard of the reinstall).
  await removeHost(api44, id44);
  await removeHost(api43, id43);
}, 240_000);

test("an engine killed -9 while a host installs: after restart the host is install_failed, a reinstall works", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-host-deploy-crash-"));
  // Time scale 1: the install timer runs 40 s, so the kill lands while the host is installing.
  let e = await startEngine({ version: "4.4", timeScale: 1, dataPlane, stateDir, hostDeploy: "ssh" });
  engines.push(e);
  let api = await ApiClient.connect(e, "json");
  const id = await addHost(api, "rhvnode3", hypervisors.rhvnode3, rootPassword(), "Default");
  expect((await host(api, id)).status).toBe("installing");
  e.kill9();
  await new Promise((r) => setTimeout(r, 500));
  e = await startEngine({
    version: "4.4",
    timeScale: 0,
    dataPlane,
    stateDir,
    adminPassword: e.adminPassword,
    hostDeploy: "ssh",
  });
  engines.push(e);
  api = await ApiClient.connect(e, "json");
  const h = await waitStatus(api, id, ["install_failed", "up", "non_operational"], 15_000);
  expect(h.status).toBe("install_failed");
  await install(api, id, { root_password: rootPassword() });
  const again = await waitStatus(api, id, ["install_failed", "up", "non_operational"]);
  expect(again.status).toBe("up");
  expect(Number(((again.os as Obj).version as Obj).major)).toBe(8);
  await removeHost(api, id);
}, 180_000);

test("a seed naming testbed hosts installs them over SSH too (the seeder waits for host-deploy)", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-host-deploy-seed-"));
  const seedFile = path.join(dir, "testbed-4.3.yaml");
  fs.writeFileSync(
    seedFile,
    [
      "seed: testbed-4.3",
      'engine_version: "4.3"',
      'data_center: { name: tb_dc, version: "4.3" }',
      "clusters:",
      "  - name: tb_cluster",
      "    cpu_type: Intel Skylake Server Family",
      "    hosts:",
      `      - { name: rhvnode4, address: ${hypervisors.rhvnode4}, root_password: ${JSON.stringify(rootPassword())}, cores: 8, memory_gib: 64 }`,
      "",
    ].join("\n"),
  );
  const t0 = Date.now();
  const e = await startEngine({ version: "4.3", timeScale: 0, dataPlane, seed: seedFile, hostDeploy: "ssh" });
  engines.push(e);
  const seconds = (Date.now() - t0) / 1000;
  const api = await ApiClient.connect(e, "json");
  const [h] = await hosts(api);
  expect(h.status).toBe("up");
  // A 4.3 seed would register an EL7 machine; what the host says over SSH wins: EL8, vdsm 4.40.
  expect(Number(((h.os as Obj).version as Obj).major)).toBe(8);
  expect((h.version as Obj).full_version).toBe(
    (await onHost("rhvnode4", "cat /etc/ovirt-lab/vdsm-version")).trim(),
  );
  expect((h.ssh as Obj).fingerprint).toBe(hostKeyFingerprint("rhvnode4"));
  console.log(`seeded engine with a host installed over SSH started in ${seconds.toFixed(1)}s`);
  await removeHost(api, String(h.id));
  await e.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}, 180_000);

test("at a time scale > 0 the session ends before the install timer, which then finishes the install", async () => {
  // Install 40 s x 0.1 = 4 s: the session (about a second) is done before the timer falls due.
  const e = await startEngine({ version: "4.4", timeScale: 0.1, dataPlane, hostDeploy: "ssh" });
  engines.push(e);
  const api = await ApiClient.connect(e, "json");
  const t0 = Date.now();
  const id = await addHost(api, "rhvnode5", hypervisors.rhvnode5, rootPassword(), "Default");
  const h = await waitStatus(api, id, ["up", "non_operational", "install_failed"], 30_000);
  const seconds = (Date.now() - t0) / 1000;
  expect(h.status).toBe("up");
  // The install timer (4 s) and initializing (1 s) set the pace, not the session.
  expect(seconds).toBeGreaterThanOrEqual(4.5);
  expect((h.ssh as Obj).fingerprint).toBe(hostKeyFingerprint("rhvnode5"));
  await removeHost(api, id);
  await e.stop();
}, 120_000);
