// Reads request bodies (XML or JSON) into API values, driven by the same schema as the output.
// Only members present in the body appear in the result, which is what PUT (update) needs.
import { XMLParser } from "fast-xml-parser";
import { ApiFault, invalidValue } from "../http/faults";
import { IDENTIFIED_FIELDS, type EntityType, type Field, type FieldType, type Struct } from "./schema";
import type { Value } from "./tree";

export type BodyFormat = "xml" | "json";

/** Raised for bodies that do not parse or do not fit the type; the caller turns it into its usage fault. */
export class BodyShapeError extends Error {}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // Every element is an array, so one shape serves single members and repeated ones.
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
  processEntities: true,
});

/**
 * Parses a body into a generic tree shaped like the engine's JSON: attributes and child elements
 * become keys. Returns undefined for an empty body (the engine then reports the parameter missing).
 */
export function parseBody(raw: string | undefined, format: BodyFormat, rootElement: string): unknown {
  if (raw === undefined || raw.trim() === "") return undefined;
  if (format === "json") {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      throw new BodyShapeError("malformed JSON");
    }
  }
  let doc: Record<string, unknown>;
  try {
    doc = xmlParser.parse(raw, true) as Record<string, unknown>;
  } catch {
    throw new BodyShapeError("malformed XML");
  }
  const root = doc[rootElement];
  if (!Array.isArray(root)) throw new BodyShapeError(`expected <${rootElement}>`);
  return root[0] === "" ? {} : (root[0] as unknown);
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function text(v: unknown): string {
  const one = first(v);
  if (typeof one === "string") return one;
  if (typeof one === "number" || typeof one === "boolean") return String(one);
  if (one && typeof one === "object" && "#text" in one)
    return String((one as Record<string, unknown>)["#text"]);
  if (one && typeof one === "object" && Object.keys(one).length === 0) return "";
  throw new BodyShapeError("expected a simple value");
}

const MAX_INT = 2147483647;

function decodeScalar(type: FieldType & { kind: "scalar" | "enum" }, raw: unknown): unknown {
  const s = text(raw);
  if (type.kind === "enum") {
    const v = s.toLowerCase();
    if (!type.values.includes(v)) throw invalidValue(`${s} is not a member of ${type.enumName}`);
    return v;
  }
  switch (type.scalar) {
    case "string":
      return s;
    case "boolean": {
      // BooleanParser: true/false case-insensitive, or 0/1.
      if (s.toLowerCase() === "true" || s === "1") return true;
      if (s.toLowerCase() === "false" || s === "0") return false;
      throw invalidValue(`Value "${s}" isn't a valid boolean, it should be "true" , "false", "0" or "1"`);
    }
    case "int":
    case "long": {
      const t = s.trim() === "" ? "0" : s.trim();
      if (!/^[+-]?\d+$/.test(t)) throw new BodyShapeError(`not an integer: ${s}`);
      const n = Number(t);
      if (type.scalar === "int" && n > MAX_INT)
        throw invalidValue(`Value ${s} is greater than maximum integer ${MAX_INT}`);
      return n;
    }
    case "decimal": {
      const n = Number(s);
      if (s.trim() === "" || Number.isNaN(n)) throw new BodyShapeError(`not a number: ${s}`);
      return n;
    }
    case "date": {
      const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
      if (Number.isNaN(n)) throw new BodyShapeError(`not a date: ${s}`);
      return n;
    }
  }
}

function asObject(raw: unknown): Record<string, unknown> {
  const one = first(raw);
  if (one === "") return {};
  if (!one || typeof one !== "object" || Array.isArray(one)) throw new BodyShapeError("expected an element");
  return one as Record<string, unknown>;
}

export function decodeValue(type: FieldType, raw: unknown, model44: boolean): unknown {
  switch (type.kind) {
    case "scalar":
    case "enum":
      return decodeScalar(type, raw);
    case "struct":
      return decodeStruct(type.struct, raw, model44);
    case "ref": {
      const obj = asObject(raw);
      const ref: Record<string, string> = {};
      if (obj.id !== undefined) ref.id = text(obj.id);
      if (obj.name !== undefined) ref.name = text(obj.name);
      return ref;
    }
    case "list": {
      const wrapper = asObject(raw);
      const items = wrapper[type.item];
      if (items === undefined) return [];
      const list = Array.isArray(items) ? items : [items];
      return list.map((item) => decodeValue(type.of, item, model44));
    }
  }
}

function decodeFields(
  fields: readonly Field[],
  obj: Record<string, unknown>,
  model44: boolean,
  out: Value,
): void {
  for (const f of fields) {
    // Members the personality's model lacks are unknown to it, and unknown input is ignored.
    if (f.readOnly || (f.model44 && !model44)) continue;
    const raw = obj[f.name];
    if (raw === undefined || raw === null) continue;
    out[f.name] = decodeValue(f.type, raw, model44);
  }
}

export function decodeStruct(struct: Struct, raw: unknown, model44: boolean): Value {
  const obj = asObject(raw);
  const out: Value = {};
  decodeFields(struct.fields, obj, model44, out);
  return out;
}

/** Decodes an entity body; rethrows value faults and maps shape errors to `onSyntax()`. */
export function decodeEntity(
  type: EntityType,
  raw: unknown,
  model44: boolean,
  onSyntax: () => ApiFault,
): Value {
  try {
    const obj = asObject(raw);
    const out: Value = {};
    if (obj.id !== undefined) out.id = text(obj.id);
    decodeFields(IDENTIFIED_FIELDS, obj, model44, out);
    decodeFields(type.struct.fields, obj, model44, out);
    return out;
  } catch (err) {
    if (err instanceof BodyShapeError) throw onSyntax();
    throw err;
  }
}
