// The client's connection against a real (embedded) engine: TLS verified against the engine's CA,
// the clear message when the CA is wrong, `insecure` only by name (and it warns), SSO failures
// with the engine's own text, re-login on 401, correlation ids, the product version.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";
import { setLogger } from "../../providers/ovirt/log";
import { OvirtClient } from "../../providers/ovirt/client";
import { newOperation } from "../../providers/ovirt/context";
import { isFault } from "../../providers/ovirt/errors";
import { closeAll, resetRegistry, setEngines } from "../../providers/ovirt/registry";
import { configure, provider } from "../../providers/runtime";
import { list } from "../helpers/engine-api";
import {
  access,
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  rejection,
  requestsSince,
  uniqueName,
  type Engine,
} from "./support";

const dcs = provider("datacenter");
let engine: Engine;
let tmp = "";
const clients: OvirtClient[] = [];

beforeAll(async () => {
  engine = await freshEngine("4.4");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-conn-"));
  setLogger(captureLogger());
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await resetRegistry();
  await engine?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function client(extra: Partial<ConstructorParameters<typeof OvirtClient>[0]> = {}): OvirtClient {
  const c = new OvirtClient({
    name: "target",
    url: engine.url,
    username: "admin@internal",
    password: engine.adminPassword,
    caFile: engine.caFile,
    logger: captureLogger(),
    ...extra,
  });
  clients.push(c);
  return c;
}

const op = () => newOperation("conn-test", 20_000);

/** A real CA that did not sign the engine's certificate. */
function wrongCaFile(): string {
  const file = path.join(tmp, "wrong-ca.pem");
  fs.writeFileSync(file, tls.rootCertificates[0]);
  return file;
}

test("TLS is verified against the engine's CA file; the API root tells the product version", async () => {
  const v = await client().api.productVersion(op());
  expect(v).toMatchObject({ major: 4, minor: 4 });
});

test("the CA as PEM text works as well", async () => {
  const v = await client({ caFile: undefined, caPem: engine.caPem }).api.productVersion(op());
  expect(v.major).toBe(4);
});

test("a wrong CA fails with a message naming the CA file and the URL, suggesting the fix", async () => {
  const caFile = wrongCaFile();
  const err = await rejection(client({ caFile }).api.get(op()));
  expect(isFault(err, "tls")).toBe(true);
  expect(err.message).toContain(caFile);
  expect(err.message).toContain(engine.url);
  expect(err.message).toContain("caFile");
  expect(err.message).toContain("insecure: true");
});

test("the same through a provider: create reports the TLS problem, nothing is made", async () => {
  await configure(configureRequest({ wrongca: engineEntry(engine, { caFile: wrongCaFile() }) }));
  const name = uniqueName("dc");
  const err = await rejection(dcs.create({ engine: "wrongca", name, local: false }));
  expect(err.kind).toBe("tls");
  expect(err.message).toContain('engine "wrongca": TLS: cannot verify the certificate of');
  expect((await list(access(engine), "datacenters", "data_center")).some((d) => d.name === name)).toBe(false);
  await resetRegistry();
});

test("a CA file that does not exist is named", async () => {
  const err = await rejection(Promise.resolve().then(() => client({ caFile: path.join(tmp, "nope.pem") })));
  expect(err.kind).toBe("tls");
  expect(err.message).toContain(path.join(tmp, "nope.pem"));
});

test("insecure works without a CA, and warns once", async () => {
  const log = captureLogger();
  setLogger(log);
  setEngines({
    lax: { url: engine.url, username: "admin@internal", password: engine.adminPassword, insecure: true },
  });
  const res = await dcs.create({ engine: "lax", name: uniqueName("dc"), local: false });
  await dcs.read(res.id, res.outs);
  await dcs.delete(res.id, res.outs);
  expect(log.warnings).toHaveLength(1);
  expect(log.warnings[0]).toContain('engine "lax": TLS certificate verification is OFF (insecure: true)');
  await resetRegistry();
});

test("a wrong password is an auth error carrying the engine's text, never the password", async () => {
  const bad = "not-the-password-xyz";
  const err = await rejection(client({ password: bad }).api.get(op()));
  expect(err.kind).toBe("auth");
  expect(err.reason).toBe("access_denied");
  expect(err.message).toContain("SSO login as admin@internal failed: access_denied");
  expect(err.message).toMatch(/Cannot authenticate user/);
  expect(err.message).not.toContain(bad);
  expect(JSON.stringify(err)).not.toContain(bad);
});

test("an expired token is replaced by one new login and the request succeeds", async () => {
  const c = client();
  await c.api.get(op());
  // Make the held token invalid, as an engine restart or expiry would.
  (c.conn as unknown as { token: string }).token = "expired-token";
  const from = engine.requests().length;
  await c.api.get(op());
  const seen = requestsSince(engine, from);
  expect(seen.filter((r) => r.status === 401)).toHaveLength(1);
  expect(seen.filter((r) => r.path.includes("/sso/oauth/token"))).toHaveLength(1);
});

test("every request of an operation carries its correlation id, which the engine echoes", async () => {
  const ctx = op();
  const res = await client().conn.request(ctx, "GET", "/datacenters");
  expect(res.correlationId).toBe(ctx.correlationId);
});

test("concurrent first requests share one login", async () => {
  const c = client();
  const from = engine.requests().length;
  await Promise.all([c.api.get(op()), c.datacenters.list(op()), c.clusters.list(op())]);
  expect(requestsSince(engine, from).filter((r) => r.path.includes("/sso/oauth/token"))).toHaveLength(1);
});

test("findByName matches exactly, although engine search is case-insensitive", async () => {
  const c = client();
  const name = uniqueName("Case_Dc");
  await c.datacenters.add(op(), { name, local: false });
  expect((await c.datacenters.findByName(op(), name))?.name).toBe(name);
  expect(await c.datacenters.findByName(op(), name.toLowerCase())).toBeUndefined();
  expect(await c.datacenters.findByName(op(), `${name.slice(0, 4)}*`)).toBeUndefined();
  await closeAll();
});
