// Templates: VmBase members plus status and version (model types/Template.java). The Blank template
// seeded by engine-setup holds only id/name/description; its VmBase values are the defaults below.
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity } from "../../store/entities";
import type { SearchFields } from "../common/search";
import { VM_BASE_FIELDS, type Vm } from "../vms/model";

export const TEMPLATE_STATUSES = ["illegal", "locked", "ok"] as const;

/** The VmBase members a template carries and a VM made from it copies. */
export type TemplateBase = Pick<
  Vm,
  "memory" | "memory_policy" | "cpu" | "os" | "bios" | "type" | "high_availability" | "cpu_shares"
>;

export interface Template extends Entity, Partial<TemplateBase> {
  name: string;
  description?: string;
  comment?: string;
  status?: (typeof TEMPLATE_STATUSES)[number];
  creation_time?: number;
  cluster?: { id: string };
  vm?: { id: string };
  version?: { version_number: number; version_name?: string; base_template: { id: string } };
}

const GIB = 1024 ** 3;

/** The Blank template's VmBase (vm_static defaults of engine-setup's data script). */
export const BLANK_BASE: TemplateBase = {
  memory: GIB,
  memory_policy: { guaranteed: GIB, max: 4 * GIB, ballooning: true },
  cpu: { architecture: "x86_64", topology: { sockets: 1, cores: 1, threads: 1 } },
  cpu_shares: 0,
  os: { type: "other", boot: { devices: ["hd"] } },
  bios: { type: "i440fx_sea_bios", boot_menu: { enabled: false } },
  type: "server",
  high_availability: { enabled: false, priority: 0 },
};

/** A template's VmBase with the Blank defaults under whatever it sets. */
export function templateBase(t: Template): TemplateBase {
  const pick = <K extends keyof TemplateBase>(k: K): TemplateBase[K] =>
    (t[k] as TemplateBase[K] | undefined) ?? BLANK_BASE[k];
  return {
    memory: pick("memory"),
    memory_policy: pick("memory_policy"),
    cpu: pick("cpu"),
    cpu_shares: pick("cpu_shares"),
    os: pick("os"),
    bios: pick("bios"),
    type: pick("type"),
    high_availability: pick("high_availability"),
  };
}

export const TEMPLATE: EntityType = {
  element: "template",
  plural: "templates",
  path: "templates",
  struct: struct("Template", [
    ...VM_BASE_FIELDS,
    field("status", T.enumOf("TemplateStatus", TEMPLATE_STATUSES), { readOnly: true }),
    field(
      "version",
      T.struct(
        struct("TemplateVersion", [
          field("version_name", T.string),
          field("version_number", T.int),
          field("base_template", T.ref("templates")),
        ]),
      ),
      { readOnly: true },
    ),
    field("vm", T.ref("vms")),
  ]),
  links: ["diskattachments", "graphicsconsoles", "cdroms", "nics", "permissions", "tags", "watchdogs"],
  actions: { model43: ["export"], model44: ["export"] },
};

export function templateSearch(clusterName: (id: string) => string | undefined): SearchFields<Template> {
  return {
    name: (t) => t.name,
    description: (t) => t.description,
    comment: (t) => t.comment,
    status: (t) => t.status ?? "ok",
    cluster: (t) => (t.cluster ? clusterName(t.cluster.id) : undefined),
  };
}

export function presentTemplate(t: Template): Value {
  return {
    creation_time: Date.UTC(2008, 3, 1),
    ...t,
    ...templateBase(t),
    status: t.status ?? "ok",
    origin: "ovirt",
    stateless: false,
    start_paused: false,
    delete_protected: false,
    version: t.version ?? { version_number: 1, base_template: { id: t.id } },
  };
}
