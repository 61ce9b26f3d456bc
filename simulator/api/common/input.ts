// Reading request bodies into API values and applying them to stored entities.
import { syntaxFault } from "../../http/faults";
import { BodyShapeError, decodeEntity, parseBody } from "../../repr/decode";
import type { EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { ApiRequest } from "../context";

/**
 * The entity in the request body, or undefined when there is none. `usage` names the apidoc method
 * the engine points to when it cannot read the body, e.g. `clusters/methods/add`.
 */
export function readEntity(req: ApiRequest, type: EntityType, usage: string): Value | undefined {
  const onSyntax = () => syntaxFault(req.ctx.origin, usage);
  let raw: unknown;
  try {
    raw = parseBody(req.body, req.ctx.bodyFormat, type.element);
  } catch (err) {
    if (err instanceof BodyShapeError) throw onSyntax();
    throw err;
  }
  return raw === undefined ? undefined : decodeEntity(type, raw, req.ctx.render.model44, onSyntax);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Applies decoded input onto a stored value the way the engine's mappers do: members present in the
 * input replace the stored ones, nested structures merge, lists and references are replaced whole.
 */
export function applyInput<T extends object>(
  target: T,
  input: Value,
  replaceWhole: ReadonlySet<string> = new Set(),
): T {
  const out: Record<string, unknown> = { ...(target as Record<string, unknown>) };
  for (const [key, value] of Object.entries(input)) {
    const current = out[key];
    if (isPlainObject(value) && isPlainObject(current) && !replaceWhole.has(key)) {
      out[key] = applyInput(current, value);
    } else {
      out[key] = value;
    }
  }
  return out as T;
}
