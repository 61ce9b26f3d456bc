// `discover` (tools/discover.ts, the first step of the 4.3 -> 4.4 move) against the embedded 4.3
// engine holding the seed lab: a commented stack file gets `ovirt-lab:legacy` (LabSpec, engine
// legacy) with everything else kept byte for byte, only GETs reach the engine, a re-run with
// nothing new leaves the file untouched, user edits survive, gone objects are listed and removed
// only with --prune, and bad engines fail before any write. The ISO domain's files are listed in
// its entry (`isoFiles`, paths relative to its export) and merged the same way on a re-run.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { LabSpec } from "../../config/schema";
import { list } from "../helpers/engine-api";
import { dataPlaneOf } from "../engine/storage-fixtures";
import { storageDir } from "../../simulator/dataplane/storage";
import { startEngine, type EngineProcess } from "../../testbed/engine-process";
import { repoRoot } from "../../testbed/paths";
import { offlineEnv, openStack, scratchProject } from "../../testbed/pulumi";

const SEED = path.join(repoRoot, "simulator", "seeds", "seed-lab-4.3.yaml");
const PASSPHRASE = "discover-passphrase";
const STACK = "move";
const GIB = 2 ** 30;
/** The seed's ISO files, and where an ISO domain keeps them (vdsm's fixed image group). */
const ISO_FILES = ["CentOS-8.2.2004-x86_64-minimal.iso", "virtio-win-0.1.185.iso"];
const ISO_GROUP = "11111111-1111-1111-1111-111111111111";

type Obj = Record<string, unknown>;
type Lab = ReturnType<typeof LabSpec.parse>;

let engine: EngineProcess;
let workDir = "";
let configFile = "";
let env: Record<string, string> = {};
/** The file as written before the first discover. */
let original = "";
/** The text discover must insert its block in front of (the file's last comment line). */
const TAIL = "# Anything below config: is not discover's.\n";

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, "dist", "tools", "discover.js"), "--stack", STACK, "--cwd", workDir, ...args],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const read = (): string => fs.readFileSync(configFile, "utf8");
const blockOf = (text: string): Obj =>
  (YAML.parse(text) as { config: Obj }).config["ovirt-lab:legacy"] as Obj;
const labOf = (text: string): Lab => LabSpec.parse(blockOf(text));
const names = (items: Array<{ name: string }>): string[] => items.map((i) => i.name).sort();

/** The seed's ISO domain: its id, and its export's directory on the data plane (the mount). */
let isoId = "";
const isoExport = () => storageDir(dataPlaneOf(engine.stateDir), "rhvnode3.lab:/exports/iso");
const isoFile = (name: string) => path.join(isoExport(), isoId, "images", ISO_GROUP, name);

beforeAll(async () => {
  engine = await startEngine({ version: "4.3", seed: SEED, timeScale: 0 });
  isoId = String((await list(engine, "storagedomains", "storage_domain")).find((d) => d.name === "iso")!.id);
  workDir = scratchProject("ovirt-lab-discover-");
  const backendDir = path.join(workDir, ".backend");
  env = offlineEnv({ backendDir, passphrase: PASSPHRASE });
  const stack = await openStack({ stackName: STACK, workDir, backendDir, passphrase: PASSPHRASE });
  const set = (key: string, value: string, secret = false) =>
    stack.setConfig(`ovirt-lab:engines.${key}`, { value, secret }, true);
  await set("legacy.url", engine.url);
  await set("legacy.caFile", engine.caFile);
  await set("legacy.password", engine.adminPassword, true);
  // Broken engines for the error cases: wrong password, nothing listening, no CA configured.
  await set("badlogin.url", engine.url);
  await set("badlogin.caFile", engine.caFile);
  await set("badlogin.password", "not-the-password", true);
  await set("down.url", "https://127.0.0.1:1/ovirt-engine/api");
  await set("down.password", "x", true);
  await set("noca.url", engine.url);
  await set("noca.password", engine.adminPassword, true);
  // The same config, rewritten by hand with comments and a flow-style map, as a user keeps it.
  configFile = path.join(workDir, `Pulumi.${STACK}.yaml`);
  const cfg = YAML.parse(fs.readFileSync(configFile, "utf8")) as {
    encryptionsalt: string;
    config: { "ovirt-lab:engines": Record<string, Obj> };
  };
  const engines = cfg.config["ovirt-lab:engines"];
  const secure = (name: string) => (engines[name].password as { secure: string }).secure;
  original =
    `# The move of the home lab from 4.3 to 4.4.\n` +
    `encryptionsalt: ${cfg.encryptionsalt}\n` +
    `config:\n` +
    `  # Both engines; the legacy one is read by discover.\n` +
    `  ovirt-lab:engines:\n` +
    `    legacy:\n` +
    `      url: ${engine.url}   # the embedded 4.3 engine\n` +
    `      caFile: ${engine.caFile}\n` +
    `      password:\n` +
    `        secure: ${secure("legacy")}\n` +
    `    badlogin: {url: "${engine.url}", caFile: "${engine.caFile}", password: {secure: "${secure("badlogin")}"}}\n` +
    `    down:\n` +
    `      url: https://127.0.0.1:1/ovirt-engine/api\n` +
    `      password:\n` +
    `        secure: ${secure("down")}\n` +
    `    noca:\n` +
    `      url: ${engine.url}\n` +
    `      password:\n` +
    `        secure: ${secure("noca")}\n` +
    `  # The new lab on 4.4 (not discover's).\n` +
    `  ovirt-lab:lab:\n` +
    `    engine: target\n` +
    `    dataCenter: {name: oVirt_DC, compatibilityVersion: "4.4"}\n` +
    `    clusters:\n` +
    `      - name: oVirt_Cluster   # calvin and dogbert\n` +
    `    # end of the new lab\n` +
    TAIL;
  fs.writeFileSync(configFile, original);
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("discover on the seed lab", () => {
  let first = "";
  let firstRun: { code: number; stdout: string; stderr: string };
  let logBefore = 0;
  let logAfter = 0;

  beforeAll(async () => {
    logBefore = engine.requests().length;
    firstRun = await run("--engine", "legacy");
    logAfter = engine.requests().length;
    first = read();
  }, 120_000);

  test("it succeeds and summarises what it found", () => {
    expect(firstRun.stderr).toBe("");
    expect(firstRun.code).toBe(0);
    // Everything of the seed lab fits the schema: nothing left out.
    expect(firstRun.stdout).not.toContain("note:");
    expect(firstRun.stdout).toMatch(/^clusters\s+2 on the engine: 2 added, 0 kept, 0 gone$/m);
    expect(firstRun.stdout).toMatch(/^hosts\s+5 on the engine: 5 added, 0 kept, 0 gone$/m);
    expect(firstRun.stdout).toMatch(/^vms\s+16 on the engine: 16 added, 0 kept, 0 gone$/m);
    expect(firstRun.stdout).toMatch(/^isoFiles\s+2 on the engine: 2 added, 0 kept, 0 gone$/m);
    expect(firstRun.stdout).toMatch(/secrets\.hosts\.<name>\.\* are not needed .*calvin, dogbert/);
    expect(firstRun.stdout).toContain(`wrote ovirt-lab:legacy to ${configFile}`);
  });

  test("the rest of the file is kept byte for byte; the block goes at the end of config", () => {
    const head = original.slice(0, original.length - TAIL.length);
    expect(first.startsWith(head)).toBe(true);
    expect(first.endsWith(TAIL)).toBe(true);
    const block = first.slice(head.length, first.length - TAIL.length);
    expect(block).toMatch(
      /^ {2}# Written by ovirt-lab discover from engine "legacy" at \d{4}-\d\d-\d\dT[\d:.]+Z; re-run it to add what is new\.\n {2}ovirt-lab:legacy:\n {4}engine: legacy\n {4}dataCenter:\n/,
    );
    // Block style throughout (no flow maps or lists with content).
    expect(block).not.toMatch(/[{[][^\]}]/);
  });

  test("the block is a valid LabSpec of the seed lab on engine legacy", () => {
    const lab = labOf(first);
    expect(lab.engine).toBe("legacy");
    expect(lab.dataCenter).toEqual({
      name: "oVirt_DC",
      description: "Home lab data center",
      local: false,
      compatibilityVersion: "4.3",
    });
    expect(names(lab.clusters)).toEqual(["oVirt_Cluster", "ocpcluster"]);
    const ocp = lab.clusters.find((c) => c.name === "ocpcluster")!;
    expect(ocp).toMatchObject({
      description: "OpenShift 4 nodes",
      compatibilityVersion: "4.3",
      cpuType: "Intel Skylake Server Family",
      threadsAsCores: true,
    });
    expect(typeof ocp.ksm).toBe("boolean");
    expect(typeof ocp.memoryOverCommitPercent).toBe("number");
    expect(typeof ocp.ballooning).toBe("boolean");

    expect(names(lab.hosts)).toEqual(["calvin", "dogbert", "rhvnode3", "rhvnode4", "rhvnode5"]);
    const host = Object.fromEntries(lab.hosts.map((h) => [h.name, h]));
    expect(host.calvin).toMatchObject({ address: "calvin.lab", cluster: "oVirt_Cluster", sshPort: 22 });
    expect(host.calvin.powerManagement).toBeUndefined();
    for (const n of [3, 4, 5]) {
      expect(host[`rhvnode${n}`]).toMatchObject({
        address: `rhvnode${n}.lab`,
        cluster: "ocpcluster",
        powerManagement: { type: "ipmilan", address: `rhvnode${n}-lom.lab`, username: "admin" },
      });
    }

    expect(lab.networks).toHaveLength(1);
    const net = lab.networks[0];
    expect(net).toMatchObject({ name: "lab_vms", description: "VM network", vlan: 20, vmNetwork: true });
    expect(net.mtu).toBeUndefined();
    expect([...net.clusters].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "ocpcluster", required: true },
      { name: "oVirt_Cluster", required: true },
    ]);

    expect(lab.gluster.manageVolumes).toBe(false);
    expect(lab.gluster.servers).toEqual(
      [3, 4, 5].map((n) => ({
        name: `rhvnode${n}`,
        address: `rhvnode${n}.lab`,
        sshPort: 22,
        sshUser: "root",
        // The host key the engine pinned for the host.
        hostKeyFingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/) as string,
      })),
    );
    expect(names(lab.gluster.volumes)).toEqual(["rhv4vol", "rhvquick"]);
    for (const v of lab.gluster.volumes) {
      expect(v.replica).toBe(3);
      expect(v.bricks).toEqual(
        [3, 4, 5].map((n) => ({ server: `rhvnode${n}`, path: `/gluster_bricks/${v.name}/brick` })),
      );
    }

    const domain = Object.fromEntries(lab.storageDomains.map((d) => [d.name, d]));
    expect(Object.keys(domain).sort()).toEqual(["export", "iso", "rhv4vol_data", "rhvquick_data"]);
    expect(domain.rhv4vol_data).toMatchObject({
      type: "data",
      glusterVolume: "rhv4vol",
      destroyDataOnDelete: false,
    });
    expect(domain.rhvquick_data).toMatchObject({ type: "data", glusterVolume: "rhvquick" });
    expect(domain.iso).toMatchObject({ type: "iso", nfs: { address: "rhvnode3.lab", path: "/exports/iso" } });
    // Its files, where an admin finds them on the mounted export; other domains have none listed.
    expect(domain.iso.isoFiles).toEqual(
      ISO_FILES.map((name) => ({ name, path: `${isoId}/images/${ISO_GROUP}/${name}` })),
    );
    for (const f of domain.iso.isoFiles!) {
      const file = path.join(isoExport(), f.path);
      expect([f.name, fs.statSync(file).isFile()]).toEqual([f.name, true]);
    }
    for (const d of ["rhv4vol_data", "rhvquick_data", "export"]) expect(domain[d].isoFiles).toBeUndefined();
    expect(domain.export).toMatchObject({
      type: "export",
      nfs: { address: "rhvnode3.lab", path: "/exports/export" },
    });
    for (const d of lab.storageDomains) expect(Object.keys(host)).toContain(d.host);

    expect(lab.vms).toHaveLength(16);
    expect(lab.vmGroups).toEqual([]);
    const vm = Object.fromEntries(lab.vms.map((v) => [v.name, v]));
    expect(Object.keys(vm).sort()).toEqual(
      [
        "bastion",
        "fedora-ws",
        "gitlab",
        "ipa",
        "ipa2",
        "nfs-backup",
        "ocp-lb",
        "satellite",
        "tower",
        "win2019",
        // The seed numbers a group's copies from 0.
        ...[0, 1, 2].map((i) => `ocp-master-${i}`),
        ...[0, 1, 2].map((i) => `ocp-worker-${i}`),
      ].sort(),
    );
    expect(vm.ipa).toMatchObject({
      cluster: "oVirt_Cluster",
      template: "Blank",
      description: "FreeIPA (Kerberos, DNS, DHCP)",
      memory: 4 * GIB,
      runState: "running",
      highAvailability: false,
    });
    expect(vm.ipa.disks).toEqual([
      expect.objectContaining({ size: 40 * GIB, storageDomain: "rhvquick_data", bootable: true }),
    ]);
    expect(vm.ipa.nics).toEqual([{ name: "nic1", network: "lab_vms", mac: "56:6f:1a:00:00:01" }]);
    expect(vm.ipa2.nics[0].mac).toBe("56:6f:1a:00:00:02");
    expect(vm.ipa2.disks[0]).toMatchObject({ size: 40 * GIB, storageDomain: "rhv4vol_data" });
    expect(vm.satellite.memory).toBe(20 * GIB);
    expect(vm.satellite.cpu.sockets * vm.satellite.cpu.cores * vm.satellite.cpu.threads).toBe(4);
    expect(vm.satellite.disks.map((d) => [d.size / GIB, d.storageDomain, d.bootable])).toEqual([
      [100, "rhvquick_data", true],
      [500, "rhv4vol_data", false],
    ]);
    expect(vm.satellite.disks[1].name).toBe("satellite_pulp");
    expect(vm.win2019.disks[0].interface).toBe("sata");
    expect(vm["ocp-master-0"].disks[0]).toMatchObject({ size: 120 * GIB, storageDomain: "rhvquick_data" });
    const stopped = lab.vms.filter((v) => v.runState === "stopped").map((v) => v.name);
    expect(stopped.sort()).toEqual(
      [
        "fedora-ws",
        "nfs-backup",
        "win2019",
        ...[0, 1, 2].flatMap((i) => [`ocp-master-${i}`, `ocp-worker-${i}`]),
      ].sort(),
    );
    for (const v of lab.vms) {
      expect(v.nics.every((n) => /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(n.mac ?? ""))).toBe(true);
    }
  });

  test("sizes are written readably", () => {
    const raw = blockOf(first) as {
      vms: Array<{ name: string; memory: unknown; disks: Array<{ size: unknown }> }>;
    };
    const sat = raw.vms.find((v) => v.name === "satellite")!;
    expect(sat.memory).toBe("20GiB");
    expect(sat.disks.map((d) => d.size)).toEqual(["100GiB", "500GiB"]);
  });

  test("only GET requests reached the engine, besides the SSO login and logout", () => {
    const mine = engine.requests().slice(logBefore, logAfter);
    const other = mine.filter((r) => r.method !== "GET");
    expect(other.map((r) => `${r.method} ${r.path.split("?")[0]}`).sort()).toEqual([
      "POST /ovirt-engine/services/sso-logout",
      "POST /ovirt-engine/sso/oauth/token",
    ]);
    const gets = mine.filter((r) => r.method === "GET");
    expect(gets.every((r) => r.status === 200)).toBe(true);
    // A handful of listings, not one request per object.
    expect(gets.length).toBeLessThanOrEqual(20);
    expect(firstRun.stdout).toContain(`${mine.length} requests`);
  });

  test("a second run with nothing new leaves the file untouched", async () => {
    const again = await run("--engine", "legacy");
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^vms\s+16 on the engine: 0 added, 16 kept, 0 gone$/m);
    expect(again.stdout).toMatch(/^isoFiles\s+2 on the engine: 0 added, 2 kept, 0 gone$/m);
    expect(again.stdout).toContain("nothing new");
    expect(read()).toBe(first);
  });

  test("user edits are kept; a removed object comes back; gone ones are listed, pruned on request", async () => {
    // Edited by hand, as text: ipa gets more memory and a comment, bastion is deleted, a VM the
    // engine does not have is added, and the OpenShift masters become a group.
    const item = (name: string) => new RegExp(`^ {6}- name: ${name}\\n(?: {8}.*\\n)*`, "m");
    let text = read();
    const ipa = item("ipa").exec(text)![0];
    text = text.replace(
      ipa,
      `      # more memory for the move\n${ipa.replace("        memory: 4GiB\n", "        memory: 8GiB\n")}`,
    );
    for (const name of ["bastion", "ocp-master-0", "ocp-master-1", "ocp-master-2"]) {
      expect(text).toMatch(item(name));
      text = text.replace(item(name), "");
    }
    expect(text.endsWith(TAIL)).toBe(true);
    text =
      text.slice(0, text.length - TAIL.length) +
      "      - name: retired\n        cluster: ocpcluster\n        memory: 1GiB\n" +
      "    # The on-demand OpenShift masters (copies ocp-master-1..3).\n" +
      "    vmGroups:\n      - name: ocp-master\n        count: 3\n        cluster: ocpcluster\n" +
      "        memory: 16GiB\n" +
      TAIL;
    fs.writeFileSync(configFile, text);
    const edited = read();

    const r = await run("--engine", "legacy");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^vms\s+16 on the engine: 2 added, 14 kept, 1 gone$/m);
    expect(r.stdout).toContain("gone: vms retired is no longer on the engine (kept; --prune removes it)");
    let lab = labOf(read());
    const vm = Object.fromEntries(lab.vms.map((v) => [v.name, v]));
    expect(vm.ipa.memory).toBe(8 * GIB);
    expect(read()).toContain("# more memory for the move");
    expect(vm.bastion).toBeDefined();
    // A group's copies are <name>-1..count: discover does not add the ones the group stands for
    // back one by one; the seed's ocp-master-0 is not one of them.
    expect(lab.vms.slice(-2).map((v) => v.name)).toEqual(["bastion", "ocp-master-0"]);
    expect(vm.retired).toBeDefined();
    expect(lab.vms.filter((v) => v.name.startsWith("ocp-master-")).map((v) => v.name)).toEqual([
      "ocp-master-0",
    ]);
    // Outside the block, still the user's bytes.
    expect(read().startsWith(original.slice(0, original.length - TAIL.length))).toBe(true);
    expect(read().endsWith(TAIL)).toBe(true);
    expect(read()).toContain("    # The on-demand OpenShift masters (copies ocp-master-1..3).\n");
    expect(read()).not.toBe(edited);
    // The stamp is replaced, not repeated.
    expect(read().match(/# Written by ovirt-lab discover/g)).toHaveLength(1);

    const pruned = await run("--engine", "legacy", "--prune");
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^vms\s+16 on the engine: 0 added, 16 kept, 1 gone \(1 pruned\)$/m);
    expect(pruned.stdout).toContain("pruned: vms retired");
    lab = labOf(read());
    expect(lab.vms.map((v) => v.name)).not.toContain("retired");
    expect(lab.vms).toHaveLength(14);
    expect(lab.vmGroups.map((g) => g.name)).toEqual(["ocp-master"]);
  });

  test("ISO files: the user's entry is kept, a new file is added to it, a deleted one listed, pruned on request", async () => {
    // The user annotates the ISO domain's first file; on the export, a file is added and one deleted.
    let text = read();
    const first = `          - name: ${ISO_FILES[0]}\n`;
    expect(text).toContain(first);
    text = text.replace(first, `          # the lab's installer\n${first}`);
    fs.writeFileSync(configFile, text);
    const added = "Fedora-Workstation-Live-x86_64-33-1.2.iso";
    fs.writeFileSync(isoFile(added), Buffer.alloc(2 * 2048, 7));
    fs.rmSync(isoFile(ISO_FILES[1]));
    try {
      const r = await run("--engine", "legacy");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^isoFiles\s+2 on the engine: 1 added, 1 kept, 1 gone$/m);
      expect(r.stdout).toContain(
        `gone: isoFiles iso/${ISO_FILES[1]} is no longer on the engine (kept; --prune removes it)`,
      );
      const iso = () => labOf(read()).storageDomains.find((d) => d.name === "iso")!;
      const entry = (name: string) => ({ name, path: `${isoId}/images/${ISO_GROUP}/${name}` });
      expect(iso().isoFiles).toEqual([entry(ISO_FILES[0]), entry(ISO_FILES[1]), entry(added)]);
      expect(read()).toContain(`          # the lab's installer\n${first}`);

      const pruned = await run("--engine", "legacy", "--prune");
      expect(pruned.code).toBe(0);
      expect(pruned.stdout).toMatch(/^isoFiles\s+2 on the engine: 0 added, 2 kept, 1 gone \(1 pruned\)$/m);
      expect(pruned.stdout).toContain(`pruned: isoFiles iso/${ISO_FILES[1]}`);
      expect(iso().isoFiles).toEqual([entry(ISO_FILES[0]), entry(added)]);
      expect(read()).toContain(`          # the lab's installer\n${first}`);
    } finally {
      fs.rmSync(isoFile(added));
      fs.writeFileSync(isoFile(ISO_FILES[1]), Buffer.alloc(2048));
    }
  });
});

describe("errors come before any write", () => {
  const unchanged = async (args: string[], message: RegExp) => {
    const before = read();
    const r = await run(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(read()).toBe(before);
    expect(fs.readdirSync(workDir).filter((f) => f.includes(".discover."))).toEqual([]);
  };

  test("an unknown engine name lists the engines", () =>
    unchanged(
      ["--engine", "nosuch"],
      /discover: no engine named "nosuch" in ovirt-lab:engines of stack move \(have: badlogin, down, legacy, noca\)/,
    ));

  test("a wrong password is a login failure", () =>
    unchanged(
      ["--engine", "badlogin", "--key", "legacy"],
      /discover: engine "badlogin": SSO login as admin@internal failed: access_denied: Cannot authenticate user 'admin@internal'.*Nothing was written\.$/m,
    ));

  test("an engine nobody answers for is unreachable", () =>
    unchanged(
      ["--engine", "down", "--key", "legacy", "--timeout", "2"],
      /discover: engine "down" is unreachable at https:\/\/127\.0\.0\.1:1\/ovirt-engine\/api: .*ECONNREFUSED.*Check ovirt-lab:engines\.down\.url and that the engine is up\. Nothing was written\.$/m,
    ));

  test("a certificate that cannot be verified says how to set caFile", () =>
    unchanged(
      ["--engine", "noca", "--key", "legacy"],
      /discover: engine "noca": TLS: cannot verify the certificate .*Point caFile .*Nothing was written\.$/m,
    ));

  test("the stack's own config is not a key discover writes", () =>
    unchanged(
      ["--engine", "legacy", "--key", "lab"],
      /discover: --key lab: ovirt-lab:lab is the stack's own config/,
    ));

  test("an unknown option is a usage error", () =>
    unchanged(["--engine", "legacy", "--prnue"], /discover: unknown option --prnue\nusage: /));
});
