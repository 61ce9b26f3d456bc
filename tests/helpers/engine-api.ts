// A deliberately independent, minimal reader of an engine's REST API for assertions in tests:
// it does not use the project's client, so a bug there cannot hide itself.
import * as https from "https";

export interface EngineAccess {
  url: string;
  caPem: string;
  adminPassword: string;
}

function request(
  access: EngineAccess,
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: access.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function token(access: EngineAccess): Promise<string> {
  const base = access.url.replace(/\/api\/?$/, "");
  const form = new URLSearchParams({
    grant_type: "password",
    scope: "ovirt-app-api",
    username: "admin@internal",
    password: access.adminPassword,
  }).toString();
  const res = await request(
    access,
    "POST",
    `${base}/sso/oauth/token`,
    { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
    form,
  );
  if (res.status !== 200) throw new Error(`SSO login failed: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

/** GET `<api>/<path>` as JSON; returns the parsed body, or undefined on 404. */
export async function getJson<T = Record<string, unknown>>(
  access: EngineAccess,
  path: string,
): Promise<T | undefined> {
  const res = await request(access, "GET", `${access.url.replace(/\/$/, "")}/${path}`, {
    Authorization: `Bearer ${await token(access)}`,
    Accept: "application/json",
    Version: "4",
  });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

/** The entities of a collection (the engine's JSON keys a collection by its singular name). */
export async function list(
  access: EngineAccess,
  collection: string,
  singular: string,
): Promise<Array<Record<string, unknown>>> {
  const body = await getJson<Record<string, Array<Record<string, unknown>>>>(access, collection);
  return body?.[singular] ?? [];
}

/** A request the engine logged (what `EngineProcess.requests()` returns, or a subset of it). */
export interface LoggedCall {
  method: string;
  path: string;
  status: number;
}

/**
 * The write requests (anything but GET/HEAD) to the REST API an engine logged since index `from`
 * of its request log; the SSO login is not a write to the engine's objects.
 */
export function writesSince(engine: { requests(): LoggedCall[] }, from: number): LoggedCall[] {
  return engine
    .requests()
    .slice(from)
    .filter((r) => r.method !== "GET" && r.method !== "HEAD" && r.path.startsWith("/ovirt-engine/api"))
    .map((r) => ({ method: r.method, path: r.path, status: r.status }));
}

/** Sends `body` (JSON) with `method` to `<api>/<path>`, as a change made behind Pulumi's back. */
export async function sendJson(
  access: EngineAccess,
  method: "PUT" | "POST" | "DELETE",
  path: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  return request(
    access,
    method,
    `${access.url.replace(/\/$/, "")}/${path}`,
    {
      Authorization: `Bearer ${await token(access)}`,
      Accept: "application/json",
      "Content-Type": "application/json",
      Version: "4",
    },
    JSON.stringify(body),
  );
}
