// Issue 9.3: a hostile peer. A tiny HTTPS server of our own (certificate from a CA made for the
// test) that logs the client in, then answers the API badly: invalid JSON, wrong types, HTML,
// huge bodies (plain and gzip), a body dripped a byte at a time, no answer at all, reset sockets,
// oversized headers. Each must end in a clear, classified error within a bounded time and a bounded
// number of requests: never a hang, never a retry loop.
import * as fs from "fs";
import type * as http from "http";
import * as https from "https";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { OvirtClient } from "../../providers/ovirt/client";
import { newOperation } from "../../providers/ovirt/context";
import { isFault, type OvirtError } from "../../providers/ovirt/errors";
import { silentLogger } from "../../providers/ovirt/log";
import { prepareTls } from "../../simulator/pki";

type Handler = (req: http.IncomingMessage & { url: string }, res: http.ServerResponse) => void;

let server: https.Server;
let url = "";
let caFile = "";
let tmp = "";
let apiRequests = 0;
let logouts = 0;
let dripLogout = false;
let handler: Handler = (_req, res) => res.end();
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-hostile-"));
  const pki = prepareTls(tmp, "localhost");
  caFile = pki.caFile;
  server = https.createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    if (req.url?.startsWith("/ovirt-engine/services/sso-logout")) {
      logouts++;
      if (dripLogout) return void res.writeHead(200).write(" ");
      res.end("{}");
      return;
    }
    if (req.url?.startsWith("/ovirt-engine/sso/")) {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ access_token: "hostile-token", token_type: "bearer", exp: "0" }));
      return;
    }
    apiRequests++;
    handler(req as http.IncomingMessage & { url: string }, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `https://localhost:${(server.address() as AddressInfo).port}/ovirt-engine/api`;
}, 60_000);

afterEach(() => {
  for (const t of timers) clearInterval(t);
  timers.clear();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fs.rmSync(tmp, { recursive: true, force: true });
});

function client(extra: Partial<ConstructorParameters<typeof OvirtClient>[0]> = {}): OvirtClient {
  return new OvirtClient({
    name: "hostile",
    url,
    username: "admin@internal",
    password: "canary-not-a-real-password",
    caFile,
    logger: silentLogger,
    backoff: { initialMs: 50, maxMs: 200, factor: 2, jitter: 0 },
    requestTimeoutMs: 1_500,
    ...extra,
  });
}

/** Lists data centers through `handler`; returns the error, the time it took and the API requests made. */
async function failure(
  h: Handler,
  opts: { deadlineMs?: number; extra?: Partial<ConstructorParameters<typeof OvirtClient>[0]> } = {},
): Promise<{ err: Error; ms: number; requests: number }> {
  handler = h;
  apiRequests = 0;
  const c = client(opts.extra);
  const t0 = Date.now();
  try {
    await c.datacenters.list(newOperation("hostile", opts.deadlineMs ?? 5_000));
  } catch (err) {
    return { err: err as Error, ms: Date.now() - t0, requests: apiRequests };
  } finally {
    await c.close();
  }
  throw new Error("the hostile answer was accepted");
}

const json = (status: number, body: string, headers: Record<string, string> = {}): Handler => {
  return (_req, res) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(body);
  };
};

test("invalid JSON in a success answer: a clear unexpected error naming the request, not retried", async () => {
  const { err, requests } = await failure(json(200, '{"data_center": [{"name": "dc1", '));
  expect(isFault(err, "unexpected")).toBe(true);
  expect(err.message).toMatch(
    /^engine "hostile": GET \/datacenters answered HTTP 200 with a body that is not valid JSON \(/,
  );
  expect(err.message).toContain('beginning "{"data_center": [{"name": "dc1","');
  expect(requests).toBe(1);
});

test("an HTML page where JSON was expected: an error, not an empty list", async () => {
  const { err } = await failure((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end("<html><body>Please log in</body></html>");
  });
  expect(err.name).toBe("CodecError");
  expect(err.message).toBe(
    'data_center: expected a collection object, got "<html><body>Please log in</body></ht...',
  );
});

test("wrong types: the codec names the field and the value", async () => {
  const cases: Array<[string, string]> = [
    ['{"data_center": {"name": "x"}}', 'data_center: expected an array, got {"name":"x"}'],
    [
      '{"data_center": [{"name": "x", "local": "maybe"}]}',
      'data_center[0].local: expected a boolean, got "maybe"',
    ],
    ['{"data_center": [{"name": {"evil": 1}}]}', 'data_center[0].name: expected a string, got {"evil":1}'],
    ['{"data_center": ["x"]}', 'data_center[0]: expected an object, got "x"'],
    ["[1, 2, 3]", "data_center: expected a collection object, got [1,2,3]"],
  ];
  for (const [body, message] of cases) {
    const { err } = await failure(json(200, body));
    expect({ body, message: err.message }).toEqual({ body, message });
  }
});

test("__proto__ in an answer cannot change the decoded object's prototype", async () => {
  handler = json(200, '{"data_center": [{"name": "dc1", "__proto__": {"polluted": "yes"}}]}');
  const c = client();
  try {
    const [dc] = await c.datacenters.list(newOperation("hostile", 5_000));
    expect(dc.name).toBe("dc1");
    expect(Object.getPrototypeOf(dc)).toBe(Object.prototype);
    expect((dc as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  } finally {
    await c.close();
  }
});

test("a huge body is cut at maxResponseBytes: clear message, one request, no retry", async () => {
  const big = `{"data_center": [${Array.from({ length: 40_000 }, (_, i) => `{"name": "dc${i}"}`).join(",")}]}`;
  expect(big.length).toBeGreaterThan(512 * 1024);
  const { err, requests } = await failure(json(200, big), { extra: { maxResponseBytes: 256 * 1024 } });
  expect(isFault(err, "unexpected")).toBe(true);
  expect(err.message).toBe(
    'engine "hostile": GET /datacenters failed: the answer is larger than 262144 bytes (maxResponseBytes); not retried',
  );
  expect(requests).toBe(1);
});

test("a gzip bomb counts its inflated size", async () => {
  const inflated = Buffer.alloc(8 * 1024 * 1024, " ");
  const bomb = zlib.gzipSync(Buffer.concat([Buffer.from('{"data_center": ['), inflated, Buffer.from("]}")]));
  expect(bomb.length).toBeLessThan(64 * 1024);
  const { err } = await failure(
    (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
      res.end(bomb);
    },
    { extra: { maxResponseBytes: 1024 * 1024 } },
  );
  expect(err.message).toContain("the answer is larger than 1 MiB (maxResponseBytes)");
});

test("a slow drip cannot hold a request open: the total per-request deadline ends it", async () => {
  const { err, ms, requests } = await failure(
    (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write("{");
      // A byte every 100 ms keeps the socket busy, so an idle timeout alone would wait forever.
      const t = setInterval(() => res.write(" "), 100);
      timers.add(t);
      res.on("close", () => clearInterval(t));
    },
    { deadlineMs: 4_000 },
  );
  expect(isFault(err, "transient")).toBe(true);
  // The last attempt gets what is left of the operation's deadline (at least 1 s).
  expect(err.message).toMatch(
    /GET \/datacenters failed: no complete answer within 1\.[0-5]s \(requestTimeoutMs\) \(ETIMEDOUT/,
  );
  expect((err as OvirtError).code).toBe("ETIMEDOUT");
  // A GET is retried within the operation's deadline, then given up: bounded time and requests.
  expect(ms).toBeLessThan(8_000);
  expect(requests).toBeGreaterThanOrEqual(2);
  expect(requests).toBeLessThanOrEqual(4);
});

test("no answer at all: the same deadline, and a POST is not resent", async () => {
  handler = () => undefined; // never answers
  apiRequests = 0;
  const c = client();
  const t0 = Date.now();
  const err = (await c.datacenters.add(newOperation("hostile", 4_000), { name: "dc1", local: false }).then(
    () => new Error("accepted"),
    (e: unknown) => e,
  )) as OvirtError;
  await c.close();
  expect(err.kind).toBe("transient");
  expect(err.message).toContain("POST /datacenters failed: no complete answer within 1.5s");
  expect(Date.now() - t0).toBeLessThan(4_000);
  expect(apiRequests).toBe(1);
});

test("a reset connection is a transient fault with its code", async () => {
  const { err, requests } = await failure((req) => req.socket.destroy(), { deadlineMs: 2_000 });
  expect(isFault(err, "transient")).toBe(true);
  expect(err.message).toMatch(/GET \/datacenters failed: .*(socket hang up|ECONNRESET)/);
  expect(requests).toBeGreaterThanOrEqual(2);
  expect(requests).toBeLessThan(20);
});

test("oversized headers: an error, not a hang", async () => {
  const { err, ms } = await failure(
    (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "X-Junk": "j".repeat(64 * 1024) });
      res.end("{}");
    },
    { deadlineMs: 2_000 },
  );
  expect(isFault(err)).toBe(true);
  expect(err.message).toContain('engine "hostile": GET /datacenters failed');
  expect(ms).toBeLessThan(5_000);
});

test("an error answer in HTML keeps its status and says so; the body is not dumped", async () => {
  const page = `<html><body>${"Service Unavailable ".repeat(5000)}</body></html>`;
  const { err } = await failure(
    (_req, res) => {
      res.writeHead(404, { "Content-Type": "text/html" });
      res.end(page);
    },
    { deadlineMs: 2_000 },
  );
  expect(isFault(err, "not_found")).toBe(true);
  expect(err.message).toBe(
    'engine "hostile": GET /datacenters failed: not found (HTTP 404 Not Found, correlation id ' +
      (err as OvirtError).correlationId +
      ")",
  );
});

test("logout against a peer that never finishes its answer gives up within 5 s", async () => {
  handler = json(200, "{}");
  dripLogout = true;
  logouts = 0;
  const c = client();
  try {
    await c.datacenters.list(newOperation("hostile", 5_000));
    const t0 = Date.now();
    await c.close();
    expect(Date.now() - t0).toBeLessThan(7_000);
    expect(logouts).toBe(1);
    expect(c.conn.loggedIn).toBe(false);
  } finally {
    dripLogout = false;
  }
});
