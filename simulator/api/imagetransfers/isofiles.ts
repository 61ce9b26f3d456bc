// /storagedomains/{id}/files: the ISO images of a legacy ISO domain (StorageDomainFilesService;
// BackendFilesResource asks the SPM for the domain's ISO list). On storage an ISO domain keeps its
// images in one fixed directory, `images/11111111-1111-1111-1111-111111111111/`, which is what is
// listed here (regular files, by name; the id of a file is its name). Other domain types have no
// files: an empty list.
import fs from "node:fs";
import path from "node:path";
import type { EngineContext } from "../../context";
import { notFound } from "../../http/faults";
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import { domainDir } from "../../dataplane/storage";
import type { ApiRequest, Area } from "../context";
import { collectionAnswer, entityAnswer, findByPathId } from "../respond";
import type { StorageDomain } from "../storagedomains/model";

/** The fixed image group of ISO domains (vdsm's ISO_IMAGE_UUID). */
export const ISO_IMAGE_UUID = "11111111-1111-1111-1111-111111111111";

export const FILE: EntityType = {
  element: "file",
  plural: "files",
  path: "files",
  struct: struct("File", [field("type", T.string), field("storage_domain", T.ref("storagedomains"))]),
  links: [],
  actions: { model43: [], model44: [] },
};

/** The directory holding an ISO domain's images. */
export function isoDir(engine: EngineContext, sd: StorageDomain): string {
  return path.join(
    domainDir(engine.dataPlane, { connection: sd.connection }, sd.id),
    "images",
    ISO_IMAGE_UUID,
  );
}

function filesOf(engine: EngineContext, sd: StorageDomain): Value[] {
  if (sd.type !== "iso" || !sd.connection) return [];
  let names: string[];
  try {
    names = fs.readdirSync(isoDir(engine, sd));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return names
    .filter((n) => !n.startsWith(".") && fs.statSync(path.join(isoDir(engine, sd), n)).isFile())
    .sort()
    .map((n) => ({ id: n, name: n, storage_domain: { id: sd.id } }));
}

function list(engine: EngineContext, req: ApiRequest) {
  const sd = findByPathId<StorageDomain>(engine.store, "storage_domain", req.params.id);
  return collectionAnswer(FILE, filesOf(engine, sd), req.ctx, `storagedomains/${sd.id}/files`);
}

function get(engine: EngineContext, req: ApiRequest) {
  const sd = findByPathId<StorageDomain>(engine.store, "storage_domain", req.params.id);
  const found = filesOf(engine, sd).find((f) => f.id === req.params.file);
  if (!found) throw notFound();
  return entityAnswer(FILE, found, req.ctx, `storagedomains/${sd.id}/files`);
}

export const isoFileRoutes: Area = (engine) => [
  { method: "GET", path: "/storagedomains/:id/files", handle: (req) => list(engine, req) },
  { method: "GET", path: "/storagedomains/:id/files/:file", handle: (req) => get(engine, req) },
];
