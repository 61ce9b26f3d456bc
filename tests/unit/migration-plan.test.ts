// config/migration.ts: what each engine's lab declares during a move, and the mistakes it names.
import { planMigration } from "../../config/migration";
import { LabSpec } from "../../config/schema";

const vm = (name: string, ...domains: string[]) => ({
  name,
  cluster: "c1",
  memory: "1GiB",
  disks: domains.map((d, i) => ({ name: `${name}_d${i}`, size: "1GiB", storageDomain: d })),
  nics: [{ name: "nic1", network: "net1" }],
});

const base = (engine: string) => ({
  engine,
  dataCenter: { name: "dc" },
  clusters: [{ name: "c1" }],
  networks: [{ name: "net1" }],
  hosts: [
    { name: "h1", address: "h1.lab", cluster: "c1" },
    { name: "h2", address: "h2.lab", cluster: "c1" },
  ],
  storageDomains: [
    { name: "sd1", nfs: { address: "nfs.lab", path: "/sd1" }, host: "h1" },
    { name: "sd2", nfs: { address: "nfs.lab", path: "/sd2" }, host: "h1" },
  ],
});

const legacy = LabSpec.parse({
  ...base("legacy"),
  vms: [vm("a", "sd1"), vm("b", "sd2"), vm("both", "sd1", "sd2")],
});

function target(extra: { hosts?: unknown[]; storageDomains?: unknown[]; vms?: unknown[] }) {
  return LabSpec.parse({
    ...base("target"),
    hosts: extra.hosts ?? [{ name: "h1", address: "h1.lab", cluster: "c1", move: { from: "legacy" } }],
    storageDomains: extra.storageDomains ?? [],
    vms: extra.vms ?? [],
  });
}

test("a moved host is no longer declared on the legacy lab; the rest of it is", () => {
  const plan = planMigration(target({}), legacy);
  expect(plan.problems).toEqual([]);
  expect(plan.hosts.map((h) => h.name)).toEqual(["h1"]);
  expect(plan.legacy?.hosts.map((h) => h.name)).toEqual(["h2"]);
  expect(plan.legacy?.vms.map((v) => v.name)).toEqual(["a", "b", "both"]);
});

test("a moved domain needs each of its legacy VMs listed with move, and names the missing one", () => {
  const sd1 = {
    name: "sd1",
    nfs: { address: "nfs.lab", path: "/sd1" },
    host: "h1",
    move: { from: "legacy" },
  };
  const plan = planMigration(target({ storageDomains: [sd1] }), legacy);
  expect(plan.problems).toEqual([
    'lab.storageDomains[0].move: legacy VM "a" (legacy.vms[0]) has disks on sd1: list it in lab.vms with move: {from: legacy} (copy its entry), so it is registered here',
    'lab.storageDomains[0].move: legacy VM "both" (legacy.vms[2]) has disks on sd1: list it in lab.vms with move: {from: legacy} (copy its entry), so it is registered here',
    'lab.storageDomains[0].move: legacy VM "both" also has disks on sd2, which stays behind: move those domains in the same edit',
  ]);
});

test("moved domains with their VMs listed: the VMs leave the legacy lab, domains too", () => {
  const sd = (n: string) => ({
    name: n,
    nfs: { address: "nfs.lab", path: `/${n}` },
    host: "h1",
    move: { from: "legacy" },
  });
  const moved = (v: ReturnType<typeof vm>) => ({ ...v, move: { from: "legacy" } });
  const plan = planMigration(
    target({
      storageDomains: [sd("sd1"), sd("sd2")],
      vms: [moved(vm("a", "sd1")), moved(vm("b", "sd2")), moved(vm("both", "sd1", "sd2"))],
    }),
    legacy,
  );
  expect(plan.problems).toEqual([]);
  expect(plan.domains.map((d) => [d.spec.name, d.vms])).toEqual([
    ["sd1", ["a", "both"]],
    ["sd2", ["b", "both"]],
  ]);
  expect(plan.legacy?.storageDomains).toEqual([]);
  expect(plan.legacy?.vms).toEqual([]);
});

test("a VM with move whose disks are on no moving domain is named", () => {
  const sd1 = { name: "sd1", nfs: { address: "nfs.lab", path: "/sd1" }, host: "h1" };
  const plan = planMigration(
    target({ storageDomains: [sd1], vms: [{ ...vm("a", "sd1"), move: { from: "legacy" } }] }),
    legacy,
  );
  expect(plan.problems).toEqual([
    'lab.vms[0].move: VM "a" comes with its storage domain, and none of its disks is on a domain with move set here',
  ]);
});

test("move.from must be the legacy block's engine", () => {
  const plan = planMigration(
    target({ hosts: [{ name: "h1", address: "h1.lab", cluster: "c1", move: { from: "old" } }] }),
    legacy,
  );
  expect(plan.problems).toEqual([
    'lab.hosts[0].move.from: "old" is not the legacy lab\'s engine ("legacy", ovirt-lab:legacy.engine)',
  ]);
});
