// Who may call the API: a valid SSO bearer token, or Basic credentials of admin@internal
// (deprecated since 4.0, still served). Also the credential check the token endpoint uses.
import type { EngineContext } from "../context";

export const ADMIN_USER = "admin";
export const INTERNAL_PROFILE = "internal";

/** SsoService.translateUser: `user@profile` split at the last `@`. */
export function splitUser(user: string): { name: string; profile?: string } {
  const at = user.lastIndexOf("@");
  if (at === -1) return { name: user };
  const profile = user.slice(at + 1);
  return { name: user.slice(0, at), profile: profile === "" ? undefined : profile };
}

export function isAdmin(engine: EngineContext, user: string, password: string): boolean {
  const { name, profile } = splitUser(user);
  return name === ADMIN_USER && profile === INTERNAL_PROFILE && password === engine.adminPassword;
}

export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function authenticate(engine: EngineContext, authorization: string | undefined): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (bearer) return engine.tokens.userOf(bearer[1]) !== undefined;
  const basic = basicCredentials(authorization);
  return !!basic && isAdmin(engine, basic.user, basic.password);
}
