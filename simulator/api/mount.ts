// Puts the API areas on the server under /ovirt-engine/api and /ovirt-engine/api/v4, behind the
// engine's filter chain: authentication (401), then Version (400), then the correlation id.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EngineContext } from "../context";
import { EmptyAnswer } from "../http/faults";
import { sendEmpty, sendNode } from "../http/server";
import { authenticate } from "../sso/authenticate";
import { Dispatcher } from "./dispatch";
import { applyFollow } from "./follow";
import {
  API_PREFIX,
  API_V4_PREFIX,
  correlationIdOf,
  requestContext,
  type Area,
  type RequestContext,
} from "./context";

declare module "fastify" {
  interface FastifyRequest {
    apiCtx: RequestContext | null;
  }
}

const UNAUTHORIZED_BODY = "<html><head><title>Error</title></head><body>Unauthorized</body></html>";
const VERSION_IN_URL = /^\/ovirt-engine\/api\/v([0-9]+)(?:[/?]|$)/;

function isApiPath(url: string): boolean {
  return url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`);
}

/** VersionFilter: URL prefix first, then the Version header, then the default (4). Only 4 is served. */
function requestedVersion(request: FastifyRequest): string {
  const m = VERSION_IN_URL.exec(request.url);
  if (m) return m[1];
  const header = request.headers.version;
  const v = Array.isArray(header) ? header[0] : header;
  return v && v.trim() !== "" ? v.trim() : "4";
}

function unauthorized(reply: FastifyReply): FastifyReply {
  return reply
    .code(401)
    .header("www-authenticate", 'Basic realm="RESTAPI"')
    .header("content-type", "text/html;charset=UTF-8")
    .send(UNAUTHORIZED_BODY);
}

export function mountApi(app: FastifyInstance, engine: EngineContext, areas: readonly Area[]): void {
  app.decorateRequest("apiCtx", null);

  app.addHook("onRequest", async (request, reply) => {
    if (!isApiPath(request.url)) return;
    if (!authenticate(engine, request.headers.authorization)) return unauthorized(reply);
    // The engine does not emulate API v3 (the 4.3 engine still lists it as supported): 400, like an
    // engine configured without it.
    if (requestedVersion(request) !== "4") throw new EmptyAnswer(400);
    const correlationId = correlationIdOf(request);
    const ctx = requestContext(request, correlationId, engine.personality.model44);
    request.apiCtx = ctx;
    request.correlationId = correlationId;
    request.responseFormat = ctx.format;
    reply.header("correlation-id", correlationId);
  });

  const routes = areas.flatMap((area) => area(engine));
  const dispatcher = new Dispatcher(routes);
  for (const prefix of [API_PREFIX, API_V4_PREFIX]) {
    for (const route of routes) {
      app.route({
        method: route.method,
        url: `${prefix}${route.path}`,
        handler: async (request, reply) => {
          const answer = route.handle({
            ctx: request.apiCtx!,
            params: request.params as Record<string, string>,
            body: typeof request.body === "string" ? request.body : undefined,
            method: request.method,
          });
          for (const [k, v] of Object.entries(answer.headers ?? {})) reply.header(k, v);
          const follow = request.apiCtx!.query.follow;
          const node =
            answer.node && route.method === "GET" && follow
              ? applyFollow(answer.node, follow, request.apiCtx!, dispatcher)
              : answer.node;
          return node
            ? sendNode(reply, node, request.apiCtx!.format, answer.status)
            : sendEmpty(reply, answer.status);
        },
      });
    }
  }
}
