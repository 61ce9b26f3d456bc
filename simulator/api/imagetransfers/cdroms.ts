// /vms/{id}/cdroms: every VM has one CD-ROM, id 00000000-0000-0000-0000-000000000000
// (VmCdromsService / VmCdromService). PUT `<cdrom><file id="…"/></cdrom>` inserts media: the id of
// an `iso` disk on a data domain (4.4) or the name of a file on an ISO domain; an empty id ejects.
// `?current=true` changes only the running VM's media (until it stops); otherwise the change is
// persistent (the next boot) and, on a VM that is not running, what it boots with.
// Kept apart from the VM entity (its own rows, id = the VM's id).
import type { EngineContext } from "../../context";
import { invalidValue, mandatory, notFound } from "../../http/faults";
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { ApiRequest, Area } from "../context";
import { readEntity } from "../common/input";
import { booleanParam } from "../common/search";
import type { Disk } from "../disks/model";
import { entityAnswer, collectionAnswer, findByPathId, isUuid } from "../respond";
import type { StorageDomain } from "../storagedomains/model";
import type { Vm } from "../vms/model";
import fs from "node:fs";
import path from "node:path";
import { isoDir } from "./isofiles";

export const CDROM_ID = "00000000-0000-0000-0000-000000000000";

interface VmCdrom {
  /** The VM's id. */
  id: string;
  /** Persistent media (file id), "" when empty. */
  file: string;
  /** Media of the running VM when changed with `current=true`. */
  current?: string;
}

export const CDROM: EntityType = {
  element: "cdrom",
  plural: "cdroms",
  path: "cdroms",
  struct: struct("Cdrom", [field("file", T.ref()), field("vm", T.ref("vms"))]),
  links: [],
  actions: { model43: [], model44: [] },
};

const RUNNING = new Set([
  "up",
  "powering_up",
  "wait_for_launch",
  "paused",
  "powering_down",
  "reboot_in_progress",
]);

/** The media a VM's CD-ROM holds (persistent, or what the running VM sees), "" when empty. */
export function cdromFile(engine: EngineContext, vmId: string, current = false): string {
  const row = engine.store.get<VmCdrom>("vm_cdrom", vmId);
  if (!row) return "";
  const vm = engine.store.get<Vm>("vm", vmId);
  if (current && vm && RUNNING.has(vm.status) && row.current !== undefined) return row.current;
  return row.file;
}

function present(engine: EngineContext, vm: Vm, current: boolean): Value {
  const file = cdromFile(engine, vm.id, current);
  return { id: CDROM_ID, file: file ? { id: file } : undefined, vm: { id: vm.id } };
}

/** An iso disk id, or a file on one of the engine's ISO domains. */
function checkFile(engine: EngineContext, id: string): string {
  if (id === "") return "";
  if (isUuid(id)) {
    const disk = engine.store.get<Disk>("disk", id.toLowerCase());
    if (!disk || disk.content_type !== "iso")
      throw invalidValue(`The CD-ROM file id ${id} is not the id of an ISO disk.`);
    return disk.id;
  }
  const onIsoDomain = engine.store
    .list<StorageDomain>("storage_domain", (sd) => sd.type === "iso" && !!sd.connection)
    .some((sd) => fs.existsSync(path.join(isoDir(engine, sd), id)));
  if (!onIsoDomain) throw invalidValue(`The CD-ROM file ${id} is on no ISO domain.`);
  return id;
}

function update(engine: EngineContext, req: ApiRequest) {
  const vm = findByPathId<Vm>(engine.store, "vm", req.params.id);
  if (req.params.cd !== CDROM_ID) throw notFound();
  const input = readEntity(req, CDROM, "vm/cdroms/cdrom/methods/update");
  const ref = (input?.file as { id?: string } | undefined) ?? undefined;
  if (!ref || ref.id === undefined) throw mandatory("cdrom.file.id");
  const file = checkFile(engine, ref.id);
  const row = engine.store.get<VmCdrom>("vm_cdrom", vm.id);
  const current = booleanParam(req.ctx.query.current) && RUNNING.has(vm.status);
  const next: VmCdrom = current
    ? { id: vm.id, file: row?.file ?? "", current: file }
    : { id: vm.id, file, current: undefined };
  if (row) engine.store.update("vm_cdrom", next);
  else engine.store.insert("vm_cdrom", next);
  return entityAnswer(CDROM, present(engine, vm, current), req.ctx, `vms/${vm.id}/cdroms`);
}

export const cdromRoutes: Area = (engine) => [
  {
    method: "GET",
    path: "/vms/:id/cdroms",
    handle: (req) => {
      const vm = findByPathId<Vm>(engine.store, "vm", req.params.id);
      const current = booleanParam(req.ctx.query.current);
      return collectionAnswer(CDROM, [present(engine, vm, current)], req.ctx, `vms/${vm.id}/cdroms`);
    },
  },
  {
    method: "GET",
    path: "/vms/:id/cdroms/:cd",
    handle: (req) => {
      const vm = findByPathId<Vm>(engine.store, "vm", req.params.id);
      if (req.params.cd !== CDROM_ID) throw notFound();
      const current = booleanParam(req.ctx.query.current);
      return entityAnswer(CDROM, present(engine, vm, current), req.ctx, `vms/${vm.id}/cdroms`);
    },
  },
  { method: "PUT", path: "/vms/:id/cdroms/:cd", handle: (req) => update(engine, req) },
];
