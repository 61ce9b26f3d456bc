// Building answers the way the engine's HTTP layer does (API-NOTES 4.1): GET/PUT 200 with the
// entity, add 201 with Location, remove 200 with a completed <action>, 404 with no body.
import { notFound } from "../http/faults";
import type { Entity, EntityKind, EntityStore } from "../store/entities";
import type { EntityType } from "../repr/schema";
import { element, leaf, renderCollection, renderEntity, type Value } from "../repr/tree";
import type { Answer, RequestContext } from "./context";
import { booleanParam } from "./common/search";

export function entityAnswer(
  type: EntityType,
  value: Value,
  ctx: RequestContext,
  collectionPath?: string,
): Answer {
  return { status: 200, node: renderEntity(type, value, ctx.render, collectionPath) };
}

export function collectionAnswer(
  type: EntityType,
  values: Value[],
  ctx: RequestContext,
  collectionPath?: string,
): Answer {
  return { status: 200, node: renderCollection(type, values, ctx.render, collectionPath) };
}

export function createdAnswer(type: EntityType, value: Value, ctx: RequestContext): Answer {
  return {
    status: 201,
    node: renderEntity(type, value, ctx.render),
    headers: { location: `${ctx.origin}${ctx.render.base}/${type.path}/${String(value.id)}` },
  };
}

/**
 * The answer of BackendResource.performAction (most DELETEs): `?async=true` or `Expect: 202-accepted`
 * gives 202 in_progress, otherwise 200 complete.
 */
export function performedAnswer(ctx: RequestContext): Answer {
  const async = booleanParam(ctx.query.async) || /202-accepted/i.test(ctx.expect ?? "");
  return {
    status: async ? 202 : 200,
    node: element("action", [leaf("status", async ? "in_progress" : "complete")]),
  };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** asGuidOr404: a path id that is not a UUID is simply "not found". Returns the lower-cased id. */
export function pathId(raw: string): string {
  if (!UUID_RE.test(raw)) throw notFound();
  return raw.toLowerCase();
}

/** The entity a URL path id names, or a bare 404 (unknown or malformed id). */
export function findByPathId<T extends Entity>(store: EntityStore, kind: EntityKind, rawId: string): T {
  const found = store.get<T>(kind, pathId(rawId));
  if (!found) throw notFound();
  return found;
}

export function isUuid(raw: string): boolean {
  return UUID_RE.test(raw);
}
