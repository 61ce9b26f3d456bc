// VM definitions in the storage domains' OVF stores (`master/vms/<vm id>.ovf`, see storage.ts), so a
// domain imported into another engine brings its VMs along (GET /storagedomains/{sd}/vms?unregistered
// and register). The document is an OVF envelope with the engine's usual sections (References,
// DiskSection, the VirtualSystem with name, memory, CPU and NICs) and, for an exact read back, the
// definition as JSON in an `ovirt-lab:Definition` element.
//
// When: the real engine refreshes OVF stores every OvfUpdateIntervalInMinutes (60) and on
// updateovfstore / domain deactivation. This engine writes at once: when a disk of the VM becomes ok,
// on every VM update, NIC or disk-attachment change, and when the VM goes down (shutdown/stop), and
// removes the file when the VM is removed. Diskless VMs live on no domain, so they have no OVF.
// Templates are in the same store (`<template id>.ovf`, kind `template` in the definition): written
// when the template is ready, removed with it; GET /storagedomains/{sd}/templates?unregistered=true
// and .../templates/{id}/register read them (api/templates/register.ts).
import type { EngineContext } from "../context";
import type { Disk } from "../api/disks/model";
import type { StorageDomain } from "../api/storagedomains/model";
import type { DiskAttachment, Vm, VmNic } from "../api/vms/model";
import type { Template } from "../api/templates/model";
import { domainDir, readOvfs, removeOvf, writeOvf } from "./storage";

/** What a VM's OVF carries: the VM, its NICs (with MACs), its disks and their attachments. */
export interface VmDefinition {
  vm: Vm;
  /** Names the engine resolves mappings with (registration_configuration). */
  clusterName?: string;
  nics: Array<VmNic & { vnic_profile_name?: string; network_name?: string }>;
  disks: Disk[];
  attachments: DiskAttachment[];
}

/** What a template's OVF carries: the template and its disks. */
export interface TemplateDefinition {
  kind: "template";
  template: Template;
  clusterName?: string;
  disks: Disk[];
}

const DEFINITION_RE = /<ovirt-lab:Definition><!\[CDATA\[([\s\S]*?)\]\]><\/ovirt-lab:Definition>/;

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function vmToOvf(def: VmDefinition): string {
  const { vm } = def;
  const refs = def.disks
    .map(
      (d) =>
        `    <File ovf:href="${d.id}/${d.image_id}" ovf:id="${d.image_id}" ovf:size="${d.actual_size}"/>`,
    )
    .join("\n");
  const disks = def.disks
    .map(
      (d) =>
        `    <Disk ovf:diskId="${d.image_id}" ovf:size="${Math.ceil(d.provisioned_size / 1024 ** 3)}" ` +
        `ovf:fileRef="${d.id}/${d.image_id}" ovf:format="${d.format === "cow" ? "COW" : "RAW"}" ` +
        `ovf:disk-alias="${esc(d.alias)}"/>`,
    )
    .join("\n");
  const nics = def.nics
    .map(
      (n) =>
        `      <Item><rasd:ResourceType>10</rasd:ResourceType><rasd:Name>${esc(n.name)}</rasd:Name>` +
        `<rasd:MACAddress>${n.mac.address}</rasd:MACAddress><rasd:Connection>${esc(n.network_name ?? "")}</rasd:Connection>` +
        `<rasd:OtherResourceType>${esc(n.vnic_profile_name ?? "")}</rasd:OtherResourceType></Item>`,
    )
    .join("\n");
  const t = vm.cpu.topology;
  // "]]>" cannot occur inside CDATA; JSON escapes ">" so it never does.
  const json = JSON.stringify(def).replace(/>/g, "\\u003e");
  return `<?xml version="1.0" encoding="UTF-8"?>
<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:ovirt-lab="urn:ovirt-lab:ovf" ovf:version="4.4.0.0">
  <References>
${refs}
  </References>
  <Section xsi:type="ovf:DiskSection_Type" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
${disks}
  </Section>
  <Content ovf:id="out" xsi:type="ovf:VirtualSystem_Type" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <Name>${esc(vm.name)}</Name>
    <TemplateId>${vm.template.id}</TemplateId>
    <ClusterName>${esc(def.clusterName ?? "")}</ClusterName>
    <Section xsi:type="ovf:VirtualHardwareSection_Type">
      <Item><rasd:ResourceType>3</rasd:ResourceType><rasd:num_of_sockets>${t.sockets}</rasd:num_of_sockets><rasd:cpu_per_socket>${t.cores}</rasd:cpu_per_socket><rasd:threads_per_cpu>${t.threads}</rasd:threads_per_cpu></Item>
      <Item><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>${Math.floor(vm.memory / 1048576)}</rasd:VirtualQuantity></Item>
${nics}
    </Section>
  </Content>
  <ovirt-lab:Definition><![CDATA[${json}]]></ovirt-lab:Definition>
</ovf:Envelope>
`;
}

/** A template's OVF: the same envelope, with the template's own id as TemplateId. */
export function templateToOvf(def: TemplateDefinition): string {
  const { template: t } = def;
  const refs = def.disks
    .map(
      (d) =>
        `    <File ovf:href="${d.id}/${d.image_id}" ovf:id="${d.image_id}" ovf:size="${d.actual_size}"/>`,
    )
    .join("\n");
  const json = JSON.stringify(def).replace(/>/g, "\\u003e");
  return `<?xml version="1.0" encoding="UTF-8"?>
<ovf:Envelope xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1/" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:ovirt-lab="urn:ovirt-lab:ovf" ovf:version="4.4.0.0">
  <References>
${refs}
  </References>
  <Content ovf:id="out" xsi:type="ovf:VirtualSystemTemplate_Type" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <Name>${esc(t.name)}</Name>
    <TemplateId>${t.id}</TemplateId>
    <ClusterName>${esc(def.clusterName ?? "")}</ClusterName>
  </Content>
  <ovirt-lab:Definition><![CDATA[${json}]]></ovirt-lab:Definition>
</ovf:Envelope>
`;
}

function parseDefinition(ovf: string): VmDefinition | TemplateDefinition | undefined {
  const m = DEFINITION_RE.exec(ovf);
  if (!m) return undefined;
  try {
    return JSON.parse(m[1]) as VmDefinition | TemplateDefinition;
  } catch {
    return undefined;
  }
}

const isTemplate = (d: VmDefinition | TemplateDefinition): d is TemplateDefinition =>
  (d as { kind?: string }).kind === "template";

export function ovfToDefinition(ovf: string): VmDefinition | undefined {
  const d = parseDefinition(ovf);
  return d && !isTemplate(d) ? d : undefined;
}

function domainDirOf(engine: EngineContext, sdId: string): string | undefined {
  const sd = engine.store.get<StorageDomain>("storage_domain", sdId);
  return sd?.connection ? domainDir(engine.dataPlane, { connection: sd.connection }, sd.id) : undefined;
}

/** The current definition of a VM from the store. */
export function vmDefinition(engine: EngineContext, vmId: string): VmDefinition | undefined {
  const vm = engine.store.get<Vm>("vm", vmId);
  if (!vm) return undefined;
  const attachments = engine.store.listOfVm<DiskAttachment>("disk_attachment", vmId);
  const disks = attachments
    .map((a) => engine.store.get<Disk>("disk", a.disk.id))
    .filter((d): d is Disk => d !== undefined);
  const nics = engine.store.listOfVm<VmNic>("vm_nic", vmId).map((n) => {
    const profile = n.vnic_profile
      ? engine.store.get<{ id: string; name: string; network?: { id: string } }>(
          "vnic_profile",
          n.vnic_profile.id,
        )
      : undefined;
    const network = profile?.network
      ? engine.store.get<{ id: string; name: string }>("network", profile.network.id)
      : undefined;
    return { ...n, vnic_profile_name: profile?.name, network_name: network?.name };
  });
  const clusterName = engine.store.get<{ id: string; name: string }>("cluster", vm.cluster.id)?.name;
  return { vm, clusterName, nics, disks, attachments };
}

/** Writes the VM's OVF into every domain holding one of its disks (and drops it from the others). */
export function writeVmOvf(engine: EngineContext, vmId: string): void {
  const def = vmDefinition(engine, vmId);
  if (!def) return;
  const domains = new Set(def.disks.flatMap((d) => d.storage_domains.map((s) => s.id)));
  const ovf = vmToOvf(def);
  for (const sdId of domains) {
    const dir = domainDirOf(engine, sdId);
    if (dir) writeOvf(dir, vmId, ovf);
  }
}

/** Removes the VM's OVF from every domain this engine knows. */
export function removeVmOvf(engine: EngineContext, vmId: string): void {
  for (const sd of engine.store.list<StorageDomain>("storage_domain")) {
    const dir = domainDirOf(engine, sd.id);
    if (dir) removeOvf(dir, vmId);
  }
}

/** The VM definitions in a domain's OVF store. */
export function ovfDefinitions(engine: EngineContext, sdId: string): VmDefinition[] {
  const dir = domainDirOf(engine, sdId);
  if (!dir) return [];
  return [...readOvfs(dir).values()].map(ovfToDefinition).filter((d): d is VmDefinition => d !== undefined);
}

/** The current definition of a template from the store (its disks are those copied for it). */
export function templateDefinition(
  engine: EngineContext,
  templateId: string,
): TemplateDefinition | undefined {
  const template = engine.store.get<Template>("template", templateId);
  if (!template) return undefined;
  const disks = engine.store.list<Disk>("disk", (d) => d.template?.id === templateId);
  const clusterName = template.cluster
    ? engine.store.get<{ id: string; name: string }>("cluster", template.cluster.id)?.name
    : undefined;
  return { kind: "template", template, clusterName, disks };
}

/** Writes the template's OVF into every domain holding one of its disks. */
export function writeTemplateOvf(engine: EngineContext, templateId: string): void {
  const def = templateDefinition(engine, templateId);
  if (!def) return;
  const ovf = templateToOvf(def);
  for (const sdId of new Set(def.disks.flatMap((d) => d.storage_domains.map((s) => s.id)))) {
    const dir = domainDirOf(engine, sdId);
    if (dir) writeOvf(dir, templateId, ovf);
  }
}

/** The template definitions in a domain's OVF store. */
export function templateOvfDefinitions(engine: EngineContext, sdId: string): TemplateDefinition[] {
  const dir = domainDirOf(engine, sdId);
  if (!dir) return [];
  return [...readOvfs(dir).values()]
    .map(parseDefinition)
    .filter((d): d is TemplateDefinition => d !== undefined && isTemplate(d));
}
