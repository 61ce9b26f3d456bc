// The 4.3 -> 4.4 move as config (docs/migration.md, ADR 5): `ovirt-lab:legacy` is the legacy lab as
// `discover` wrote it; an object moves when the target lab (`ovirt-lab:lab`) lists it with
// `move.from`. This splits the two into what each engine's Lab component declares:
// - the legacy lab without the moved objects (adopted as they are, never written to);
// - the target lab, which lists every VM of a moved domain itself (`move.from`: registered, not
//   made), so nothing on the target depends on the legacy block (discover rewrites it, retiring
//   removes it).
// Problems are returned as path-named messages, like the schema's.
import type { HostSpec, LabSpec, StorageDomainSpec } from "./schema";

export interface MigrationPlan {
  /** The legacy lab minus what has moved; undefined without an `ovirt-lab:legacy` block. */
  legacy?: LabSpec;
  /** The target lab (as given). */
  target: LabSpec;
  /** Hosts of the target lab that come from another engine. */
  hosts: Array<HostSpec & { move: NonNullable<HostSpec["move"]> }>;
  /** Storage domains of the target lab that come from another engine, with their VMs' names. */
  domains: Array<{
    spec: StorageDomainSpec & { move: NonNullable<StorageDomainSpec["move"]> };
    vms: string[];
  }>;
  problems: string[];
}

const byName = <T extends { name: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.name, x]));

export function planMigration(lab: LabSpec, legacy: LabSpec | undefined): MigrationPlan {
  const problems: string[] = [];
  const hosts = lab.hosts.filter((h): h is MigrationPlan["hosts"][number] => h.move !== undefined);
  const movedDomains = lab.storageDomains.filter(
    (d): d is MigrationPlan["domains"][number]["spec"] => d.move !== undefined,
  );
  const fromOk = (from: string, path: string) => {
    if (legacy && from !== legacy.engine) {
      problems.push(
        `${path}.move.from: "${from}" is not the legacy lab's engine ("${legacy.engine}", ovirt-lab:legacy.engine)`,
      );
    }
    if (from === lab.engine) problems.push(`${path}.move.from: "${from}" is this lab's own engine`);
  };
  lab.hosts.forEach((h, i) => h.move && fromOk(h.move.from, `lab.hosts[${i}]`));
  lab.storageDomains.forEach((d, i) => d.move && fromOk(d.move.from, `lab.storageDomains[${i}]`));

  if (legacy?.isoImages.length) {
    problems.push(
      "legacy.isoImages: the legacy lab is taken over as it is; ISO images are uploaded by lab.isoImages",
    );
  }
  const domains: MigrationPlan["domains"] = [];
  const targetVms = byName(lab.vms);
  const moved = new Set(movedDomains.map((d) => d.name));

  // The target lab lists every VM that comes with a moved domain itself (move.from set): what is on
  // the target never depends on the legacy block, which discover rewrites and retiring removes.
  for (const spec of movedDomains) {
    const path = `lab.storageDomains[${lab.storageDomains.indexOf(spec)}]`;
    const vms = lab.vms.filter((vm) => vm.move && vm.disks.some((d) => d.storageDomain === spec.name));
    for (const [j, vm] of (legacy?.vms ?? []).entries()) {
      if (!vm.disks.some((d) => d.storageDomain === spec.name)) continue;
      const listed = targetVms.get(vm.name);
      if (!listed?.move) {
        problems.push(
          `${path}.move: legacy VM "${vm.name}" (legacy.vms[${j}]) has disks on ${spec.name}: list it in lab.vms ` +
            `with move: {from: ${spec.move.from}} (copy its entry), so it is registered here`,
        );
      }
      const others = [...new Set(vm.disks.map((d) => d.storageDomain).filter((d) => !moved.has(d)))];
      if (others.length) {
        problems.push(
          `${path}.move: legacy VM "${vm.name}" also has disks on ${others.join(", ")}, which ` +
            `stay${others.length > 1 ? "" : "s"} behind: move those domains in the same edit`,
        );
      }
    }
    domains.push({ spec, vms: vms.map((v) => v.name) });
  }
  lab.vms.forEach((vm, i) => {
    if (!vm.move) return;
    fromOk(vm.move.from, `lab.vms[${i}]`);
    if (!vm.disks.some((d) => moved.has(d.storageDomain))) {
      problems.push(
        `lab.vms[${i}].move: VM "${vm.name}" comes with its storage domain, and none of its disks is on a ` +
          `domain with move set here`,
      );
    }
  });

  const movedHosts = new Set(hosts.map((h) => h.name));
  const keptLegacy: LabSpec | undefined = legacy && {
    ...legacy,
    hosts: legacy.hosts.filter((h) => !movedHosts.has(h.name)),
    storageDomains: legacy.storageDomains.filter((d) => !moved.has(d.name)),
    vms: legacy.vms.filter((v) => !targetVms.get(v.name)?.move),
  };
  return {
    legacy: keptLegacy,
    target: lab,
    hosts,
    domains,
    problems,
  };
}
