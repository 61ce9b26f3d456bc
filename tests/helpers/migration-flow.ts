// The seed post's 4.3 lab moved to a 4.4 engine through the real Pulumi CLI, the way
// docs/migration.md tells an admin to do it: discover -> adopt (no write to 4.3) -> first hosts ->
// every storage domain with its VMs -> the other hosts -> levels raised -> legacy retired. At the end
// the 4.4 engine holds every host, domain and VM the 4.3 engine had (names, sizes, NICs, MACs), the
// VMs that were up are up, every disk image is byte for byte what it was, the 4.3 engine holds no host
// and no storage domain, and a further `up` and a `refresh` change nothing.
// Run on the embedded data plane (tests/e2e/migration.test.ts) and on the real testbed
// (tests/testbed/migration-real.test.ts): what differs is where disk images are checksummed.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import type { EngineProcess } from "../../testbed/engine-process";
import { getJson, list, writesSince } from "./engine-api";
import { names, type MoveLab, type Obj } from "../../testbed/migration-lab";

/** Where the move's disk images are read: sha256 by a stable key, and the sha256 of one key's file. */
export interface ImageProbe {
  /** Every disk image's sha256, by a key that names it (its path on storage). */
  fingerprints(): Record<string, string>;
  /** The sha256 of the image file under `key` (a key fingerprints() returned). */
  sha256Of(key: string): string;
}

/** What must survive a move of `vm`, read from `engine` without the project's client. */
async function vmShape(engine: EngineProcess, vm: Obj): Promise<string[]> {
  const id = String(vm.id);
  const topology = (vm.cpu as { topology?: Obj } | undefined)?.topology ?? {};
  const disks: string[] = [];
  for (const a of await list(engine, `vms/${id}/diskattachments`, "disk_attachment")) {
    const disk = (await getJson<Obj>(engine, `disks/${String((a.disk as Obj).id)}`))!;
    const sd = ((disk.storage_domains as { storage_domain?: Obj[] } | undefined)?.storage_domain ?? [])[0];
    const domain = sd ? (await getJson<Obj>(engine, `storagedomains/${String(sd.id)}`))?.name : undefined;
    disks.push(`disk ${String(disk.alias)} ${String(disk.provisioned_size)} on ${String(domain)}`);
  }
  const nics = (await list(engine, `vms/${id}/nics`, "nic")).map(
    (n) => `nic ${String(n.name)} ${String((n.mac as Obj).address)}`,
  );
  return [
    `memory ${String(vm.memory)}`,
    `cpu ${String(topology.sockets)}x${String(topology.cores)}x${String(topology.threads)}`,
    ...disks.sort(),
    ...nics.sort(),
  ];
}

/** What a preview plans, as "op Kind:name" with the legacy lab's resources marked "(legacy)". */
async function preview(m: MoveLab): Promise<string[]> {
  const plan: string[] = [];
  await m.t.stack.preview({
    onEvent: (e) => {
      const meta = e.resourcePreEvent?.metadata;
      if (!meta || meta.type.startsWith("pulumi:") || meta.op === "same") return;
      const [, types, name] =
        /::([^:]*(?::[^:]+)*?)::([^:]+)$/.exec(meta.urn.replace(/^urn:pulumi:[^:]+::[^:]+/, "")) ?? [];
      const legacyLab = (types ?? meta.urn).includes("index:LegacyLab") ? " (legacy)" : "";
      plan.push(
        `${meta.op} ${meta.type.slice(meta.type.lastIndexOf(":") + 1)}:${name ?? meta.urn}${legacyLab}`,
      );
    },
  });
  return plan.sort();
}

async function up(m: MoveLab, what: string) {
  const r = await m.t.stack.up().catch((err: Error) => {
    throw new Error(`${what}: pulumi up failed: ${err.message.slice(-3000)}`);
  });
  return { summary: r.summary, stdout: r.stdout };
}

/** Runs the whole move on `m`, asserting every step; images are checksummed through `probe`. */
export async function runSeedLabMove(m: MoveLab, probe: ImageProbe): Promise<void> {
  const { legacy, target, t } = m;
  const before = probe.fingerprints();
  expect(Object.keys(before).length).toBeGreaterThan(10);
  const vms43 = await list(legacy, "vms", "vm");
  const shape43: Record<string, string[]> = {};
  for (const vm of vms43) shape43[String(vm.name)] = await vmShape(legacy, vm);
  const wasUp = vms43
    .filter((v) => v.status === "up")
    .map((v) => String(v.name))
    .sort();
  expect(wasUp.length).toBeGreaterThan(3);

  // 1. discover: the legacy inventory into the stack file, comments kept.
  m.discover();
  const discovered = m.legacyLab();
  expect(names(discovered.hosts!)).toEqual(["calvin", "dogbert", "rhvnode3", "rhvnode4", "rhvnode5"]);

  // 2. adopt: every legacy object tracked, not one write request to the 4.3 engine.
  const mark = legacy.requests().length;
  const adopted = await up(m, "adopt");
  expect(writesSince(legacy, mark)).toEqual([]);
  expect(adopted.summary.result).toBe("succeeded");
  const again = await up(m, "after adopt");
  expect(Object.keys(again.summary.resourceChanges ?? {})).toEqual(["same"]);

  // The target lab needs the Gluster volumes the moved domains are on (they exist: not managed).
  const gluster = discovered.gluster as Obj;

  // 3. The first hosts: one per cluster, so each cluster has somewhere to run its VMs.
  await m.setHostSecrets(["calvin", "rhvnode5"]);
  t.setLab({ ...m.lab(), gluster, hosts: [m.movedHost("calvin"), m.movedHost("rhvnode5")] });
  const hostPlan = await preview(m);
  expect(hostPlan).toEqual(
    expect.arrayContaining([
      "create Step:calvin-evacuate",
      "create Step:calvin-maintenance",
      "create Step:calvin-remove",
      "create Step:calvin-reprovision",
      "create Host:calvin",
      "delete Host:calvin (legacy)",
      "create Step:rhvnode5-reprovision",
    ]),
  );
  // Nothing else of the legacy lab changes.
  expect(hostPlan.filter((p) => p.endsWith("(legacy)"))).toEqual([
    "delete Host:calvin (legacy)",
    "delete Host:rhvnode5 (legacy)",
  ]);
  await up(m, "first hosts");
  const hosts44 = await list(target, "hosts", "host");
  expect(names(hosts44)).toEqual(["calvin", "rhvnode5"]);
  expect(hosts44.every((h) => h.status === "up")).toBe(true);
  expect(names(await list(legacy, "hosts", "host"))).toEqual(["dogbert", "rhvnode3", "rhvnode4"]);
  // Their VMs were migrated, not stopped.
  const stillUp = (await list(legacy, "vms", "vm"))
    .filter((v) => v.status === "up")
    .map((v) => String(v.name));
  expect(stillUp.sort()).toEqual(wasUp);

  // 4. Every storage domain, with its VMs: ISO and export first, then the data domains.
  // The VMs on them come along: each listed here too, with move set (copied from the legacy block).
  const { storageDomains, vms: movedVms } = m.movedStorage("calvin");
  t.setLab({ ...m.lab(), storageDomains, vms: movedVms.slice(1) });
  // A VM left out of the edit is a config error naming it, before any request.
  const mark2 = legacy.requests().length;
  await expect(preview(m)).rejects.toThrow(
    `legacy VM "${String(movedVms[0].name)}" (legacy.vms[0]) has disks on`,
  );
  expect(writesSince(legacy, mark2)).toEqual([]);
  t.setLab({ ...m.lab(), vms: movedVms });
  const domainPlan = await preview(m);
  expect(domainPlan).toEqual(
    expect.arrayContaining([
      "create Step:rhv4vol_data-stop-vms",
      "create Step:rhv4vol_data-maintenance",
      "create Step:rhv4vol_data-detach",
      "create Step:rhv4vol_data-remove",
      "create StorageDomain:rhv4vol_data",
      "delete StorageDomain:rhv4vol_data (legacy)",
      "create Vm:ipa",
      "delete Vm:ipa (legacy)",
    ]),
  );
  await up(m, "storage domains");
  expect(await list(legacy, "storagedomains", "storage_domain")).toEqual([]);
  expect(await list(legacy, "vms", "vm")).toEqual([]);
  const vms44 = await list(target, "vms", "vm");
  expect(names(vms44)).toEqual(names(vms43));
  expect(
    vms44
      .filter((v) => v.status === "up")
      .map((v) => String(v.name))
      .sort(),
  ).toEqual(wasUp);
  // Each VM as it was: memory, CPUs, disks (alias, provisioned size, domain), NICs and MACs.
  for (const vm of vms44) {
    expect([String(vm.name), ...(await vmShape(target, vm))]).toEqual([
      String(vm.name),
      ...shape43[String(vm.name)],
    ]);
  }

  // 5. The other hosts.
  await m.setHostSecrets(["dogbert", "rhvnode3", "rhvnode4"]);
  t.setLab({
    ...m.lab(),
    hosts: [...m.lab().hosts!, m.movedHost("dogbert"), m.movedHost("rhvnode3"), m.movedHost("rhvnode4")],
  });
  await up(m, "other hosts");
  expect(await list(legacy, "hosts", "host")).toEqual([]);
  expect(names(await list(target, "hosts", "host"))).toEqual([
    "calvin",
    "dogbert",
    "rhvnode3",
    "rhvnode4",
    "rhvnode5",
  ]);

  // 6. Levels. The data center first is refused by the engine, with its text, and nothing changes.
  t.setLab({ ...m.lab(), dataCenter: { ...m.lab().dataCenter, compatibilityVersion: "4.4" } });
  // The engine lists the clusters in its store's order.
  await expect(up(m, "data center too early")).rejects.toThrow(
    /Cannot update Data Center compatibility version to a value that is greater than its cluster's version\. The following clusters should be upgraded: (ocpcluster,oVirt_Cluster|oVirt_Cluster,ocpcluster)\./,
  );
  // The clusters (every host in them runs EL8 now), then the data center.
  t.setLab({
    ...m.lab(),
    dataCenter: { ...m.lab().dataCenter, compatibilityVersion: "4.3" },
    clusters: m.lab().clusters!.map((c) => ({ ...c, compatibilityVersion: "4.4" })),
  });
  const levels = await up(m, "cluster levels");
  // The running VMs take the new level at their next boot: the up names them.
  expect(levels.stdout).toMatch(
    /cluster "ocpcluster" is at level 4\.4 now; these running VMs take it at their next boot and need a restart: [a-z0-9-]+/,
  );
  t.setLab({ ...m.lab(), dataCenter: { ...m.lab().dataCenter, compatibilityVersion: "4.4" } });
  await up(m, "data center level");
  const clusters44 = await list(target, "clusters", "cluster");
  for (const c of clusters44.filter((x) => x.name !== "Default"))
    expect([c.name, String((c.version as Obj).minor)]).toEqual([c.name, "4"]);
  const dcs44 = await list(target, "datacenters", "data_center");
  expect(dcs44.filter((d) => d.name === "oVirt_DC").map((d) => String((d.version as Obj).minor))).toEqual([
    "4",
  ]);

  // ISO images on a 4.4 data domain, and a VM booting from one (issue 10).
  const iso = path.join(m.dataPlane, "tools.iso");
  fs.writeFileSync(iso, crypto.randomBytes(4 * 2 ** 20));
  t.setLab({
    ...m.lab(),
    isoImages: [{ name: "tools.iso", source: iso, storageDomain: "rhvquick_data" }],
    vms: m.lab().vms!.map((v) => (v.name === "fedora-ws" ? { ...v, cdrom: "tools.iso" } : v)),
  });
  await up(m, "ISO image");
  const isoDisk = (await list(target, "disks", "disk")).find((d) => d.alias === "tools.iso");
  expect([isoDisk?.content_type, isoDisk?.status]).toEqual(["iso", "ok"]);
  const fedora = (await list(target, "vms", "vm")).find((v) => v.name === "fedora-ws")!;
  const cdroms = await list(target, `vms/${String(fedora.id)}/cdroms`, "cdrom");
  expect(cdroms.map((c) => (c.file as Obj | undefined)?.id)).toEqual([isoDisk?.id]);

  // 7. Retire: the legacy block goes; what is left on 4.3 is removed.
  const doc = YAML.parseDocument(fs.readFileSync(t.configFile, "utf8"));
  doc.deleteIn(["config", "ovirt-lab:legacy"]);
  fs.writeFileSync(t.configFile, doc.toString());
  await up(m, "retire");
  expect(await list(legacy, "hosts", "host")).toEqual([]);
  expect(await list(legacy, "storagedomains", "storage_domain")).toEqual([]);
  expect(names(await list(legacy, "datacenters", "data_center"))).toEqual(["Default"]);

  // Nothing lost on storage, and the stack is settled.
  const after = probe.fingerprints();
  expect(Object.fromEntries(Object.keys(before).map((k) => [k, after[k]]))).toEqual(before);
  // The one new image is the ISO, byte for byte the source.
  const added = Object.keys(after).filter((k) => !(k in before));
  expect(added).toHaveLength(1);
  const sha = (file: string) => crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  expect(probe.sha256Of(added[0])).toBe(sha(iso));
  const settled = await up(m, "settled");
  expect(Object.keys(settled.summary.resourceChanges ?? {})).toEqual(["same"]);
  const refreshed = await t.stack.refresh();
  expect(Object.keys(refreshed.summary.resourceChanges ?? {})).toEqual(["same"]);
}
