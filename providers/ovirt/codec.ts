// The one codec for the engine's JSON, which is not natural JSON: booleans and 32-bit integers are
// strings, 64-bit integers, decimals and dates are numbers, collections are `{"<singular>": [...]}`
// and an empty collection has no key at all. Each API type declares which of its fields are which;
// decode/encode walk that declaration, so no provider converts anything by hand.

export type Scalar = "string" | "bool" | "int32" | "int64" | "decimal" | "date";

export interface ObjectType<F extends Fields = Fields> {
  readonly kind: "object";
  readonly fields: F;
}

/** An array. `wrapper` names the singular key of a wrapped array (`"supported_versions": {"version": [...]}`). */
export interface ListType<I extends Field = Field> {
  readonly kind: "list";
  readonly item: I;
  readonly wrapper?: string;
}

export type Field = Scalar | ObjectType | ListType;
export type Fields = { readonly [key: string]: Field };

/** The TypeScript shape a declaration decodes to. Every field is optional: the engine omits defaults. */
export type Decoded<F> = F extends "string"
  ? string
  : F extends "bool"
    ? boolean
    : F extends "int32" | "int64" | "decimal"
      ? number
      : F extends "date"
        ? Date
        : F extends ObjectType<infer G>
          ? { -readonly [K in keyof G]?: Decoded<G[K]> }
          : F extends ListType<infer I>
            ? Decoded<I>[]
            : never;

export const object = <F extends Fields>(fields: F): ObjectType<F> => ({ kind: "object", fields });
export const list = <I extends Field>(item: I, wrapper?: string): ListType<I> =>
  wrapper === undefined ? { kind: "list", item } : { kind: "list", item, wrapper };

export class CodecError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = "CodecError";
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function decodeScalar(kind: Scalar, raw: unknown, path: string): unknown {
  switch (kind) {
    case "string":
      // Enums and free text are strings; tolerate numbers/booleans the engine might echo.
      if (typeof raw === "string") return raw;
      if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
      break;
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (typeof raw === "string") {
        // Case-insensitive; 0/1 accepted for compatibility (model A01-PrimitiveTypes).
        const t = raw.trim().toLowerCase();
        if (t === "true" || t === "1") return true;
        if (t === "false" || t === "0") return false;
      }
      break;
    case "int32":
    case "int64": {
      const n =
        typeof raw === "number"
          ? raw
          : typeof raw === "string" && /^\s*-?\d+\s*$/.test(raw)
            ? Number(raw)
            : NaN;
      if (Number.isInteger(n) && (kind === "int64" || (n >= INT32_MIN && n <= INT32_MAX))) return n;
      break;
    }
    case "decimal": {
      const n =
        typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : NaN;
      if (Number.isFinite(n)) return n;
      break;
    }
    case "date":
      if (typeof raw === "number" && Number.isFinite(raw)) return new Date(raw);
      if (typeof raw === "string" && !Number.isNaN(Date.parse(raw))) return new Date(raw);
      break;
  }
  const what = kind === "bool" ? "a boolean" : kind.startsWith("int") ? `an ${kind}` : `a ${kind}`;
  throw new CodecError(path, `expected ${what}, got ${show(raw)}`);
}

function decodeField(field: Field, raw: unknown, path: string): unknown {
  if (typeof field === "string") return decodeScalar(field, raw, path);
  if (field.kind === "object") return decodeObject(field, raw, path);
  let items: unknown = raw;
  if (field.wrapper !== undefined) {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new CodecError(path, `expected {"${field.wrapper}": [...]}, got ${show(raw)}`);
    }
    items = (raw as Record<string, unknown>)[field.wrapper] ?? [];
  }
  if (!Array.isArray(items)) throw new CodecError(path, `expected an array, got ${show(items)}`);
  return items.map((item, i) => decodeField(field.item, item, `${path}[${i}]`));
}

function decodeObject(type: ObjectType, raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new CodecError(path, `expected an object, got ${show(raw)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null || value === undefined || key === "__proto__") continue;
    // Own declarations only: "constructor" or "toString" in an answer is not a declared field.
    const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
    // Undeclared fields pass through untouched: a newer engine may send more than we model.
    out[key] = field === undefined ? value : decodeField(field, value, path ? `${path}.${key}` : key);
  }
  return out;
}

/** Decodes one entity (the engine sends single entities bare, without a wrapper key). */
export function decode<T extends ObjectType>(type: T, raw: unknown, path = ""): Decoded<T> {
  return decodeObject(type, raw, path) as Decoded<T>;
}

/** Decodes a collection body `{"<singular>": [...]}`; `{}`, a missing key or no body at all mean empty. */
export function decodeCollection<T extends ObjectType>(
  type: T,
  singular: string,
  body: unknown,
): Decoded<T>[] {
  if (body === undefined || body === null || body === "") return [];
  if (typeof body !== "object" || Array.isArray(body)) {
    throw new CodecError(singular, `expected a collection object, got ${show(body)}`);
  }
  const items = (body as Record<string, unknown>)[singular];
  if (items === undefined || items === null) return [];
  if (!Array.isArray(items)) throw new CodecError(singular, `expected an array, got ${show(items)}`);
  return items.map((item, i) => decode(type, item, `${singular}[${i}]`));
}

function encodeScalar(kind: Scalar, value: unknown, path: string): unknown {
  switch (kind) {
    case "string":
      if (typeof value === "string") return value;
      break;
    case "bool":
      if (typeof value === "boolean") return value ? "true" : "false";
      break;
    case "int32":
      if (Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX) {
        return String(value);
      }
      break;
    case "int64":
      if (Number.isInteger(value)) return value;
      break;
    case "decimal":
      if (typeof value === "number" && Number.isFinite(value)) return value;
      break;
    case "date":
      if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime();
      break;
  }
  throw new CodecError(path, `cannot encode ${show(value)} as ${kind}`);
}

function encodeField(field: Field, value: unknown, path: string): unknown {
  if (typeof field === "string") return encodeScalar(field, value, path);
  if (field.kind === "object") return encodeObject(field, value, path);
  if (!Array.isArray(value)) throw new CodecError(path, `cannot encode ${show(value)} as a list`);
  const items = value.map((item, i) => encodeField(field.item, item, `${path}[${i}]`));
  return field.wrapper === undefined ? items : { [field.wrapper]: items };
}

function encodeObject(type: ObjectType, value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CodecError(path, `cannot encode ${show(value)} as an object`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || v === null || key === "__proto__") continue;
    const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
    out[key] = field === undefined ? v : encodeField(field, v, path ? `${path}.${key}` : key);
  }
  return out;
}

/** Encodes an outgoing body: booleans and 32-bit integers become strings; undefined fields are left out. */
export function encode<T extends ObjectType>(type: T, value: Decoded<T>): Record<string, unknown> {
  return encodeObject(type, value, "");
}

// --- shapes shared by many API types ---------------------------------------------------------------

/** A link to another entity: `{"id": "...", "href": "..."}` (requests may name it instead). */
export const Ref = object({ id: "string", href: "string", name: "string" });
export const Version = object({
  major: "int32",
  minor: "int32",
  build: "int32",
  revision: "int32",
  full_version: "string",
});
export const Link = object({ href: "string", rel: "string" });

/** Fields every named entity has. */
export const entityFields = {
  id: "string",
  href: "string",
  name: "string",
  description: "string",
  comment: "string",
  link: list(Link),
  actions: object({ link: list(Link) }),
} as const;

export type ApiVersion = Decoded<typeof Version>;
