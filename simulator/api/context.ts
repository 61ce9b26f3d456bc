// Per-request facts of an API call (format, href base, correlation id, common parameters) and the
// small route abstraction areas use, so an area is plain functions over EngineContext + ApiRequest.
import crypto from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { EngineContext } from "../context";
import type { BodyFormat } from "../repr/decode";
import type { Node, RenderContext } from "../repr/tree";
import { booleanParam } from "./common/search";

export const API_PREFIX = "/ovirt-engine/api";
export const API_V4_PREFIX = "/ovirt-engine/api/v4";

export interface RequestContext {
  /** Response format: XML unless Accept (or ?accept=) asks for JSON. */
  readonly format: BodyFormat;
  /** Format of the request body, from Content-Type (XML by default, like the SDKs send). */
  readonly bodyFormat: BodyFormat;
  /** `https://host:port`, for Location and Link headers and usage hints. */
  readonly origin: string;
  readonly correlationId: string;
  readonly query: Readonly<Record<string, string>>;
  /** `All-Content: true` / `?all_content=true`. */
  readonly allContent: boolean;
  /** `Filter: true` / `?filter=true`: the non-admin ("user") view. */
  readonly filter: boolean;
  /** The Expect header (`201-created`, `202-accepted`). */
  readonly expect: string | undefined;
  readonly render: RenderContext;
}

export interface ApiRequest {
  readonly ctx: RequestContext;
  readonly params: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly method: string;
}

export interface Answer {
  readonly status: number;
  readonly node?: Node;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** Path below the API root, e.g. `/datacenters/:id`. */
  readonly path: string;
  readonly handle: (req: ApiRequest) => Answer;
}

/** An API area: a function from the engine to its routes. */
export type Area = (engine: EngineContext) => Route[];

const INVALID_CORRELATION_CHARS = /[^0-9a-zA-Z_-]+/g;

function cleanCorrelationId(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const clean = raw.replace(INVALID_CORRELATION_CHARS, "");
  return clean ? clean.slice(0, 36) : undefined;
}

/** Query parameters with one value each (the first, as the servlet API's getParameter gives). */
function queryOf(request: FastifyRequest): Record<string, string> {
  const raw = (request.query ?? {}) as Record<string, string | string[]>;
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

/** CurrentFilter: header first, then ?correlation_id=, else a random UUID. */
export function correlationIdOf(request: FastifyRequest): string {
  const query = queryOf(request);
  const header = request.headers["correlation-id"];
  return (
    cleanCorrelationId(Array.isArray(header) ? header[0] : header) ??
    cleanCorrelationId(query.correlation_id) ??
    crypto.randomUUID()
  );
}

function wantsJson(mediaType: string | undefined): boolean {
  return !!mediaType && /application\/json/i.test(mediaType);
}

/** `filter` and `All-Content` are the only parameters the engine also reads from headers. */
function headerOrParam(request: FastifyRequest, header: string, param: string): boolean {
  const query = queryOf(request);
  const h = request.headers[header];
  const raw = query[param] ?? (Array.isArray(h) ? h[0] : h);
  return booleanParam(raw);
}

export function requestContext(
  request: FastifyRequest,
  correlationId: string,
  model44: boolean,
): RequestContext {
  const query = queryOf(request);
  const accept = query.accept ?? request.headers.accept;
  const path = request.url.split("?")[0];
  const base = path === API_V4_PREFIX || path.startsWith(`${API_V4_PREFIX}/`) ? API_V4_PREFIX : API_PREFIX;
  return {
    format: wantsJson(accept) ? "json" : "xml",
    bodyFormat: wantsJson(request.headers["content-type"]) ? "json" : "xml",
    origin: `https://${request.headers.host ?? "localhost"}`,
    correlationId,
    query,
    allContent: headerOrParam(request, "all-content", "all_content"),
    filter: headerOrParam(request, "filter", "filter"),
    expect: request.headers.expect,
    render: { base, model44 },
  };
}
