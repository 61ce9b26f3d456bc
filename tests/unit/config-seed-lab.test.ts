// What the seed lab's components need from the config: the Gluster switch (manageVolumes) and how
// the stack reaches the servers, the environment override the demo uses, fence agent types the
// host provider knows, sizes the engine can take (and their MiB/GiB conversion), and the repository's
// own Pulumi.lab.yaml validating as a whole.
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { toGiB, toMiB } from "../../components/vm-fleet";
import { loadStackConfig, MANAGE_VOLUMES_ENV, withEnvOverrides } from "../../config/load";
import { LabSpec, PowerManagementSpec } from "../../config/schema";
import { ConfigError } from "../../config/validate";
import { PM_TYPES } from "../../providers/host/model";
import { repoRoot } from "../../testbed/paths";

const engines = { target: { url: "https://engine.lab.example.com/ovirt-engine/api", password: "pw" } };

function lab(): Record<string, unknown> & { gluster: Record<string, unknown> } {
  return {
    dataCenter: { name: "dc" },
    clusters: [{ name: "c1" }],
    hosts: [{ name: "h1", address: "198.18.0.21", cluster: "c1" }],
    gluster: {
      servers: [
        { name: "gs1", address: "198.18.0.11" },
        { name: "gs2", address: "198.18.0.12" },
        { name: "gs3", address: "198.18.0.13" },
      ],
      volumes: [
        {
          name: "rhv4vol",
          bricks: ["gs1", "gs2", "gs3"].map((server) => ({ server, path: "/srv/gluster/rhv4vol/brick" })),
        },
      ],
    },
    storageDomains: [{ name: "rhv4vol", glusterVolume: "rhv4vol", host: "h1" }],
    vms: [
      {
        name: "ipa",
        cluster: "c1",
        memory: "4GiB",
        disks: [{ name: "root", size: "40GB", storageDomain: "rhv4vol" }],
      },
    ],
    vmGroups: [
      {
        name: "ocp",
        count: 2,
        cluster: "c1",
        memory: "16GiB",
        nics: [{ name: "nic1", network: "ovirtmgmt" }],
      },
    ],
  };
}
const secrets = { hosts: { h1: { rootPassword: "CANARY-root" } } };

function problems(raw: unknown, s: unknown = secrets): string[] {
  try {
    loadStackConfig({ lab: raw, engines, secrets: s });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

test("managed Gluster volumes need a way to log in and to check host keys, naming the path", () => {
  const found = problems(lab());
  expect(found).toEqual([
    expect.stringMatching(
      /^lab\.gluster\.ssh\.privateKeyPath: the stack manages Gluster volumes but has no way to log in/,
    ),
    expect.stringMatching(
      /^lab\.gluster\.ssh\.knownHostsFile: missing, and servers gs1, gs2, gs3 have no hostKeyFingerprint/,
    ),
  ]);
  const withSsh = lab();
  withSsh.gluster.ssh = { privateKeyPath: "/root/.ssh/id_ed25519", knownHostsFile: "/root/.ssh/known_hosts" };
  expect(problems(withSsh)).toEqual([]);
  // A key as a secret and fingerprints on every server do as well.
  const withSecret = lab();
  withSecret.gluster.servers = (withSecret.gluster.servers as Array<Record<string, unknown>>).map((s) => ({
    ...s,
    hostKeyFingerprint: `SHA256:${"A".repeat(43)}`,
  }));
  expect(problems(withSecret, { ...secrets, gluster: { sshPrivateKey: "-----BEGIN KEY-----" } })).toEqual([]);
});

test("manageVolumes defaults to true; false needs no SSH at all (the volumes exist already)", () => {
  const withSsh = lab();
  withSsh.gluster.ssh = { privateKeyPath: "/k", knownHostsFile: "/kh" };
  expect(loadStackConfig({ lab: withSsh, engines, secrets }).lab.gluster.manageVolumes).toBe(true);
  const unmanaged = lab();
  unmanaged.gluster.manageVolumes = false;
  expect(problems(unmanaged)).toEqual([]);
  const relative = lab();
  relative.gluster.ssh = { privateKeyPath: "id_ed25519", knownHostsFile: "/kh" };
  expect(problems(relative)).toContain(
    "lab.gluster.ssh.privateKeyPath: is not an absolute path (value hidden)",
  );
});

test(`${MANAGE_VOLUMES_ENV} overrides gluster.manageVolumes before validation, and only with true or false`, () => {
  const raw = lab();
  const off = withEnvOverrides(raw, { [MANAGE_VOLUMES_ENV]: "false" });
  expect(off.notes).toEqual([`${MANAGE_VOLUMES_ENV}=false: lab.gluster.manageVolumes is false for this run`]);
  expect(problems(off.lab)).toEqual([]);
  expect(raw.gluster.manageVolumes).toBeUndefined(); // the stack's own value is not touched
  const on = withEnvOverrides(
    { ...raw, gluster: { ...raw.gluster, manageVolumes: false } },
    { [MANAGE_VOLUMES_ENV]: "true" },
  );
  expect(problems(on.lab)[0]).toMatch(/^lab\.gluster\.ssh\.privateKeyPath:/);
  expect(withEnvOverrides(raw, {})).toEqual({ lab: raw, notes: [] });
  expect(() => withEnvOverrides(raw, { [MANAGE_VOLUMES_ENV]: "yes" })).toThrow(
    `${MANAGE_VOLUMES_ENV}: must be "true" or "false" (got "yes")`,
  );
});

test("VM sizes the engine cannot take are refused with their path; groups cannot pin a MAC", () => {
  const raw = lab();
  raw.gluster.manageVolumes = false;
  const vms = raw.vms as Array<Record<string, unknown>>;
  vms[0].memory = "128MiB";
  (vms[0].disks as Array<Record<string, unknown>>)[0].size = "512MiB";
  const groups = raw.vmGroups as Array<{ nics: Array<Record<string, unknown>> }>;
  groups[0].nics[0].mac = "56:6f:1a:2b:3c:4d";
  expect(problems(raw)).toEqual([
    "lab.vms[0].memory: is less than 256MiB (in bytes), the engine's minimum (got 134217728)",
    "lab.vms[0].disks[0].size: is less than 1GiB (in bytes), the smallest disk (got 536870912)",
    'lab.vmGroups[0].nics[0].mac: a group\'s copies cannot share one MAC address (leave it out: the engine allocates them) (got "56:6f:1a:2b:3c:4d")',
  ]);
});

test("sizes become whole MiB of memory and whole GiB of disk, rounded up", () => {
  expect(toMiB(4 * 2 ** 30)).toBe(4096);
  expect(toMiB(4e9)).toBe(3815);
  expect(toGiB(40 * 2 ** 30)).toBe(40);
  expect(toGiB(40e9)).toBe(38);
  expect(toGiB(2 ** 30 + 1)).toBe(2);
});

test("every power management type the config accepts is one the host provider knows", () => {
  for (const t of PowerManagementSpec.shape.type.options) expect(PM_TYPES).toContain(t);
});

test("the repository's Pulumi.lab.yaml describes the seed lab and validates as a whole", () => {
  const doc = YAML.parse(fs.readFileSync(path.join(repoRoot, "Pulumi.lab.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const spec = LabSpec.parse(doc.config["ovirt-lab:lab"]);
  expect(
    spec.clusters.map((c) => [c.name, c.threadsAsCores, c.ksm, (c.memoryOverCommitPercent ?? 100) > 100]),
  ).toEqual([
    ["oVirt_Cluster", true, true, true],
    ["ocpcluster", true, true, true],
  ]);
  expect(
    spec.hosts.map((h) => `${h.name}@${h.cluster}${h.powerManagement ? "+" + h.powerManagement.type : ""}`),
  ).toEqual([
    "calvin@oVirt_Cluster",
    "dogbert@oVirt_Cluster",
    "rhvnode3@ocpcluster+ipmilan",
    "rhvnode4@ocpcluster+ipmilan",
    "rhvnode5@ocpcluster+ipmilan",
  ]);
  // The testbed's addresses (testbed/hosts/README.md).
  expect(spec.hosts.map((h) => h.address)).toEqual([
    "198.18.0.21",
    "198.18.0.22",
    "198.18.0.23",
    "198.18.0.24",
    "198.18.0.25",
  ]);
  expect(spec.gluster.servers.map((s) => s.address)).toEqual(["198.18.0.11", "198.18.0.12", "198.18.0.13"]);
  expect(spec.gluster.volumes.map((v) => [v.name, v.capacity])).toEqual([
    ["rhv4vol", 600e9],
    ["rhvquick", 600e9],
  ]);
  expect(spec.storageDomains.map((d) => `${d.name}:${d.type}:${d.glusterVolume ?? "nfs"}`)).toEqual([
    "rhv4vol:data:rhv4vol",
    "rhvquick:data:rhvquick",
    "iso:iso:nfs",
    "export:export:nfs",
  ]);
  expect(spec.vms.length).toBeGreaterThanOrEqual(10);
  expect(spec.vms.map((v) => v.name)).toEqual(expect.arrayContaining(["ipa", "ipa2", "satellite", "awx"]));
  expect(spec.vmGroups.map((g) => g.name)).toEqual(["ocp"]);
  // Every secret is encrypted (a `secure:` value), never plain text.
  const secretsDoc = doc.config["ovirt-lab:secrets"] as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
  const leaves = Object.values(secretsDoc).flatMap((byName) =>
    Object.values(byName).flatMap((fields) => Object.values(fields)),
  );
  expect(leaves.length).toBeGreaterThanOrEqual(11);
  for (const v of leaves) expect(Object.keys(v as object)).toEqual(["secure"]);
});
