// Serializes a render tree the way the engine's JAXB output looks: XML declaration with
// standalone="yes", 4-space indentation, attributes in order, empty strings as <x></x>.
import type { Node } from "./tree";

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

// Large lists (GET /vms of thousands) go through here: the escapes test before they replace, and
// the indentation strings are made once.
const TEXT_SPECIAL = /[&<>]/;
const ATTR_SPECIAL = /[&<>"]/;

function escapeText(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return escapeText(s).replace(/"/g, "&quot;");
}

const PADS: string[] = [];
function padOf(depth: number): string {
  return (PADS[depth] ??= "    ".repeat(depth));
}

function write(node: Node, depth: number, out: string[]): void {
  const pad = padOf(depth);
  switch (node.kind) {
    case "leaf":
      out.push(`${pad}<${node.name}>${escapeText(node.text)}</${node.name}>`);
      return;
    case "repeated":
      for (const item of node.items) write(item, depth, out);
      return;
    case "element": {
      let attrs = "";
      for (const [k, v] of node.attrs) attrs += ` ${k}="${escapeAttr(v)}"`;
      const hasChildren = node.children.some((c) => c.kind !== "repeated" || c.items.length > 0);
      if (!hasChildren) {
        out.push(`${pad}<${node.name}${attrs}/>`);
        return;
      }
      out.push(`${pad}<${node.name}${attrs}>`);
      for (const child of node.children) write(child, depth + 1, out);
      out.push(`${pad}</${node.name}>`);
    }
  }
}

export function toXml(node: Node): string {
  const out: string[] = [XML_DECLARATION];
  write(node, 0, out);
  return out.join("\n") + "\n";
}
