// The engine's SSO endpoints (API-NOTES 1.1; enginesso OAuthTokenServlet / SsoService):
// POST /ovirt-engine/sso/oauth/token and POST /ovirt-engine/services/sso-logout.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EngineContext } from "../context";
import { basicCredentials, isAdmin, splitUser } from "./authenticate";

/** The scopes `ovirt-app-api` implies (sso_scope_dependency), granted with it. */
const SCOPE_DEPENDENCIES: Record<string, readonly string[]> = {
  "ovirt-app-api": [
    "ovirt-ext=token-info:authz-search",
    "ovirt-ext=token-info:public-authz-search",
    "ovirt-ext=token-info:validate",
    "ovirt-ext=token:password-access",
  ],
};

const MSG = {
  unsupportedGrant: "The authorization grant type is not supported by the authorization server.",
  missing: (name: string) => `Missing parameter: '${name}'`,
  cannotAuthenticate: (user: string, profile: string, why: string) =>
    `Cannot authenticate user '${user}@${profile}': ${why}.`,
  failed: "Unable to log in. Verify your login information or contact the system administrator.",
  noUserName: "No user name found in credentials.",
  noValidProfile: "No valid profile found in credentials.",
};

class OAuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Servlet getParameter: query string and form body together. */
function parameters(request: FastifyRequest): URLSearchParams {
  const params = new URLSearchParams(request.url.split("?")[1] ?? "");
  if (
    typeof request.body === "string" &&
    /x-www-form-urlencoded/i.test(request.headers["content-type"] ?? "")
  ) {
    for (const [k, v] of new URLSearchParams(request.body)) params.append(k, v);
  }
  return params;
}

function resolveScope(requested: string): string {
  const scopes = new Set<string>();
  for (const s of requested.split(/\s+/).filter(Boolean)) {
    scopes.add(s);
    for (const d of SCOPE_DEPENDENCIES[s] ?? []) scopes.add(d);
  }
  return [...scopes].sort().join(" ");
}

/** REST-API-only scope answers errors as {error_code, error}; others as {error, error_description}. */
function isRestApiScope(scope: string): boolean {
  const list = scope.split(" ");
  return (
    list.includes("ovirt-app-api") && !list.includes("ovirt-app-admin") && !list.includes("ovirt-app-portal")
  );
}

function sendJson(reply: FastifyReply, status: number, payload: object): FastifyReply {
  return reply.code(status).header("content-type", "application/json").send(JSON.stringify(payload));
}

function required(params: URLSearchParams, name: string): string {
  const v = params.get(name);
  if (v === null) throw new OAuthError("invalid_request", MSG.missing(name));
  return v;
}

function validateAccept(request: FastifyRequest): void {
  if (request.headers.accept !== "application/json")
    throw new OAuthError("invalid_request", MSG.missing("Accept Header"));
}

/** Password grant: credentials first, then the Accept header, as issueTokenForPasswd does. */
function passwordGrant(
  engine: EngineContext,
  request: FastifyRequest,
  params: URLSearchParams,
  scope: string,
) {
  const user = required(params, "username");
  const password = required(params, "password");
  const { name, profile } = splitUser(user);
  const denied = (why: string) =>
    new OAuthError("access_denied", MSG.cannotAuthenticate(name, profile ?? "N/A", why));
  if (name === "") throw denied(MSG.noUserName);
  if (profile !== "internal") throw denied(MSG.noValidProfile);
  if (!isAdmin(engine, user, password)) throw denied(MSG.failed);
  validateAccept(request);
  return engine.tokens.issue(user, scope);
}

/** The Kerberos/HTTP-auth grant; here the HTTP authentication is Basic. */
function httpGrant(engine: EngineContext, request: FastifyRequest, scope: string) {
  const basic = basicCredentials(request.headers.authorization);
  if (!basic || !isAdmin(engine, basic.user, basic.password)) return undefined;
  validateAccept(request);
  return engine.tokens.issue(basic.user, scope);
}

export function registerSsoRoutes(app: FastifyInstance, engine: EngineContext): void {
  app.post("/ovirt-engine/sso/oauth/token", async (request, reply) => {
    const params = parameters(request);
    const scope = resolveScope(params.get("scope") ?? "");
    try {
      // A missing grant_type falls through to "unsupported", as the servlet's default value does.
      const grantType = params.get("grant_type") ?? "grant_type";
      let issued;
      if (grantType === "password") issued = passwordGrant(engine, request, params, scope);
      else if (grantType === "urn:ovirt:params:oauth:grant-type:http") {
        issued = httpGrant(engine, request, scope);
        if (!issued) return reply.code(401).header("www-authenticate", 'Basic realm="RESTAPI"').send();
      } else throw new OAuthError("unsupported_grant_type", MSG.unsupportedGrant);
      return sendJson(reply, 200, {
        access_token: issued.token,
        scope: issued.scope,
        exp: String(issued.validTo),
        token_type: "bearer",
      });
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      return sendJson(
        reply,
        400,
        isRestApiScope(scope)
          ? { error_code: err.code, error: err.message }
          : { error: err.code, error_description: err.message },
      );
    }
  });

  // services/SsoLogoutServlet: revokes the token and answers the revoke service's JSON ({} on success).
  app.route({
    method: ["GET", "POST"],
    url: "/ovirt-engine/services/sso-logout",
    handler: async (request, reply) => {
      const token = parameters(request).get("token");
      if (token) engine.tokens.revoke(token);
      return sendJson(reply, 200, {});
    },
  });
}
