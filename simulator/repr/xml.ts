// Serializes a render tree the way the engine's JAXB output looks: XML declaration with
// standalone="yes", 4-space indentation, attributes in order, empty strings as <x></x>.
import type { Node } from "./tree";

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';

function escapeText(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, "&quot;");
}

function write(node: Node, depth: number, out: string[]): void {
  const pad = "    ".repeat(depth);
  switch (node.kind) {
    case "leaf":
      out.push(`${pad}<${node.name}>${escapeText(node.text)}</${node.name}>`);
      return;
    case "repeated":
      for (const item of node.items) write(item, depth, out);
      return;
    case "element": {
      const attrs = node.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join("");
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
