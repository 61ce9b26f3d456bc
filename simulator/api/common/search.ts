// The engine's search language for `?search=` (API-NOTES 2.4): `field op value` conditions joined by
// `and` / `or` (juxtaposition = and, and binds tighter), parentheses, double-quoted values, `*`
// wildcards, `sortby <field> [asc|desc]`, `page N`; case-insensitive unless `case_sensitive=true`.
// Each collection declares its keywords; an unknown keyword is a search syntax error, as in the engine.
import { ApiFault } from "../../http/faults";

export type SearchValue = string | number | boolean | undefined | null;
/** keyword -> accessor. Keywords are lower-case, as the engine's auto-completers define them. */
export type SearchFields<T> = Readonly<Record<string, (e: T) => SearchValue>>;

type Op = "=" | "!=" | "<" | ">" | "<=" | ">=";
type Expr =
  { kind: "cond"; field: string; op: Op; value: string } | { kind: "and" | "or"; left: Expr; right: Expr };

interface Token {
  type: "word" | "quoted" | "op" | "paren";
  text: string;
  start: number;
  end: number;
}

export interface ParsedSearch {
  where?: Expr;
  sortBy?: { field: string; desc: boolean };
  page?: number;
}

class SearchSyntaxError extends Error {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super("search syntax error");
  }
}

const TOKEN_RE = /\s*(?:"((?:[^"\\]|\\.)*)"|(!=|<=|>=|=|<|>)|([()])|([^\s=!<>()"]+))/y;

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < q.length) {
    if (/^\s*$/.test(q.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(q);
    if (!m) throw new SearchSyntaxError(pos, q.length);
    const start = m.index + m[0].length - m[0].trimStart().length;
    const end = TOKEN_RE.lastIndex;
    if (m[1] !== undefined) tokens.push({ type: "quoted", text: m[1].replace(/\\(.)/g, "$1"), start, end });
    else if (m[2] !== undefined) tokens.push({ type: "op", text: m[2], start, end });
    else if (m[3] !== undefined) tokens.push({ type: "paren", text: m[3], start, end });
    else tokens.push({ type: "word", text: m[4], start, end });
    pos = end;
  }
  return tokens;
}

const isKeyword = (t: Token | undefined, word: string) => t?.type === "word" && t.text.toLowerCase() === word;

function parse(q: string, fields: ReadonlySet<string>): ParsedSearch {
  const tokens = tokenize(q);
  let i = 0;
  const peek = () => tokens[i];
  const fail = (t: Token | undefined): never => {
    throw t ? new SearchSyntaxError(t.start, t.end) : new SearchSyntaxError(q.length, q.length);
  };

  const condition = (): Expr => {
    const t = peek();
    if (t?.type === "paren" && t.text === "(") {
      i++;
      const inner = orExpr();
      if (!(peek()?.type === "paren" && peek().text === ")")) fail(peek());
      i++;
      return inner;
    }
    if (!t || t.type !== "word") return fail(t);
    const field = t.text.toLowerCase();
    if (!fields.has(field)) fail(t);
    i++;
    const op = peek();
    if (!op || op.type !== "op") return fail(op);
    i++;
    const v = peek();
    if (!v || (v.type !== "word" && v.type !== "quoted")) return fail(v);
    i++;
    return { kind: "cond", field, op: op.text as Op, value: v.text };
  };
  const atEndOfCriteria = () => {
    const t = peek();
    return (
      !t ||
      isKeyword(t, "sortby") ||
      isKeyword(t, "page") ||
      isKeyword(t, "or") ||
      (t.type === "paren" && t.text === ")")
    );
  };
  const andExpr = (): Expr => {
    let left = condition();
    while (!atEndOfCriteria()) {
      if (isKeyword(peek(), "and")) i++;
      left = { kind: "and", left, right: condition() };
    }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (isKeyword(peek(), "or")) {
      i++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  };

  const out: ParsedSearch = {};
  if (peek() && !isKeyword(peek(), "sortby") && !isKeyword(peek(), "page")) out.where = orExpr();
  if (isKeyword(peek(), "sortby")) {
    i++;
    const f = peek();
    if (!f || f.type !== "word" || !fields.has(f.text.toLowerCase())) fail(f);
    i++;
    let desc = false;
    if (isKeyword(peek(), "asc") || isKeyword(peek(), "desc"))
      desc = tokens[i++].text.toLowerCase() === "desc";
    out.sortBy = { field: f.text.toLowerCase(), desc };
  }
  if (isKeyword(peek(), "page")) {
    i++;
    const n = peek();
    if (!n || !/^\d+$/.test(n.text) || Number(n.text) < 1) fail(n);
    i++;
    out.page = Number(n.text);
  }
  if (i < tokens.length) fail(peek());
  return out;
}

/** Compares numerically when both sides are numbers or dotted versions (4.3 < 4.10), else as text. */
function compare(a: string, b: string): number {
  if (/^\d+(\.\d+)*$/.test(a) && /^\d+(\.\d+)*$/.test(b)) {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let k = 0; k < Math.max(pa.length, pb.length); k++) {
      const d = (pa[k] ?? 0) - (pb[k] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function wildcard(pattern: string, caseSensitive: boolean): RegExp {
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`, caseSensitive ? "s" : "is");
}

function matches<T>(e: T, expr: Expr, fields: SearchFields<T>, caseSensitive: boolean): boolean {
  if (expr.kind !== "cond") {
    const left = matches(e, expr.left, fields, caseSensitive);
    if (expr.kind === "and") return left && matches(e, expr.right, fields, caseSensitive);
    return left || matches(e, expr.right, fields, caseSensitive);
  }
  const raw = fields[expr.field](e);
  if (raw === undefined || raw === null) return expr.op === "!=";
  const actual = String(raw);
  switch (expr.op) {
    case "=":
      return wildcard(expr.value, caseSensitive).test(actual);
    case "!=":
      return !wildcard(expr.value, caseSensitive).test(actual);
    default: {
      const fold = (s: string) => (caseSensitive ? s : s.toLowerCase());
      const c = compare(fold(actual), fold(expr.value));
      return expr.op === "<" ? c < 0 : expr.op === ">" ? c > 0 : expr.op === "<=" ? c <= 0 : c >= 0;
    }
  }
}

/** The engine reports a bad search with the offending part of the text between `$` signs. */
function searchFault(q: string, err: SearchSyntaxError): ApiFault {
  const marked =
    err.end > err.start ? `${q.slice(0, err.start)}$${q.slice(err.start, err.end)}$${q.slice(err.end)}` : q;
  return new ApiFault(400, "Operation Failed", `[${marked}]`);
}

export interface ListParams {
  search?: string;
  max?: string;
  case_sensitive?: string;
}

/** A query parameter boolean as ParametersHelper reads it: t/true/y/yes/1 (a bare `?x` means true). */
export function booleanParam(raw: string | undefined, whenEmpty = true, whenMissing = false): boolean {
  if (raw === undefined) return whenMissing;
  if (raw === "") return whenEmpty;
  return ["t", "true", "y", "yes", "1"].includes(raw.toLowerCase());
}

/**
 * Lists `items` as the engine's collection GET does: search, sort (default by name), page, max.
 * An unparsable `max` is ignored, like ParametersHelper does.
 */
/**
 * The name of a search that is exactly `name=<literal>` (no wildcard, quotes or operators), so the
 * caller may read only the entities of that name (EntityStore.listByName) before listWithSearch
 * applies the search itself; undefined for any other search.
 */
export function exactNameSearch(search: string | undefined): string | undefined {
  return /^\s*name\s*=\s*([A-Za-z0-9_.-]+)\s*$/.exec(search ?? "")?.[1];
}

export function listWithSearch<T>(
  items: T[],
  params: ListParams,
  fields: SearchFields<T>,
  defaultSort: (e: T) => string,
): T[] {
  const caseSensitive = booleanParam(params.case_sensitive);
  let parsed: ParsedSearch = {};
  if (params.search !== undefined && params.search.trim() !== "") {
    try {
      parsed = parse(params.search, new Set(Object.keys(fields)));
    } catch (err) {
      if (err instanceof SearchSyntaxError) throw searchFault(params.search, err);
      throw err;
    }
  }
  const where = parsed.where;
  let out = where ? items.filter((e) => matches(e, where, fields, caseSensitive)) : [...items];
  const sortKey = parsed.sortBy ? (e: T) => String(fields[parsed.sortBy!.field](e) ?? "") : defaultSort;
  out.sort((a, b) => compare(sortKey(a).toLowerCase(), sortKey(b).toLowerCase()));
  if (parsed.sortBy?.desc) out.reverse();
  const max = params.max !== undefined && /^-?\d+$/.test(params.max) ? Number(params.max) : undefined;
  if (parsed.page !== undefined && max !== undefined && max > 0) out = out.slice((parsed.page - 1) * max);
  if (max !== undefined && max >= 0) out = out.slice(0, max);
  return out;
}
