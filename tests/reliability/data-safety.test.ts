// Issue 9.6: `pulumi destroy` removes VMs, hosts and clusters but destroys no data unless the
// config says so in words. A: the seed lab (the repository's Pulumi.lab.yaml) on the embedded engine's
// plain storage: after destroy every storage domain is still on storage, detached and unformatted,
// and every disk image is byte for byte what it was, except the on-demand group's, whose config says
// `destroyDataOnDelete: true`. B: a protected Gluster volume on the testbed's real Gluster servers
// (needs root; when the testbed cannot start this fails with its message) outlives `destroy`, bricks
// and data included.
import { LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEngine, type EngineProcess } from "../../testbed/engine-process";
import {
  ensureTestbed,
  glusterServers,
  hostSrvDir,
  knownHostsPath,
  privateKeyPath,
  releaseTestbed,
  rootTarget,
} from "../../testbed/hosts/testbed";
import { imageFingerprints } from "../../testbed/migration-lab";
import { repoRoot } from "../../testbed/paths";
import { offlineEnv, pulumiCommand, scratchProject } from "../../testbed/pulumi";
import { withSession } from "../../providers/ssh/client";
import { list } from "../helpers/engine-api";
import { labStack } from "../helpers/stack";

type Obj = Record<string, unknown>;

/** `dom_md/metadata` of every domain on the data plane's storage, by domain directory. */
function domainMetadata(dataPlane: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  const storage = path.join(dataPlane, "storage");
  for (const exp of fs.readdirSync(storage)) {
    for (const sd of fs.readdirSync(path.join(storage, exp))) {
      const file = path.join(storage, exp, sd, "dom_md", "metadata");
      if (!fs.existsSync(file)) continue;
      out[`${exp}/${sd}`] = Object.fromEntries(
        fs
          .readFileSync(file, "utf8")
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
    }
  }
  return out;
}

describe("A: destroy of the seed lab on the embedded engine", () => {
  let engine: EngineProcess;
  let stack: Stack;
  let workDir = "";
  let dataPlane = "";

  beforeAll(async () => {
    dataPlane = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-safety-dp-"));
    engine = await startEngine({ version: "4.4", timeScale: 0, dataPlane });
    workDir = scratchProject("ovirt-lab-safety-");
    fs.copyFileSync(path.join(repoRoot, "Pulumi.lab.yaml"), path.join(workDir, "Pulumi.lab.yaml"));
    stack = await LocalWorkspace.createOrSelectStack(
      { stackName: "lab", workDir },
      {
        pulumiCommand: await pulumiCommand(),
        envVars: {
          ...offlineEnv({ backendDir: path.join(workDir, ".backend"), passphrase: "ovirt-lab-demo" }),
          OVIRT_LAB_GLUSTER_MANAGE_VOLUMES: "false",
        },
      },
    );
    await stack.setConfig("ovirt-lab:engines.target.url", { value: engine.url }, true);
    await stack.setConfig("ovirt-lab:engines.target.caFile", { value: engine.caFile }, true);
    await stack.setConfig(
      "ovirt-lab:engines.target.password",
      { value: engine.adminPassword, secret: true },
      true,
    );
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.rmSync(dataPlane, { recursive: true, force: true });
  });

  test("VMs, hosts and clusters go; domains stay on storage detached and unformatted; disks intact", async () => {
    await stack.up();
    const vms = await list(engine, "vms", "vm");
    expect(vms.length).toBeGreaterThan(10);
    // The disk images of the group whose config says destroyDataOnDelete, and of everything else.
    const groupDisks = new Set<string>();
    const keptDisks = new Set<string>();
    for (const vm of vms) {
      for (const a of await list(engine, `vms/${String(vm.id)}/diskattachments`, "disk_attachment")) {
        (String(vm.name).startsWith("ocp-") ? groupDisks : keptDisks).add(String((a.disk as Obj).id));
      }
    }
    const before = imageFingerprints(dataPlane);
    const domainsBefore = domainMetadata(dataPlane);
    expect(Object.keys(domainsBefore)).toHaveLength(4);
    const disksOf = (prints: Record<string, string>, ids: Set<string>) =>
      Object.keys(prints).filter((p) => ids.has(p.split("/images/")[1]?.split("/")[0] ?? ""));
    expect(disksOf(before, keptDisks).length).toBe(keptDisks.size);
    expect(disksOf(before, groupDisks).length).toBe(groupDisks.size);

    const res = await stack.destroy();
    expect(res.summary.result).toBe("succeeded");
    expect(await list(engine, "vms", "vm")).toEqual([]);
    expect(await list(engine, "hosts", "host")).toEqual([]);
    expect(await list(engine, "storagedomains", "storage_domain")).toEqual([]);
    expect((await list(engine, "clusters", "cluster")).map((c) => c.name)).toEqual(["Default"]);

    // Every domain is still on storage, with its name, detached (no pool) and not formatted.
    const domainsAfter = domainMetadata(dataPlane);
    expect(Object.keys(domainsAfter).sort()).toEqual(Object.keys(domainsBefore).sort());
    for (const [dir, md] of Object.entries(domainsAfter)) {
      expect([dir, md.DESCRIPTION, md.POOL_UUID]).toEqual([dir, domainsBefore[dir].DESCRIPTION, ""]);
    }
    // The kept VMs' disks are byte for byte what they were; the group's are gone, as its config says.
    const after = imageFingerprints(dataPlane);
    for (const p of disksOf(before, keptDisks)) expect([p, after[p]]).toEqual([p, before[p]]);
    expect(disksOf(after, groupDisks)).toEqual([]);
  }, 600_000);
});

describe("B: a protected Gluster volume on real Gluster servers outlives destroy", () => {
  const LEASE = "data-safety";
  const volume = `safety_${process.pid}`;
  const servers = Object.values(glusterServers);
  const gluster = (args: string) =>
    withSession(rootTarget(glusterServers.gs1), (s) => s.run(`gluster --mode=script ${args}`, 60_000));

  afterAll(async () => {
    // Clean up what the test leaves on purpose: the volume and its brick directories.
    await gluster(`volume stop ${volume} force`).catch(() => undefined);
    await gluster(`volume delete ${volume}`).catch(() => undefined);
    for (const name of Object.keys(glusterServers) as Array<keyof typeof glusterServers>) {
      fs.rmSync(path.join(hostSrvDir(name), "gluster", volume), { recursive: true, force: true });
    }
    await releaseTestbed(LEASE).catch(() => undefined);
  });

  test("destroy leaves the volume started and the bricks' data in place", async () => {
    await ensureTestbed(LEASE);
    const engine = await startEngine({ version: "4.4", timeScale: 0 });
    const t = await labStack(
      { target: engine },
      {
        engine: "target",
        dataCenter: { name: "safety_dc" },
        gluster: {
          servers: servers.map((address, i) => ({ name: `gs${i + 1}`, address })),
          volumes: [
            {
              name: volume,
              bricks: servers.map((_, i) => ({ server: `gs${i + 1}`, path: `/srv/gluster/${volume}/brick` })),
            },
          ],
          ssh: { privateKeyPath, knownHostsFile: knownHostsPath },
        },
      },
    );
    try {
      await t.stack.up();
      expect(await gluster(`volume info ${volume}`)).toMatch(/Status: Started/);
      // Data written into the volume's brick on gs1 (what a client's writes become).
      const marker = path.join(hostSrvDir("gs1"), "gluster", volume, "brick", "lab-data.txt");
      fs.writeFileSync(marker, "the lab's data\n");
      const res = await t.stack.destroy();
      expect(res.summary.result).toBe("succeeded");
      expect(await gluster(`volume info ${volume}`)).toMatch(/Status: Started/);
      expect(fs.readFileSync(marker, "utf8")).toBe("the lab's data\n");
      const stateText = JSON.stringify(await t.stack.exportStack());
      expect(stateText).not.toContain(`"${volume}"`);
    } finally {
      await engine.stop();
      fs.rmSync(t.workDir, { recursive: true, force: true });
    }
  }, 600_000);
});
