// The `follow` parameter (API-NOTES 1.3, MODEL mixins/Follow.java): `?follow=disk_attachments.disk,nics`
// inlines linked objects into a GET's answer, an entity or every entity of a list. Each path element
// is an attribute name (snake_case): a reference (`data_center`, `template`), a list of references
// (`data_centers`) or a sub-collection link (`disk_attachments` for `rel="diskattachments"`); dots
// go deeper into what was inlined. The linked objects are read through the API's own GET routes, so
// they render exactly as a GET of their href would (in XML and JSON alike); the link stays.
import type { RequestContext } from "./context";
import type { Dispatcher } from "./dispatch";
import type { Node } from "../repr/tree";

type ElementNode = Extract<Node, { kind: "element" }>;

/** `a.b,c` -> [["a","b"],["c"]]; blanks ignored. */
export function parseFollow(raw: string): string[][] {
  return raw
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map((p) => p.split(".").filter((s) => s !== ""))
    .filter((p) => p.length > 0);
}

function attr(node: ElementNode, name: string): string | undefined {
  return node.attrs.find(([k]) => k === name)?.[1];
}

function isElement(node: Node): node is ElementNode {
  return node.kind === "element";
}

/** The entities of an answer: the entity itself, or the items of a collection. */
function entitiesOf(node: Node): ElementNode[] {
  if (!isElement(node)) return [];
  if (attr(node, "href") !== undefined) return [node];
  const out: ElementNode[] = [];
  for (const child of node.children) {
    if (child.kind === "repeated") for (const item of child.items) if (isElement(item)) out.push(item);
  }
  return out;
}

class Follower {
  private readonly inner: RequestContext;

  constructor(
    ctx: RequestContext,
    private readonly dispatcher: Dispatcher,
  ) {
    // The inlined objects are read plainly: no search, no follow of their own.
    this.inner = { ...ctx, query: {} };
  }

  /** GET of an href the engine rendered; undefined when it is not (or no longer) served. */
  private fetch(href: string): ElementNode | undefined {
    const base = this.inner.render.base;
    if (!href.startsWith(`${base}/`)) return undefined;
    try {
      const answer = this.dispatcher.call(this.inner, "GET", href.slice(base.length));
      return answer.node && isElement(answer.node) && answer.status === 200 ? answer.node : undefined;
    } catch {
      return undefined;
    }
  }

  /** A reference (no members, an href) replaced by the object it names, under the same name. */
  private resolveRef(ref: ElementNode): ElementNode {
    const href = attr(ref, "href");
    if (href === undefined || ref.children.length > 0) return ref;
    const got = this.fetch(href);
    return got ? { ...got, name: ref.name } : ref;
  }

  follow(entity: ElementNode, path: readonly string[]): void {
    const [name, ...rest] = path;
    let inlined: ElementNode[] = [];
    const index = entity.children.findIndex((c) => c.kind === "element" && c.name === name);
    if (index >= 0) {
      const child = entity.children[index] as ElementNode;
      if (attr(child, "href") !== undefined) {
        const resolved = this.resolveRef(child);
        entity.children[index] = resolved;
        inlined = [resolved];
      } else {
        // A list of references (`<data_centers><data_center href id/>…`) or an inlined collection.
        for (const rep of child.children) {
          if (rep.kind !== "repeated") continue;
          rep.items = rep.items.map((item) => (isElement(item) ? this.resolveRef(item) : item));
          inlined.push(...rep.items.filter(isElement));
        }
      }
    } else {
      const rel = name.replace(/_/g, "");
      const link = entity.children
        .filter((c): c is Extract<Node, { kind: "repeated" }> => c.kind === "repeated" && c.name === "link")
        .flatMap((r) => r.items.filter(isElement))
        .find((l) => attr(l, "rel") === rel || attr(l, "rel") === name);
      const href = link && attr(link, "href");
      const got = href === undefined ? undefined : this.fetch(href);
      if (got) {
        const collection: ElementNode = { ...got, name };
        entity.children.push(collection);
        inlined = entitiesOf(collection);
      }
    }
    if (rest.length > 0) for (const e of inlined) this.follow(e, rest);
  }
}

/** Applies `?follow=` to a GET answer's tree (in place) and returns it. */
export function applyFollow(node: Node, raw: string, ctx: RequestContext, dispatcher: Dispatcher): Node {
  const paths = parseFollow(raw);
  if (paths.length === 0) return node;
  const follower = new Follower(ctx, dispatcher);
  for (const entity of entitiesOf(node)) for (const path of paths) follower.follow(entity, path);
  return node;
}
