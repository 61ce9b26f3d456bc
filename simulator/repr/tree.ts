// Renders API values into a format-neutral tree, driven by the schema. xml.ts and json.ts each
// serialize that tree; neither knows anything about entities, so both formats always agree.
import { IDENTIFIED_FIELDS, type EntityType, type Field, type FieldType, type Struct } from "./schema";

export type Node =
  | { kind: "leaf"; name: string; text: string; json: string | number }
  | { kind: "element"; name: string; attrs: Array<[string, string]>; children: Node[] }
  /** Several sibling elements of one name; a JSON array under that name. */
  | { kind: "repeated"; name: string; items: Node[] };

export interface RenderContext {
  /** href prefix: `/ovirt-engine/api`, or `/ovirt-engine/api/v4` when the client used the v4 URL. */
  readonly base: string;
  /** Whether model_4.4 members are rendered. */
  readonly model44: boolean;
}

export type Value = Record<string, unknown>;

export function element(name: string, children: Node[], attrs: Array<[string, string]> = []): Node {
  return { kind: "element", name, attrs, children };
}

export function leaf(name: string, text: string, json: string | number = text): Node {
  return { kind: "leaf", name, text, json };
}

export function links(items: Array<{ rel: string; href: string }>): Node {
  return {
    kind: "repeated",
    name: "link",
    items: items.map((l) =>
      element(
        "link",
        [],
        [
          ["href", l.href],
          ["rel", l.rel],
        ],
      ),
    ),
  };
}

/** `2020-02-03T18:51:47.577+01:00` in the engine's (this process's) time zone; `Z` for UTC. */
export function formatXmlDate(ms: number): string {
  const d = new Date(ms);
  const offsetMin = -d.getTimezoneOffset();
  const local = new Date(ms + offsetMin * 60_000);
  const stamp = local.toISOString().slice(0, 23);
  if (offsetMin === 0) return `${stamp}Z`;
  const sign = offsetMin > 0 ? "+" : "-";
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${stamp}${sign}${hh}:${mm}`;
}

function renderScalar(name: string, type: FieldType & { kind: "scalar" | "enum" }, value: unknown): Node {
  if (type.kind === "enum") return leaf(name, String(value));
  switch (type.scalar) {
    case "string":
      return leaf(name, String(value));
    // Booleans and 32-bit integers are JSON strings in the engine's output (API-NOTES 2.2).
    case "boolean":
      return leaf(name, value ? "true" : "false");
    case "int":
      return leaf(name, String(value));
    case "long":
    case "decimal":
      return leaf(name, String(value), Number(value));
    case "date":
      return leaf(name, formatXmlDate(Number(value)), Number(value));
  }
}

export function renderValue(
  name: string,
  type: FieldType,
  value: unknown,
  ctx: RenderContext,
): Node | undefined {
  if (value === undefined || value === null) return undefined;
  switch (type.kind) {
    case "scalar":
    case "enum":
      return renderScalar(name, type, value);
    case "struct":
      return renderStruct(name, type.struct, value as Value, ctx);
    case "ref": {
      const ref = value as { id: string };
      const attrs: Array<[string, string]> = [];
      if (type.collection) attrs.push(["href", `${ctx.base}/${type.collection}/${ref.id}`]);
      attrs.push(["id", ref.id]);
      return element(name, [], attrs);
    }
    case "list": {
      const items = (value as unknown[])
        .map((v) => renderValue(type.item, type.of, v, ctx))
        .filter((n): n is Node => n !== undefined);
      if (items.length === 0) return undefined;
      return element(name, [{ kind: "repeated", name: type.item, items }]);
    }
  }
}

function renderFields(fields: readonly Field[], value: Value, ctx: RenderContext): Node[] {
  const out: Node[] = [];
  for (const f of fields) {
    if (f.attribute) continue;
    const v = value[f.name];
    // Most members of a big entity are absent: skip them before anything else.
    if (v === undefined || v === null) continue;
    if (f.model44 && !ctx.model44) continue;
    const node = renderValue(f.name, f.type, v, ctx);
    if (node) out.push(node);
  }
  return out;
}

/** The attribute members of each struct, found once (GET /vms renders thousands of structs). */
const ATTRIBUTE_FIELDS = new WeakMap<Struct, readonly Field[]>();

export function renderStruct(name: string, struct: Struct, value: Value, ctx: RenderContext): Node {
  let attrFields = ATTRIBUTE_FIELDS.get(struct);
  if (!attrFields) {
    attrFields = struct.fields.filter((f) => f.attribute);
    ATTRIBUTE_FIELDS.set(struct, attrFields);
  }
  const attrs: Array<[string, string]> = [];
  for (const f of attrFields) {
    const v = value[f.name] as string | number | boolean | null | undefined;
    if (v !== undefined && v !== null) attrs.push([f.name, String(v)]);
  }
  return element(name, renderFields(struct.fields, value, ctx), attrs);
}

/**
 * An entity as the engine renders it. `collectionPath` is where it lives (`datacenters`, or
 * `datacenters/<id>/clusters` when listed under a parent, which is how the engine builds hrefs).
 */
export function renderEntity(
  type: EntityType,
  value: Value,
  ctx: RenderContext,
  collectionPath = type.path,
): Node {
  const id = String(value.id);
  const href = `${ctx.base}/${collectionPath}/${id}`;
  const children: Node[] = [];
  const actions = ctx.model44 ? type.actions.model44 : type.actions.model43;
  if (actions.length > 0) {
    children.push(element("actions", [links(actions.map((rel) => ({ rel, href: `${href}/${rel}` })))]));
  }
  children.push(...renderFields(IDENTIFIED_FIELDS, value, ctx));
  if (type.links.length > 0) children.push(links(type.links.map((rel) => ({ rel, href: `${href}/${rel}` }))));
  children.push(...renderFields(type.struct.fields, value, ctx));
  return element(type.element, children, [
    ["href", href],
    ["id", id],
  ]);
}

export function renderCollection(
  type: EntityType,
  values: Value[],
  ctx: RenderContext,
  collectionPath = type.path,
): Node {
  const items = values.map((v) => renderEntity(type, v, ctx, collectionPath));
  return element(type.plural, [{ kind: "repeated", name: type.element, items }]);
}
