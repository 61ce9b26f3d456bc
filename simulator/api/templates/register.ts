// The templates of a storage domain: GET /storagedomains/{sd}/templates (the templates with disks
// there) and, with ?unregistered=true, the templates in its OVF store this engine does not have (a
// domain imported from another engine); POST /storagedomains/{sd}/templates/{id}/register recreates
// such a template with the same id, name and disks (BackendStorageDomainTemplateResource.register ->
// ImportVmTemplateFromConfiguration), in the action's `cluster`, or the cluster its
// `registration_configuration` maps the source cluster to, or a cluster of the source cluster's name.
// Validation in ImportVmTemplateCommandBase's order: the id already used by a template or VM
// (VMT_CANNOT_IMPORT_TEMPLATE_EXISTS), the name used by a template (VM_CANNOT_IMPORT_TEMPLATE_NAME_EXISTS);
// job ImportVmTemplateFromConfiguration, event TEMPLATE_IMPORT_FROM_CONFIGURATION_SUCCESS (180).
import type { EngineContext } from "../../context";
import { templateOvfDefinitions, writeTemplateOvf, type TemplateDefinition } from "../../dataplane/ovf";
import { entityNotFound, notFound, syntaxFault } from "../../http/faults";
import { BodyShapeError, parseBody } from "../../repr/decode";
import type { Cluster } from "../clusters/model";
import type { Answer, ApiRequest } from "../context";
import { fail } from "../common/messages";
import { booleanParam } from "../common/search";
import type { Disk } from "../disks/model";
import { recordEvent } from "../events/record";
import { performAction } from "../jobs/command";
import { jobText } from "../jobs/record";
import { collectionAnswer, entityAnswer, findByPathId, pathId } from "../respond";
import type { StorageDomain } from "../storagedomains/model";
import { obj, refOf, text } from "../vms/register";
import type { Vm } from "../vms/model";
import { presentTemplate, TEMPLATE, type Template } from "./model";

type Obj = Record<string, unknown>;

function domainOf(engine: EngineContext, rawId: string): StorageDomain {
  return findByPathId<StorageDomain>(engine.store, "storage_domain", rawId);
}

function path(sd: StorageDomain): string {
  return `storagedomains/${sd.id}/templates`;
}

/** A template as read from an OVF: ok, whatever it was while being written. */
function fromOvf(def: TemplateDefinition): Template {
  return { ...def.template, status: "ok" };
}

export function listDomainTemplates(engine: EngineContext, req: ApiRequest): Answer {
  const sd = domainOf(engine, req.params.id);
  if (booleanParam(req.ctx.query.unregistered)) {
    const found = templateOvfDefinitions(engine, sd.id)
      .filter((d) => !engine.store.get<Template>("template", d.template.id))
      .map((d) => presentTemplate(fromOvf(d)));
    return collectionAnswer(TEMPLATE, found, req.ctx, path(sd));
  }
  const ids = new Set(
    engine.store
      .list<Disk>("disk", (d) => !!d.template && d.storage_domains.some((s) => s.id === sd.id))
      .map((d) => d.template!.id),
  );
  const found = [...ids]
    .map((id) => engine.store.get<Template>("template", id))
    .filter((t): t is Template => t !== undefined)
    .map(presentTemplate);
  return collectionAnswer(TEMPLATE, found, req.ctx, path(sd));
}

export function getDomainTemplate(engine: EngineContext, req: ApiRequest): Answer {
  const sd = domainOf(engine, req.params.id);
  const id = pathId(req.params.sub);
  const stored = engine.store.get<Template>("template", id);
  const def = templateOvfDefinitions(engine, sd.id).find((d) => d.template.id === id);
  const onDomain =
    stored &&
    engine.store.list<Disk>(
      "disk",
      (d) => d.template?.id === id && d.storage_domains.some((s) => s.id === sd.id),
    ).length > 0;
  if (stored && onDomain) return entityAnswer(TEMPLATE, presentTemplate(stored), req.ctx, path(sd));
  if (!def) throw notFound();
  return entityAnswer(TEMPLATE, presentTemplate(stored ?? fromOvf(def)), req.ctx, path(sd));
}

function findCluster(engine: EngineContext, ref: { id?: string; name?: string }): Cluster | undefined {
  return ref.id
    ? engine.store.get<Cluster>("cluster", ref.id.toLowerCase())
    : engine.store.list<Cluster>("cluster", (c) => c.name === ref.name)[0];
}

/** The target cluster: the action's, else the mapping of the source cluster, else its name. */
function targetRef(body: Obj, def: TemplateDefinition): { id?: string; name?: string } {
  const explicit = refOf(body.cluster);
  if (explicit?.id || explicit?.name) return explicit;
  const conf = obj(body.registration_configuration);
  const wrapper = obj(conf?.cluster_mappings)?.registration_cluster_mapping;
  const maps = (wrapper === undefined ? [] : Array.isArray(wrapper) ? wrapper : [wrapper]) as Obj[];
  const mapped = maps.find((m) => refOf(m.from)?.name === def.clusterName);
  return (mapped && refOf(mapped.to)) || { name: def.clusterName };
}

export function registerDomainTemplate(engine: EngineContext, req: ApiRequest): Answer {
  const sd = domainOf(engine, req.params.id);
  const id = pathId(req.params.sub);
  let body: Obj;
  try {
    body = (parseBody(req.body, req.ctx.bodyFormat, "action") as Obj | undefined) ?? {};
  } catch (err) {
    if (err instanceof BodyShapeError)
      throw syntaxFault(req.ctx.origin, "storagedomaintemplate/methods/register");
    throw err;
  }
  const def = templateOvfDefinitions(engine, sd.id).find((d) => d.template.id === id);
  if (!def) throw notFound();
  const ref = targetRef(body, def);
  const template = fromOvf(def);
  const newName = text(obj(body.template)?.name);
  if (newName && booleanParam(text(body.clone))) template.name = newName;
  let cluster: Cluster | undefined;
  return performAction(
    engine,
    req,
    {
      job: {
        description: jobText("ImportVmTemplateFromConfiguration", {
          VmTemplate: template.name,
          Cluster: findCluster(engine, ref)?.name ?? def.clusterName ?? "",
        }),
      },
    },
    () => {
      const same = engine.store.get<Vm>("vm", id) ?? engine.store.get<Template>("template", id);
      if (same)
        throw fail("import", "Template", "VMT_CANNOT_IMPORT_TEMPLATE_EXISTS", {
          TemplateOrVmName: same.name,
        });
      if (engine.store.list<Template>("template", (t) => t.name === template.name).length > 0)
        throw fail("import", "Template", "VM_CANNOT_IMPORT_TEMPLATE_NAME_EXISTS");
      cluster = findCluster(engine, ref);
      if (!cluster) throw entityNotFound(ref.id ? `Cluster: id=${ref.id}` : `Cluster: name=${ref.name}`);
    },
    () => {
      engine.store.insert("template", { ...template, cluster: { id: cluster!.id } });
      for (const d of def.disks) {
        if (!engine.store.get<Disk>("disk", d.id)) engine.store.insert("disk", { ...d, status: "ok" });
      }
      writeTemplateOvf(engine, template.id);
      recordEvent(engine, {
        type: "TEMPLATE_IMPORT_FROM_CONFIGURATION_SUCCESS",
        vars: { VmTemplateName: template.name },
        correlationId: req.ctx.correlationId,
        template: { id: template.id, name: template.name },
        cluster: { id: cluster!.id, name: cluster!.name },
        storageDomain: { id: sd.id, name: sd.name },
      });
      return {};
    },
  );
}
