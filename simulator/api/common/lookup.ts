// Resolving references given in request bodies (`<data_center id="…"/>` or `<data_center><name>…`)
// with the engine's failures: a malformed id is a 400, an unknown one a 404 "Entity not found".
import { entityNotFound, malformedId } from "../../http/faults";
import type { EntityKind, EntityStore } from "../../store/entities";
import { isUuid } from "../respond";

export interface Ref {
  id?: string;
  name?: string;
}

/**
 * Finds the entity of `kind` a reference points to. `label` is the engine's search-style name of the
 * kind used in the fault (e.g. `Datacenter`), giving `Entity not found: Datacenter: name=foo`.
 */
export function resolveRef<T extends { id: string; name: string }>(
  store: EntityStore,
  kind: EntityKind,
  label: string,
  ref: Ref,
): T {
  if (ref.id !== undefined) {
    if (!isUuid(ref.id)) throw malformedId(ref.id);
    const found = store.get<T>(kind, ref.id.toLowerCase());
    if (!found) throw entityNotFound(`${label}: id=${ref.id}`);
    return found;
  }
  const found = store.list<T>(kind, (e) => e.name === ref.name)[0];
  if (!found) throw entityNotFound(`${label}: name=${ref.name}`);
  return found;
}

/**
 * Whether another entity of `kind` already has `name`. The engine's uniqueness checks differ per kind:
 * clusters compare case-insensitively, data centers case-sensitively (their DAO getByName flags).
 */
export function nameTaken(
  store: EntityStore,
  kind: EntityKind,
  name: string,
  opts: { caseSensitive: boolean; exceptId?: string },
): boolean {
  const norm = (s: string) => (opts.caseSensitive ? s : s.toLowerCase());
  const wanted = norm(name);
  return store
    .pluck(kind, "name")
    .some((e) => e.id !== opts.exceptId && typeof e.value === "string" && norm(e.value) === wanted);
}
