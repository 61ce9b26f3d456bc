// The type model of the API: a declarative description of each type's members (name, wire type,
// order). One description drives XML output, JSON output and input decoding, so the two formats
// cannot drift apart. Member order is the engine's XML order (see samples/*.xml).

export type ScalarKind = "string" | "boolean" | "int" | "long" | "decimal" | "date";

export type FieldType =
  | { kind: "scalar"; scalar: ScalarKind }
  | { kind: "enum"; enumName: string; values: readonly string[] }
  | { kind: "struct"; struct: Struct }
  /** A wrapped list: `<usages><usage>vm</usage></usages>`, JSON `{"usages": {"usage": ["vm"]}}`. */
  | { kind: "list"; item: string; of: FieldType }
  /** A reference: `<cluster href="…" id="…"/>`; without `collection` it carries only the id. */
  | { kind: "ref"; collection?: string };

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  /** Present only in engines whose model has it (the 4.4 personality). */
  readonly model44?: boolean;
  /** Rendered but never read from input (status, supported_versions, …). */
  readonly readOnly?: boolean;
  /** A scalar the XML binding carries as an attribute, e.g. `<vlan id="20"/>` (JSON is unchanged). */
  readonly attribute?: boolean;
}

export interface Struct {
  /** The model type name, used in input error messages. */
  readonly name: string;
  readonly fields: readonly Field[];
}

export const T = {
  string: { kind: "scalar", scalar: "string" } as FieldType,
  boolean: { kind: "scalar", scalar: "boolean" } as FieldType,
  int: { kind: "scalar", scalar: "int" } as FieldType,
  long: { kind: "scalar", scalar: "long" } as FieldType,
  decimal: { kind: "scalar", scalar: "decimal" } as FieldType,
  date: { kind: "scalar", scalar: "date" } as FieldType,
  enumOf: (enumName: string, values: readonly string[]): FieldType => ({ kind: "enum", enumName, values }),
  struct: (struct: Struct): FieldType => ({ kind: "struct", struct }),
  list: (item: string, of: FieldType): FieldType => ({ kind: "list", item, of }),
  ref: (collection?: string): FieldType => ({ kind: "ref", collection }),
};

export function field(
  name: string,
  type: FieldType,
  opts: { model44?: boolean; readOnly?: boolean; attribute?: boolean } = {},
): Field {
  return { name, type, ...opts };
}

export function struct(name: string, fields: readonly Field[]): Struct {
  return { name, fields };
}

/**
 * A top-level entity type: served as a collection under `path`, rendered with `href`/`id` attributes,
 * `<actions>`, name/description/comment, sub-collection `<link>`s, then its own members.
 */
export interface EntityType {
  /** Singular element name, e.g. `data_center`; also the JSON collection key. */
  readonly element: string;
  /** Collection element name, e.g. `data_centers`. */
  readonly plural: string;
  /** URL segment under the API root, e.g. `datacenters`. */
  readonly path: string;
  /** Members after name/description/comment and the links, in engine order. */
  readonly struct: Struct;
  /** Sub-collection rels in the engine's order. */
  readonly links: readonly string[];
  /** Action rels, in the engine's order, for a model_4.3 and a model_4.4 engine. */
  readonly actions: { readonly model43: readonly string[]; readonly model44: readonly string[] };
}

/** The identified members every entity starts with (model type Identified). */
export const IDENTIFIED_FIELDS: readonly Field[] = [
  field("name", T.string),
  field("description", T.string),
  field("comment", T.string),
];

/** Shared small types. */
export const VersionStruct = struct("Version", [
  field("build", T.int),
  field("full_version", T.string),
  field("major", T.int),
  field("minor", T.int),
  field("revision", T.int),
]);

export const PropertyStruct = struct("Property", [field("name", T.string), field("value", T.string)]);
