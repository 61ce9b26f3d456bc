// SSO as the engine implements it (API-NOTES 1.1, 1.2): the token endpoint's answers and errors,
// logout, and what the API says to callers without valid credentials.
import type { RunningEngine } from "../../simulator/engine";
import { ADMIN_PASSWORD, login, originOf, startInProcess, tempStateDir } from "./support/engine";
import { form, httpsRequest } from "./support/http";

const UNAUTHORIZED_HTML = "<html><head><title>Error</title></head><body>Unauthorized</body></html>";

describe("SSO and API authentication", () => {
  let engine: RunningEngine;
  const stateDir = tempStateDir("sso");

  beforeAll(async () => {
    engine = await startInProcess("4.4", stateDir);
  });
  afterAll(async () => {
    await engine?.close();
  });

  const token = (
    fields: Record<string, string>,
    headers: Record<string, string> = { accept: "application/json" },
  ) =>
    httpsRequest(`${originOf(engine)}/ovirt-engine/sso/oauth/token`, {
      method: "POST",
      ca: engine.caPem,
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
      body: form(fields),
    });
  const api = (headers: Record<string, string> = {}) =>
    httpsRequest(engine.url, { ca: engine.caPem, headers });
  const good = {
    grant_type: "password",
    scope: "ovirt-app-api",
    username: "admin@internal",
    password: ADMIN_PASSWORD,
  };

  test("good credentials give a bearer token with exp as a string", async () => {
    const res = await token(good);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^[\w-]{20,}$/) as string,
      scope:
        "ovirt-app-api ovirt-ext=token-info:authz-search ovirt-ext=token-info:public-authz-search ovirt-ext=token-info:validate ovirt-ext=token:password-access",
      exp: expect.stringMatching(/^\d+$/) as string,
      token_type: "bearer",
    });
    expect(Number(body.exp)).toBeGreaterThan(Date.now());
  });

  test("bad credentials: 400 access_denied with the engine's text", async () => {
    const res = await token({ ...good, password: "wrong" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error_code: "access_denied",
      error:
        "Cannot authenticate user 'admin@internal': Unable to log in. Verify your login information or contact the system administrator..",
    });
  });

  test("unknown profile and non-API scope use the other error keys", async () => {
    const res = await token({ ...good, scope: "ovirt-app-admin", username: "admin@nowhere" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error: "access_denied",
      error_description: "Cannot authenticate user 'admin@nowhere': No valid profile found in credentials..",
    });
  });

  test("Accept: application/json is mandatory", async () => {
    const res = await token(good, { accept: "application/xml" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error_code: "invalid_request",
      error: "Missing parameter: 'Accept Header'",
    });
  });

  test("other grant types are refused", async () => {
    const res = await token({ ...good, grant_type: "client_credentials" });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      error_code: "unsupported_grant_type",
      error: "The authorization grant type is not supported by the authorization server.",
    });
  });

  test("the API without credentials: 401 with the engine's HTML body", async () => {
    const res = await api();
    expect(res.status).toBe(401);
    expect(res.headers["www-authenticate"]).toBe('Basic realm="RESTAPI"');
    expect(res.headers["content-type"]).toBe("text/html;charset=UTF-8");
    expect(res.body).toBe(UNAUTHORIZED_HTML);
    expect((await api({ authorization: "Bearer not-a-token" })).status).toBe(401);
  });

  test("Basic auth is still served", async () => {
    const basic = (pw: string) => `Basic ${Buffer.from(`admin@internal:${pw}`).toString("base64")}`;
    expect((await api({ authorization: basic(ADMIN_PASSWORD) })).status).toBe(200);
    expect((await api({ authorization: basic("nope") })).status).toBe(401);
  });

  test("logout revokes the token", async () => {
    const t = await login(engine);
    expect((await api({ authorization: `Bearer ${t}` })).status).toBe(200);
    const out = await httpsRequest(`${originOf(engine)}/ovirt-engine/services/sso-logout`, {
      method: "POST",
      ca: engine.caPem,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form({ scope: "ovirt-app-api", token: t }),
    });
    expect(out.status).toBe(200);
    expect(JSON.parse(out.body)).toEqual({});
    expect((await api({ authorization: `Bearer ${t}` })).status).toBe(401);
  });

  test("tokens survive a restart of the engine", async () => {
    const t = await login(engine);
    await engine.close();
    engine = await startInProcess("4.4", stateDir);
    expect((await api({ authorization: `Bearer ${t}` })).status).toBe(200);
  });
});
