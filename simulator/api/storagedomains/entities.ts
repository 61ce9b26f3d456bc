// What detaching a data domain from its data center takes out of the engine's database
// (DetachStorageDomainFromPool -> StorageDomainCommandBase.detachStorageDomainWithEntities and the
// Remove_Entities_From_storage_domain procedure), and the check before it
// (canDetachStorageDomainWithVmsAndDisks):
// - disks whose only domain is this one are removed (their attachments with them);
// - VMs with disks here and none on another domain are removed with their NICs (MACs go back to the
//   pool) and disk attachments; VMs that also have disks on another domain stay, without the disks
//   of this domain;
// - templates with disks only here are removed, with the VMs based on them;
// - delete-protected VMs/templates that would be removed refuse the detach.
// Nothing on storage changes: the images and the VMs' OVFs stay in the domain, which is how another
// engine importing the domain finds them (GET /storagedomains/{sd}/vms?unregistered=true).
import type { EngineContext } from "../../context";
import { fail } from "../common/messages";
import type { Disk } from "../disks/model";
import type { Template } from "../templates/model";
import type { DiskAttachment, Vm, VmNic } from "../vms/model";
import type { StorageDomain } from "./model";

interface Plan {
  disks: Disk[];
  vms: Vm[];
  /** VMs that keep living (disks on another domain too) and lose their attachments here. */
  keptVms: Vm[];
  templates: Template[];
}

function attachmentsOfVm(engine: EngineContext, vmId: string): DiskAttachment[] {
  return engine.store.listOfVm<DiskAttachment>("disk_attachment", vmId);
}

function plan(engine: EngineContext, sd: StorageDomain): Plan {
  const onlyHere = engine.store.list<Disk>(
    "disk",
    (d) => d.storage_domains.some((s) => s.id === sd.id) && d.storage_domains.every((s) => s.id === sd.id),
  );
  const onlyHereIds = new Set(onlyHere.map((d) => d.id));
  const vmIds = new Set(
    onlyHere
      .map((d) => engine.store.get<DiskAttachment>("disk_attachment", d.id)?.vm.id)
      .filter((id): id is string => id !== undefined),
  );
  const vms: Vm[] = [];
  const keptVms: Vm[] = [];
  for (const id of vmIds) {
    const vm = engine.store.get<Vm>("vm", id);
    if (!vm) continue;
    const elsewhere = attachmentsOfVm(engine, id).some((a) => !onlyHereIds.has(a.disk.id));
    (elsewhere ? keptVms : vms).push(vm);
  }
  const templateIds = new Set(onlyHere.map((d) => d.template?.id).filter((t): t is string => !!t));
  const templates = [...templateIds]
    .filter((tid) =>
      engine.store.list<Disk>("disk", (d) => d.template?.id === tid).every((d) => onlyHereIds.has(d.id)),
    )
    .map((tid) => engine.store.get<Template>("template", tid))
    .filter((t): t is Template => t !== undefined);
  // VMs based on a removed template go with it.
  for (const t of templates) {
    for (const vm of engine.store.list<Vm>("vm", (v) => v.template.id === t.id)) {
      if (!vms.some((v) => v.id === vm.id)) vms.push(vm);
      const k = keptVms.findIndex((v) => v.id === vm.id);
      if (k >= 0) keptVms.splice(k, 1);
    }
  }
  return { disks: onlyHere, vms, keptVms, templates };
}

/** canDetachStorageDomainWithVmsAndDisks (data domains only). */
export function validateDetachEntities(engine: EngineContext, sd: StorageDomain): void {
  if (sd.type !== "data") return;
  const p = plan(engine, sd);
  const protectedNames = [
    ...p.vms.filter((v) => v.delete_protected).map((v) => v.name),
    ...p.templates.filter((t) => (t as { delete_protected?: boolean }).delete_protected).map((t) => t.name),
  ];
  if (protectedNames.length > 0)
    throw fail("detach", "Storage", "ACTION_TYPE_FAILED_STORAGE_DELETE_PROTECTED", {
      vms: protectedNames.join(","),
    });
}

/** Removes the domain's VMs, templates and disks from the store (never from storage). */
export function removeDomainEntities(
  engine: EngineContext,
  sd: StorageDomain,
): { vms: number; templates: number; disks: number } {
  if (sd.type !== "data") return { vms: 0, templates: 0, disks: 0 };
  const p = plan(engine, sd);
  const diskIds = new Set(p.disks.map((d) => d.id));
  for (const vm of p.vms) {
    for (const n of engine.store.listOfVm<VmNic>("vm_nic", vm.id)) engine.store.remove("vm_nic", n.id);
    for (const a of attachmentsOfVm(engine, vm.id)) engine.store.remove("disk_attachment", a.id);
    if (engine.store.get("vm_cdrom", vm.id)) engine.store.remove("vm_cdrom", vm.id);
    engine.store.remove("vm", vm.id);
  }
  for (const vm of p.keptVms) {
    for (const a of attachmentsOfVm(engine, vm.id)) {
      if (diskIds.has(a.disk.id)) engine.store.remove("disk_attachment", a.id);
    }
  }
  for (const t of p.templates) engine.store.remove("template", t.id);
  for (const d of p.disks) {
    if (engine.store.get<DiskAttachment>("disk_attachment", d.id))
      engine.store.remove("disk_attachment", d.id);
    engine.store.remove("disk", d.id);
  }
  return { vms: p.vms.length, templates: p.templates.length, disks: p.disks.length };
}
