// Disks (image disks on file storage domains): the stored shape, the wire type (member order as
// captured from a 4.3 engine, samples/disks.xml) and the search keywords.
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity } from "../../store/entities";
import type { SearchFields } from "../common/search";

export const DISK_STATUSES = ["illegal", "locked", "ok"] as const;
export const DISK_FORMATS = ["cow", "raw"] as const;
export type DiskStatus = (typeof DISK_STATUSES)[number];

export interface Disk extends Entity {
  name: string;
  description: string;
  alias: string;
  /** The volume id: the image file is `images/<disk id>/<image id>` in the domain. */
  image_id: string;
  provisioned_size: number;
  actual_size: number;
  total_size: number;
  format: (typeof DISK_FORMATS)[number];
  sparse: boolean;
  shareable: boolean;
  status: DiskStatus;
  wipe_after_delete: boolean;
  propagate_errors: boolean;
  content_type: string;
  storage_type: "image";
  storage_domains: Array<{ id: string }>;
  /** A template's disk (not rendered): the template and how VMs made from it attach their copy. */
  template?: { id: string; interface: string; bootable: boolean };
}

export const DISK: EntityType = {
  element: "disk",
  plural: "disks",
  path: "disks",
  struct: struct("Disk", [
    field("actual_size", T.long, { readOnly: true }),
    field("alias", T.string),
    field("backup", T.enumOf("DiskBackup", ["incremental", "none"]), { readOnly: true }),
    field("content_type", T.string),
    field("format", T.enumOf("DiskFormat", DISK_FORMATS)),
    field("image_id", T.string, { readOnly: true }),
    field("propagate_errors", T.boolean),
    field("provisioned_size", T.long),
    field("qcow_version", T.enumOf("QcowVersion", ["qcow2_v2", "qcow2_v3"]), { readOnly: true }),
    field("shareable", T.boolean),
    field("sparse", T.boolean),
    field("status", T.enumOf("DiskStatus", DISK_STATUSES), { readOnly: true }),
    field("storage_type", T.string, { readOnly: true }),
    field("total_size", T.long, { readOnly: true }),
    field("wipe_after_delete", T.boolean),
    field("storage_domains", T.list("storage_domain", T.ref("storagedomains"))),
  ]),
  links: ["permissions", "statistics"],
  actions: {
    model43: ["reduce", "move", "sparsify", "refreshlun", "copy", "export"],
    model44: ["reduce", "move", "sparsify", "refreshlun", "copy", "export"],
  },
};

/** The keywords of the engine's Disk search used by the lab. */
export const DISK_SEARCH: SearchFields<Disk> = {
  alias: (d) => d.alias,
  name: (d) => d.alias,
  id: (d) => d.id,
  description: (d) => d.description,
  status: (d) => d.status,
  provisioned_size: (d) => d.provisioned_size,
  format: (d) => d.format,
};

export function presentDisk(d: Disk): Value {
  return {
    ...d,
    backup: "none",
    qcow_version: d.format === "cow" ? "qcow2_v3" : undefined,
    total_size: d.status === "ok" ? d.total_size : undefined,
  };
}
