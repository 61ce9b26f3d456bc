// Structural comparison of API bodies: the set of element paths (with attributes) of two documents,
// values ignored. Used to hold the engine's renderings against captured samples; every sample in
// ../shared/ovirt/samples can get the same test. XML and JSON are reduced to the same path form, so a
// JSON body can be compared with an XML one: the root element is dropped, attributes are plain
// names, repeated elements and arrays are transparent (`link/href`, `actions/link/rel`).
import { XMLParser } from "fast-xml-parser";

export interface ShapeDiff {
  /** In the expected shape but not in the actual one. */
  missing: string[];
  /** In the actual shape but not in the expected one. */
  extra: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  // Keep `<description></description>` as an element (empty string), like an empty JSON string.
  isArray: () => false,
});

function walk(value: unknown, prefix: string, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, prefix, out);
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key === "#text" || key === "?xml") continue;
      const name = key.startsWith("@") ? key.slice(1) : key;
      const p = prefix ? `${prefix}/${name}` : name;
      out.add(p);
      walk(child, p, out);
    }
  }
}

/** Paths of an XML document below its root element. */
export function xmlShape(xml: string): Set<string> {
  const doc = parser.parse(xml) as Record<string, unknown>;
  const roots = Object.keys(doc).filter((k) => k !== "?xml");
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.join(", ")}`);
  const out = new Set<string>();
  walk(doc[roots[0]], "", out);
  return out;
}

/** Paths of a JSON document (already the engine's root-less form). */
export function jsonShape(json: unknown): Set<string> {
  const out = new Set<string>();
  walk(typeof json === "string" ? JSON.parse(json) : json, "", out);
  return out;
}

/** Paths under one top-level key, re-rooted there (e.g. the first `cluster` of a collection). */
export function subShape(shape: Set<string>, key: string): Set<string> {
  const out = new Set<string>();
  for (const p of shape) if (p.startsWith(`${key}/`)) out.add(p.slice(key.length + 1));
  return out;
}

export function compareShapes(expected: Set<string>, actual: Set<string>): ShapeDiff {
  return {
    missing: [...expected].filter((p) => !actual.has(p)).sort(),
    extra: [...actual].filter((p) => !expected.has(p)).sort(),
  };
}
