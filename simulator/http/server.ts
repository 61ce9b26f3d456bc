// The HTTPS server: TLS from our CA, raw string bodies (each endpoint decodes its own format), the
// request log, and the one place engine errors become HTTP answers.
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { BodyFormat } from "../repr/decode";
import { toJson } from "../repr/json";
import type { Node } from "../repr/tree";
import { toXml } from "../repr/xml";
import { ApiFault, EmptyAnswer } from "./faults";
import type { RequestLog } from "./request-log";

declare module "fastify" {
  interface FastifyRequest {
    /** Format faults are rendered in; set for API requests once Accept is known. */
    responseFormat: BodyFormat;
    /** The API request's correlation id (null outside the API), for the request log. */
    correlationId: string | null;
  }
}

const CONTENT_TYPES: Record<BodyFormat, string> = {
  xml: "application/xml;charset=UTF-8",
  json: "application/json;charset=UTF-8",
};

export function sendNode(reply: FastifyReply, node: Node, format: BodyFormat, status = 200): FastifyReply {
  return reply
    .code(status)
    .header("content-type", CONTENT_TYPES[format])
    .send(format === "json" ? toJson(node) : toXml(node));
}

/** Sends a status with no body at all (no Content-Type either), like the engine's 404s. */
export function sendEmpty(reply: FastifyReply, status: number): FastifyReply {
  return reply.code(status).removeHeader("content-type").send();
}

export function createHttpServer(tls: { key: string; cert: string }, log: RequestLog): FastifyInstance {
  const app = Fastify({
    https: { key: tls.key, cert: tls.cert },
    logger: false,
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 16 * 1024 * 1024,
    forceCloseConnections: true,
  });

  app.decorateRequest("responseFormat", "xml");
  app.decorateRequest("correlationId", null);

  // Every body arrives as a string; API areas, SSO and services each read their own format.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));

  app.addHook("onSend", async (request, reply, payload) => {
    log.append({
      time: new Date().toISOString(),
      method: request.method,
      path: request.url,
      status: reply.statusCode,
      correlation_id: request.correlationId,
    });
    return payload;
  });

  app.setErrorHandler((err, request, reply) => {
    if (err instanceof EmptyAnswer) return sendEmpty(reply, err.status);
    if (err instanceof ApiFault) return sendNode(reply, err.toNode(), request.responseFormat, err.status);
    // The HTTP layer's own refusals (body too large, bad framing) carry their status.
    const status = (err as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return sendEmpty(reply, status);
    // Mapping errors in the engine are a 500 "Operation Failed" without detail.
    process.stderr.write(
      `engine: ${request.method} ${request.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return sendNode(reply, new ApiFault(500, "Operation Failed").toNode(), request.responseFormat, 500);
  });

  app.setNotFoundHandler((_request, reply) => sendEmpty(reply, 404));
  return app;
}
