// The whole lab's config: a seed-like lab validates, and each of many bad edits is rejected with a
// message that names the path of the offending value (and never echoes a secret).
import { loadStackConfig } from "../../config/load";
import { ConfigError } from "../../config/validate";
import { parseSize } from "../../config/units";

const engines = { target: { url: "https://engine44.lab.example.com/ovirt-engine/api", password: "pw" } };

function seedLab() {
  return {
    engine: "target",
    dataCenter: { name: "oVirt_DC", compatibilityVersion: "4.4" },
    clusters: [
      { name: "oVirt_Cluster", threadsAsCores: true, ksm: true },
      { name: "ocpcluster", threadsAsCores: true, ksm: true, memoryOverCommitPercent: 150 },
    ],
    hosts: [
      { name: "calvin", address: "calvin.lab.example.com", cluster: "oVirt_Cluster" },
      { name: "dogbert", address: "dogbert.lab.example.com", cluster: "oVirt_Cluster" },
      {
        name: "rhvnode3",
        address: "rhvnode3.lab.example.com",
        cluster: "ocpcluster",
        powerManagement: { type: "ipmilan", address: "rhvnode3-lom.lab.example.com", username: "admin" },
      },
    ],
    networks: [{ name: "ocp", vlan: 20, clusters: [{ name: "ocpcluster", required: true }] }],
    gluster: {
      ssh: { privateKeyPath: "/root/.ssh/id_ed25519", knownHostsFile: "/root/.ssh/known_hosts" },
      servers: [
        { name: "gs1", address: "198.18.0.1" },
        { name: "gs2", address: "198.18.0.2" },
        { name: "gs3", address: "198.18.0.3" },
      ],
      volumes: [
        {
          name: "rhv4vol",
          replica: 3,
          bricks: [
            { server: "gs1", path: "/bricks/rhv4vol" },
            { server: "gs2", path: "/bricks/rhv4vol" },
            { server: "gs3", path: "/bricks/rhv4vol" },
          ],
        },
      ],
    },
    storageDomains: [
      { name: "rhv4vol", glusterVolume: "rhv4vol", host: "calvin" },
      { name: "iso", type: "iso", nfs: { address: "198.18.0.1", path: "/exports/iso" }, host: "calvin" },
    ],
    vms: [
      {
        name: "ipa.lab.example.com",
        cluster: "oVirt_Cluster",
        memory: "4GiB",
        disks: [{ name: "ipa_root", size: "40GiB", storageDomain: "rhv4vol", bootable: true }],
        nics: [{ name: "nic1", network: "ovirtmgmt" }],
      },
    ],
    vmGroups: [{ name: "ocp-worker", count: 3, cluster: "ocpcluster", memory: "16GiB" }],
  };
}
const secrets = {
  hosts: {
    calvin: { rootPassword: "CANARY-root" },
    dogbert: { rootPassword: "CANARY-root" },
    rhvnode3: { rootPassword: "CANARY-root", powerManagementPassword: "CANARY-pm" },
  },
};

type Lab = ReturnType<typeof seedLab>;

function problemsOf(edit: (lab: Lab, s: typeof secrets) => void): string[] {
  const lab = seedLab();
  const s = structuredClone(secrets);
  edit(lab, s);
  try {
    loadStackConfig({ lab, engines, secrets: s });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

test("the seed-like lab validates, with sizes in bytes and defaults filled in", () => {
  const { lab } = loadStackConfig({ lab: seedLab(), engines, secrets });
  expect(lab.vms[0].memory).toBe(4 * 2 ** 30);
  expect(lab.vms[0].disks[0].size).toBe(40 * 2 ** 30);
  expect(lab.vms[0].runState).toBe("running");
  expect(lab.gluster.volumes[0].options).toEqual({ group: "virt" });
  expect(lab.gluster.volumes[0].protect).toBe(true);
  expect(lab.storageDomains[0].destroyDataOnDelete).toBe(false);
  expect(lab.hosts[0].sshPort).toBe(22);
});

test("sizes parse with binary and decimal units", () => {
  expect(parseSize("32GiB")).toBe(32 * 2 ** 30);
  expect(parseSize("600GB")).toBe(600e9);
  expect(parseSize("512 MiB")).toBe(512 * 2 ** 20);
  expect(parseSize("1024")).toBe(1024);
  expect(parseSize("lots")).toBeUndefined();
  expect(parseSize("12XB")).toBeUndefined();
});

const bad: Array<[string, (lab: Lab, s: typeof secrets) => void, string]> = [
  [
    "cluster name with a space",
    (l) => (l.clusters[0].name = "oVirt Cluster"),
    "lab.clusters[0].name: may only contain",
  ],
  [
    "cluster name too long",
    (l) => (l.clusters[0].name = "c".repeat(41)),
    "lab.clusters[0].name: is longer than 40",
  ],
  [
    "duplicate cluster",
    (l) => (l.clusters[1].name = "ovirt_cluster"),
    "lab.clusters[1].name: duplicate cluster name",
  ],
  [
    "host in unknown cluster",
    (l) => (l.hosts[2].cluster = "ocpcluster2"),
    'lab.hosts[2].cluster: no cluster named "ocpcluster2"',
  ],
  ["duplicate host", (l) => (l.hosts[1].name = "calvin"), "lab.hosts[1].name: duplicate host name"],
  [
    "two hosts one address",
    (l) => (l.hosts[1].address = "calvin.lab.example.com"),
    "lab.hosts[1].address: address",
  ],
  [
    "bad host address",
    (l) => (l.hosts[0].address = "calvin lab"),
    "lab.hosts[0].address: is not a host name",
  ],
  ["ssh port out of range", (l) => Object.assign(l.hosts[0], { sshPort: 70000 }), "lab.hosts[0].sshPort:"],
  [
    "unknown power management type",
    (l) => ((l.hosts[2].powerManagement as { type: string }).type = "magic"),
    "lab.hosts[2].powerManagement.type:",
  ],
  [
    "host without credentials",
    (_l, s) => delete (s.hosts as Record<string, unknown>).dogbert,
    'lab.hosts[1]: host "dogbert" has neither',
  ],
  [
    "power management without password",
    (_l, s) => delete (s.hosts.rhvnode3 as { powerManagementPassword?: string }).powerManagementPassword,
    'lab.hosts[2].powerManagement: host "rhvnode3" has no power management password',
  ],
  [
    "secret for unknown host",
    (_l, s) => Object.assign(s.hosts, { hobbes: { rootPassword: "x" } }),
    'secrets.hosts.hobbes: no host named "hobbes"',
  ],
  [
    "network name too long",
    (l) => (l.networks[0].name = "openshift-network"),
    "lab.networks[0].name: is longer than 15",
  ],
  [
    "network named ovirtmgmt",
    (l) => (l.networks[0].name = "ovirtmgmt"),
    'lab.networks[0].name: "ovirtmgmt" comes with the data center',
  ],
  ["vlan out of range", (l) => (l.networks[0].vlan = 5000), "lab.networks[0].vlan:"],
  [
    "bad mtu",
    (l) => Object.assign(l.networks[0], { mtu: 20 }),
    "lab.networks[0].mtu: must be 0 (the default) or 68..9000",
  ],
  [
    "network on unknown cluster",
    (l) => (l.networks[0].clusters[0].name = "nope"),
    'lab.networks[0].clusters[0].name: no cluster named "nope"',
  ],
  [
    "brick on unknown server",
    (l) => (l.gluster.volumes[0].bricks[2].server = "gs4"),
    'lab.gluster.volumes[0].bricks[2].server: no Gluster server named "gs4"',
  ],
  [
    "bricks not a multiple of replica",
    (l) => l.gluster.volumes[0].bricks.pop(),
    "lab.gluster.volumes[0].bricks: 2 bricks cannot form replica-3 sets",
  ],
  ["replica 4", (l) => (l.gluster.volumes[0].replica = 4), "lab.gluster.volumes[0].replica:"],
  [
    "relative brick path",
    (l) => (l.gluster.volumes[0].bricks[0].path = "bricks/x"),
    "lab.gluster.volumes[0].bricks[0].path: is not an absolute path",
  ],
  [
    "bad capacity",
    (l) => Object.assign(l.gluster.volumes[0], { capacity: "lots" }),
    'lab.gluster.volumes[0].capacity: is not a size like "32GiB"',
  ],
  [
    "domain on unknown volume",
    (l) => (l.storageDomains[0].glusterVolume = "rhvquick"),
    'lab.storageDomains[0].glusterVolume: no Gluster volume named "rhvquick"',
  ],
  [
    "domain with both gluster and nfs",
    (l) => Object.assign(l.storageDomains[0], { nfs: { address: "x", path: "/x" } }),
    "lab.storageDomains[0]: needs exactly one of glusterVolume or nfs",
  ],
  [
    "domain with neither",
    (l) => delete (l.storageDomains[0] as { glusterVolume?: string }).glusterVolume,
    "lab.storageDomains[0]: needs exactly one of glusterVolume or nfs",
  ],
  [
    "domain via unknown host",
    (l) => (l.storageDomains[1].host = "hobbes"),
    'lab.storageDomains[1].host: no host named "hobbes"',
  ],
  ["unknown domain type", (l) => (l.storageDomains[1].type = "backup"), "lab.storageDomains[1].type:"],
  [
    "VM in unknown cluster",
    (l) => (l.vms[0].cluster = "nope"),
    'lab.vms[0].cluster: no cluster named "nope"',
  ],
  [
    "VM memory without unit sense",
    (l) => (l.vms[0].memory = "4 gigs"),
    'lab.vms[0].memory: is not a size like "32GiB"',
  ],
  [
    "guaranteed above memory",
    (l) => Object.assign(l.vms[0], { guaranteedMemory: "8GiB" }),
    "lab.vms[0].guaranteedMemory:",
  ],
  [
    "disk on unknown domain",
    (l) => (l.vms[0].disks[0].storageDomain = "rhvquick"),
    'lab.vms[0].disks[0].storageDomain: no storage domain named "rhvquick"',
  ],
  [
    "two bootable disks",
    (l) => l.vms[0].disks.push({ ...l.vms[0].disks[0], name: "d2" }),
    "lab.vms[0].disks: more than one bootable disk",
  ],
  [
    "NIC on unknown network",
    (l) => (l.vms[0].nics[0].network = "dmz"),
    'lab.vms[0].nics[0].network: no network named "dmz"',
  ],
  [
    "bad MAC",
    (l) => Object.assign(l.vms[0].nics[0], { mac: "56:6f:zz:00:00:01" }),
    "lab.vms[0].nics[0].mac: is not a MAC address",
  ],
  ["bad run state", (l) => Object.assign(l.vms[0], { runState: "paused" }), "lab.vms[0].runState:"],
  [
    "VM name clashes with a group",
    (l) => (l.vmGroups[0].name = "ipa.lab.example.com"),
    "lab.vms[1].name: duplicate VM name",
  ],
  ["negative group count", (l) => (l.vmGroups[0].count = -1), "lab.vmGroups[0].count:"],
  [
    "group in unknown cluster",
    (l) => (l.vmGroups[0].cluster = "ocp"),
    'lab.vmGroups[0].cluster: no cluster named "ocp"',
  ],
  ["unknown lab key", (l) => Object.assign(l, { storage: [] }), 'lab: Unrecognized key: "storage"'],
  [
    "unknown host key",
    (l) => Object.assign(l.hosts[0], { rootPassword: "CANARY-root" }),
    'lab.hosts[0]: Unrecognized key: "rootPassword"',
  ],
  [
    "data center level",
    (l) => (l.dataCenter.compatibilityVersion = "four"),
    'lab.dataCenter.compatibilityVersion: is not a compatibility level like "4.4" (got "four")',
  ],
];

test.each(bad)("%s is rejected with a message naming the field", (_what, edit, expected) => {
  const problems = problemsOf(edit);
  if (!problems.some((p) => p.startsWith(expected))) {
    throw new Error(`expected a problem starting with:\n  ${expected}\ngot:\n  ${problems.join("\n  ")}`);
  }
  expect(problems.join("\n")).not.toContain("CANARY");
});

test("there are at least 30 distinct bad configurations", () => {
  expect(new Set(bad.map(([what]) => what)).size).toBeGreaterThanOrEqual(30);
});
