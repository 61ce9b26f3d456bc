// Writes a discovered inventory into a stack config file's text under one config key, keeping the
// rest of the file byte for byte: the block is edited through the `yaml` Document API and only its
// own lines are replaced (or, the first time, inserted at the end of `config:`). Objects already in
// the block (same name in the same list) are left exactly as the user has them; new ones are
// appended; ones no longer on the engine are reported, and removed only when pruning.
import { isMap, isSeq, parseDocument, Document, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
import type { Inventory, Item } from "./inventory";

export const KINDS = [
  { kind: "clusters", path: ["clusters"] },
  { kind: "hosts", path: ["hosts"] },
  { kind: "networks", path: ["networks"] },
  { kind: "glusterServers", path: ["gluster", "servers"] },
  { kind: "glusterVolumes", path: ["gluster", "volumes"] },
  { kind: "storageDomains", path: ["storageDomains"] },
  { kind: "vms", path: ["vms"] },
] as const;

export type Kind = (typeof KINDS)[number]["kind"];

/**
 * What the summary counts: the lists above, and the files of ISO domains (`isoFiles` of each
 * storage domain entry, named `<domain>/<file>`), merged inside an entry the same way.
 */
export type SummaryKind = Kind | "isoFiles";
export const SUMMARY_KINDS: readonly SummaryKind[] = [...KINDS.map((k) => k.kind), "isoFiles"];

export interface KindSummary {
  /** On the engine. */
  found: number;
  added: string[];
  kept: string[];
  /** In the block but no longer on the engine. */
  gone: string[];
  /** Of `gone`, removed from the block (--prune). */
  pruned: string[];
}

export interface MergeResult {
  /** The new file text (the input itself when nothing changed). */
  text: string;
  changed: boolean;
  summary: Record<SummaryKind, KindSummary>;
  /** Things in the block that are not as discover would write them (kept as they are). */
  notes: string[];
}

export interface MergeOptions {
  key: string;
  engine: string;
  prune: boolean;
  now: Date;
}

export const STAMP = "Written by ovirt-lab discover";

export class MergeError extends Error {}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

function indentOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** Past the comment lines at `from` that are indented deeper than `indent` (they belong above). */
function skipDeeperComments(text: string, from: number, indent: number): number {
  let at = from;
  while (at < text.length) {
    const end = text.indexOf("\n", at);
    const line = text.slice(at, end < 0 ? text.length : end);
    const m = /^(\s*)#/.exec(line);
    if (!m || m[1].length <= indent) break;
    at = end < 0 ? text.length : end + 1;
  }
  return at;
}

function itemName(node: unknown): string | undefined {
  if (!isMap(node)) return undefined;
  const n = node.get("name");
  return typeof n === "string" || typeof n === "number" ? String(n) : undefined;
}

/** VM names a `vmGroups` entry stands for (`<name>-1` .. `<name>-<count>`). */
function groupMembers(block: YAMLMap): Set<string> {
  const out = new Set<string>();
  const groups = block.get("vmGroups", true);
  if (!isSeq(groups)) return out;
  for (const g of groups.items) {
    if (!isMap(g)) continue;
    const name = itemName(g);
    const count = Number(g.get("count"));
    if (name && Number.isInteger(count)) for (let i = 1; i <= count; i++) out.add(`${name}-${i}`);
  }
  return out;
}

function itemsOf(inv: Inventory, kind: Kind): Item[] {
  return inv[kind];
}

/**
 * The files of an ISO domain entry the block has already: the ones listed stay as the user has
 * them, new ones are appended, ones no longer on the domain are reported (removed when pruning).
 * True when the entry changed.
 */
function mergeIsoFiles(
  doc: Document,
  entry: YAMLMap,
  domain: string,
  found: Item[],
  s: KindSummary,
  opts: MergeOptions,
): boolean {
  const existing: unknown = entry.get("isoFiles", true);
  if (existing !== undefined && !isSeq(existing)) {
    throw new MergeError(`${opts.key}.storageDomains ${domain}: isoFiles is not a list; fix it first`);
  }
  let node: YAMLSeq | undefined = existing;
  let changed = false;
  const have = new Set((node?.items ?? []).map(itemName).filter((n): n is string => n !== undefined));
  for (const f of found) {
    if (have.has(f.name)) {
      s.kept.push(`${domain}/${f.name}`);
      continue;
    }
    if (!node) {
      entry.set("isoFiles", doc.createNode([]));
      node = entry.get("isoFiles", true) as unknown as YAMLSeq;
    }
    node.items.push(doc.createNode(f));
    s.added.push(`${domain}/${f.name}`);
    changed = true;
  }
  const onDomain = new Set(found.map((f) => f.name));
  const gone = [...have].filter((n) => !onDomain.has(n));
  s.gone.push(...gone.map((n) => `${domain}/${n}`));
  if (opts.prune && gone.length && node) {
    node.items = node.items.filter((n) => onDomain.has(itemName(n) ?? ""));
    s.pruned.push(...gone.map((n) => `${domain}/${n}`));
    changed = true;
  }
  return changed;
}

export function mergeInventory(text: string, inv: Inventory, opts: MergeOptions): MergeResult {
  const doc = parseDocument(text);
  if (doc.errors.length) {
    throw new MergeError(`the stack file does not parse as YAML: ${doc.errors[0].message}`);
  }
  const config = doc.get("config", true);
  if (!isMap(config) || config.items.length === 0) {
    throw new MergeError("the stack file has no `config:` map (ovirt-lab:engines lives there)");
  }
  const pair = config.items.find((p) => (p.key as Scalar | undefined)?.value === opts.key);
  if (pair && !isMap(pair.value)) {
    throw new MergeError(`config key ${opts.key} is not a map; move it away or delete it first`);
  }
  const block = pair ? (pair.value as YAMLMap) : (doc.createNode({}) as YAMLMap);
  let changed = !pair;
  const notes: string[] = [];

  const setIfMissing = (path: string[], value: unknown): void => {
    if (block.hasIn(path)) return;
    block.setIn(path, doc.createNode(value));
    changed = true;
  };
  if (!block.has("engine")) {
    // At the top of the block: it says where everything below lives. A comment above the user's
    // first key stays with that key.
    const firstKey = block.items[0]?.key as Scalar | undefined;
    if (firstKey && block.commentBefore) {
      firstKey.commentBefore = block.commentBefore;
      block.commentBefore = undefined;
    }
    block.items.unshift(new Pair(new Scalar("engine"), new Scalar(opts.engine)));
    changed = true;
  }
  if (block.get("engine") !== opts.engine) {
    notes.push(`${opts.key}.engine is "${String(block.get("engine"))}", not "${opts.engine}" (kept)`);
  }
  setIfMissing(["dataCenter"], inv.dataCenter);
  const dcName = block.getIn(["dataCenter", "name"]);
  if (dcName !== inv.dataCenter.name) {
    notes.push(
      `${opts.key}.dataCenter.name is "${String(dcName)}", the engine's is "${String(inv.dataCenter.name)}" (kept)`,
    );
  }

  const summary = {} as Record<SummaryKind, KindSummary>;
  const files: KindSummary = { found: 0, added: [], kept: [], gone: [], pruned: [] };
  summary.isoFiles = files;
  const grouped = groupMembers(block);
  for (const { kind, path } of KINDS) {
    const found = itemsOf(inv, kind);
    const s: KindSummary = { found: found.length, added: [], kept: [], gone: [], pruned: [] };
    summary[kind] = s;
    if (kind === "glusterServers" || kind === "glusterVolumes") {
      // Discovered volumes exist already: the stack only declares the domains on them.
      if (found.length) setIfMissing(["gluster", "manageVolumes"], false);
    }
    const node = block.getIn(path, true);
    if (node !== undefined && !isSeq(node)) {
      throw new MergeError(`${opts.key}.${path.join(".")} is not a list; fix it first`);
    }
    let seq: YAMLSeq | undefined = node;
    const have = new Map<string, number>();
    seq?.items.forEach((node, i) => {
      const name = itemName(node);
      if (name !== undefined) have.set(name, i);
    });
    const onEngine = new Set(found.map((i) => i.name));
    for (const item of found) {
      if (kind === "storageDomains" && Array.isArray(item.isoFiles)) {
        const listed = item.isoFiles as Item[];
        files.found += listed.length;
        const entry = have.has(item.name) ? seq!.items[have.get(item.name)!] : undefined;
        if (isMap(entry)) {
          if (mergeIsoFiles(doc, entry, item.name, listed, files, opts)) changed = true;
        } else if (entry === undefined) {
          files.added.push(...listed.map((f) => `${item.name}/${f.name}`));
        }
      }
      if (have.has(item.name) || (kind === "vms" && grouped.has(item.name))) {
        s.kept.push(item.name);
        continue;
      }
      if (!seq) {
        block.setIn(path, doc.createNode([]));
        seq = block.getIn(path, true) as YAMLSeq;
      }
      seq.items.push(doc.createNode(item));
      s.added.push(item.name);
      changed = true;
    }
    for (const name of have.keys()) if (!onEngine.has(name)) s.gone.push(name);
    if (opts.prune && s.gone.length && seq) {
      const gone = new Set(s.gone);
      seq.items = seq.items.filter((n) => !gone.has(itemName(n) ?? ""));
      s.pruned.push(...s.gone);
      changed = true;
    }
  }
  if (!changed) return { text, changed: false, summary, notes };

  // The block alone, as text: `<key>:` and its value, block style, at the indentation of config's keys.
  const first = config.items[0].key as Scalar;
  const indent = indentOf(text, first.range![0]);
  const savedComment = block.comment;
  block.comment = undefined; // comments after the block stay where they are in the text
  const alone = new Document();
  alone.contents = new YAMLMap();
  (alone.contents as YAMLMap).items.push(new Pair(new Scalar(opts.key), block));
  const body = alone.toString({ lineWidth: 0 });
  block.comment = savedComment;
  const pad = " ".repeat(indent);
  const stamp = `${pad}# ${STAMP} from engine "${opts.engine}" at ${opts.now.toISOString()}; re-run it to add what is new.\n`;
  const blockText =
    stamp +
    body
      .split("\n")
      .map((l) => (l === "" ? l : pad + l))
      .join("\n")
      .replace(/\n*$/, "\n");

  let start: number;
  let end: number;
  if (pair) {
    start = lineStart(text, (pair.key as Scalar).range![0]);
    const prev = lineStart(text, start - 1);
    if (start > 0 && text.slice(prev, start).trimStart().startsWith(`# ${STAMP}`)) start = prev;
    end = (pair.value as YAMLMap).range![1];
    if (end > 0 && text[end - 1] !== "\n") {
      const nl = text.indexOf("\n", end);
      end = nl < 0 ? text.length : nl + 1;
    }
  } else {
    const last = config.items[config.items.length - 1];
    const node = (last.value ?? last.key) as { range?: [number, number, number] };
    let at = node.range![1];
    if (at > 0 && text[at - 1] !== "\n") {
      const nl = text.indexOf("\n", at);
      at = nl < 0 ? text.length : nl + 1;
    }
    at = skipDeeperComments(text, at, indent);
    start = end = at;
  }
  const before = text.slice(0, start);
  const glue = before === "" || before.endsWith("\n") ? "" : "\n";
  return { text: before + glue + blockText + text.slice(end), changed: true, summary, notes };
}
