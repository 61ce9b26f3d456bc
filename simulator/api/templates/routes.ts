// /templates: list and get (with Blank), add from a VM (the VM is image_locked and the template
// locked while the engine copies, then ok), remove.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { mandatory, mandatoryEither } from "../../http/faults";
import { SETUP_IDS } from "../../setup";
import type { ApiRequest, Area } from "../context";
import type { Cluster } from "../clusters/model";
import { readEntity } from "../common/input";
import { resolveRef } from "../common/lookup";
import { fail } from "../common/messages";
import { nameTaken } from "../common/lookup";
import { listWithSearch } from "../common/search";
import { collectionAnswer, createdAnswer, entityAnswer, findByPathId, performedAnswer } from "../respond";
import type { Disk } from "../disks/model";
import { copyDisk, deleteDisk } from "../disks/routes";
import type { DiskAttachment, Vm } from "../vms/model";
import { removeVmOvf, writeTemplateOvf } from "../../dataplane/ovf";
import { presentTemplate, TEMPLATE, templateSearch, type Template } from "./model";
import { getDomainTemplate, listDomainTemplates, registerDomainTemplate } from "./register";

export const TEMPLATE_CREATE_MS = 5000;
const TEMPLATE_READY_TIMER = "template.ready";

function registerTimers(engine: EngineContext): void {
  engine.scheduler.on(TEMPLATE_READY_TIMER, (payload) => {
    const { id, vmId } = payload as { id: string; vmId: string };
    const t = engine.store.get<Template>("template", id);
    if (t && t.status === "locked") {
      engine.store.update("template", { ...t, status: "ok" });
      // The template's definition goes into its disks' OVF stores (dataplane/ovf.ts).
      writeTemplateOvf(engine, id);
    }
    const vm = engine.store.get<Vm>("vm", vmId);
    if (vm && vm.status === "image_locked") engine.store.update("vm", { ...vm, status: "down" });
  });
}

function list(engine: EngineContext, req: ApiRequest) {
  const clusterName = (id: string) => engine.store.get<Cluster>("cluster", id)?.name;
  const all = engine.store.list<Template>("template");
  const found = listWithSearch(all, req.ctx.query, templateSearch(clusterName), (t) => t.name);
  return collectionAnswer(TEMPLATE, found.map(presentTemplate), req.ctx);
}

function get(engine: EngineContext, req: ApiRequest) {
  const t = findByPathId<Template>(engine.store, "template", req.params.id);
  return entityAnswer(TEMPLATE, presentTemplate(t), req.ctx);
}

function add(engine: EngineContext, req: ApiRequest) {
  const raw = readEntity(req, TEMPLATE, "templates/methods/add");
  if (!raw) throw mandatory("template");
  if (raw.name === undefined) throw mandatory("template.name");
  const vmRef = raw.vm as { id?: string; name?: string } | undefined;
  if (!vmRef || (vmRef.id === undefined && vmRef.name === undefined))
    throw mandatoryEither("template.vm.id", "template.vm.name");
  const vm = resolveRef<Vm>(engine.store, "vm", "VM", vmRef);
  const name = raw.name as string;
  if (nameTaken(engine.store, "template", name, { caseSensitive: false }))
    throw fail("add", "Template", "ACTION_TYPE_FAILED_NAME_ALREADY_USED");
  if (vm.status === "image_locked") throw fail("add", "Template", "ACTION_TYPE_FAILED_VM_IS_LOCKED");
  if (vm.status !== "down") throw fail("add", "Template", "VMT_CANNOT_CREATE_TEMPLATE_FROM_DOWN_VM");
  const id = crypto.randomUUID();
  const t: Template = {
    id,
    name,
    description: (raw.description as string | undefined) ?? "",
    comment: (raw.comment as string | undefined) ?? "",
    status: "locked",
    creation_time: Date.now(),
    cluster: { id: vm.cluster.id },
    vm: { id: vm.id },
    memory: vm.memory,
    memory_policy: vm.memory_policy,
    cpu: vm.cpu,
    cpu_shares: vm.cpu_shares,
    os: vm.os,
    bios: vm.bios,
    type: vm.type,
    high_availability: vm.high_availability,
    version: { version_number: 1, base_template: { id } },
  };
  engine.store.transaction(() => {
    engine.store.insert("template", t);
    engine.store.update("vm", { ...vm, status: "image_locked" });
    // The template gets a copy of each of the VM's disks (CreateImageTemplate).
    for (const a of engine.store.list<DiskAttachment>("disk_attachment", (x) => x.vm.id === vm.id)) {
      const src = engine.store.get<Disk>("disk", a.disk.id);
      if (src) copyDisk(engine, src, { template: { id, interface: a.interface, bootable: a.bootable } });
    }
  });
  engine.scheduler.after(TEMPLATE_READY_TIMER, TEMPLATE_CREATE_MS, { id, vmId: vm.id });
  return createdAnswer(TEMPLATE, presentTemplate(t), req.ctx);
}

function remove(engine: EngineContext, req: ApiRequest) {
  const t = findByPathId<Template>(engine.store, "template", req.params.id);
  if (t.id === SETUP_IDS.blankTemplate) throw fail("remove", "Template", "VMT_CANNOT_REMOVE_BLANK_TEMPLATE");
  if (t.status === "locked") throw fail("remove", "Template", "ACTION_TYPE_FAILED_TEMPLATE_IS_LOCKED");
  const derived = engine.store.list<Vm>("vm", (v) => v.template.id === t.id);
  if (derived.length > 0)
    throw fail("remove", "Template", "VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM", {
      vmsList: derived.map((v) => v.name).join(", "),
    });
  engine.store.transaction(() => {
    for (const d of engine.store.list<Disk>("disk", (x) => x.template?.id === t.id)) deleteDisk(engine, d);
    engine.store.remove("template", t.id);
  });
  removeVmOvf(engine, t.id);
  return performedAnswer(req.ctx);
}

export const templateRoutes: Area = (engine) => {
  registerTimers(engine);
  return [
    { method: "GET", path: "/templates", handle: (req) => list(engine, req) },
    { method: "POST", path: "/templates", handle: (req) => add(engine, req) },
    { method: "GET", path: "/templates/:id", handle: (req) => get(engine, req) },
    { method: "DELETE", path: "/templates/:id", handle: (req) => remove(engine, req) },
    {
      method: "GET",
      path: "/storagedomains/:id/templates",
      handle: (req) => listDomainTemplates(engine, req),
    },
    {
      method: "GET",
      path: "/storagedomains/:id/templates/:sub",
      handle: (req) => getDomainTemplate(engine, req),
    },
    {
      method: "POST",
      path: "/storagedomains/:id/templates/:sub/register",
      handle: (req) => registerDomainTemplate(engine, req),
    },
  ];
};
