// The HTTP side of the client: HTTPS verified against the engine's CA, SSO bearer token (re-login
// once on 401), `Version: 4`, JSON in and out, a Correlation-Id per operation, faults classified
// and retryable ones retried within the operation's deadline.
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import * as fs from "fs";
import * as https from "https";
import type { OperationContext } from "./context";
import {
  classifyResponse,
  classifySsoFailure,
  classifyTransport,
  OvirtError,
  TlsError,
  UnexpectedError,
  type TlsContext,
} from "./errors";
import { getLogger, type Logger } from "./log";
import { DEFAULT_BACKOFF, withRetry, type Backoff } from "./retry";

export interface ConnectionSettings {
  /** The engine's name in the stack config, used in messages. */
  name?: string;
  /** The API URL, e.g. https://engine.example.com/ovirt-engine/api */
  url: string;
  username: string;
  password: string;
  /** Path of a PEM bundle with the CA that signed the engine's certificate. */
  caFile?: string;
  /** The same as PEM text. */
  caPem?: string;
  /** Skip certificate verification. Only when asked for by name; warns once. */
  insecure?: boolean;
  /**
   * Per-request deadline (ms): the whole answer, headers and body, must arrive within it (a
   * slow-drip peer cannot hold a request open), and never later than the operation's deadline.
   */
  requestTimeoutMs?: number;
  /** Largest answer accepted (bytes, after decompression); bigger ones fail without retry. */
  maxResponseBytes?: number;
  backoff?: Backoff;
  logger?: Logger;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  /** Already encoded (see codec.ts). */
  body?: unknown;
  /** Whether resending after an ambiguous failure is harmless; defaults to `method !== "POST"`. */
  idempotent?: boolean;
}

export interface ApiResponse {
  status: number;
  /** Parsed JSON, raw text for non-JSON bodies, undefined for an empty body. */
  data: unknown;
  correlationId?: string;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Thrown by parseBody for a body that claims to be JSON and is not. */
class BadJson extends Error {}

/**
 * Parsed JSON, raw text for non-JSON bodies, undefined for an empty body. A body that says it is
 * JSON (by content type or by its first character) and does not parse throws BadJson when `strict`
 * (success answers, which callers decode); an error answer keeps its raw text for the message.
 */
function parseBody(res: AxiosResponse<string>, strict = false): unknown {
  const text = typeof res.data === "string" ? res.data : "";
  if (text.trim() === "") return undefined;
  const type = String(res.headers["content-type"] ?? "");
  if (type.includes("json") || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      if (strict) throw new BadJson((err as Error).message);
      return text;
    }
  }
  return text;
}

/** The start of a body for a message: one line, printable, short. */
function excerpt(text: unknown, max = 60): string {
  const s = (typeof text === "string" ? text : "").replace(/[^\x20-\x7e]+/g, " ").trim();
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(0)} MiB` : `${bytes} bytes`;
}

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

function describeQuery(query: Query | undefined): string {
  if (!query) return "";
  const parts = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

/** How long a collection listing serves reads by id (a refresh of thousands of objects fits in it). */
export const SNAPSHOT_TTL_MS = 120_000;

export class Connection {
  readonly apiUrl: string;
  readonly engine: string;
  /** Requests sent so far (tests and benchmarks count them). */
  requestCount = 0;
  /** SSO logins so far: one per process unless a token expires. */
  loginCount = 0;
  private readonly ssoBase: string;
  private readonly http: AxiosInstance;
  private readonly agent: https.Agent;
  private readonly tls: TlsContext;
  private token: string | undefined;
  private login: Promise<string> | undefined;
  /** GETs in flight by path and query: an identical GET sent meanwhile shares the answer. */
  private readonly inflight = new Map<string, Promise<ApiResponse>>();
  /** Per-run read cache: one listing per collection, by collection path (see `snapshot`). */
  private readonly snapshots = new Map<string, { at: number; items: Promise<Map<string, unknown>> }>();

  constructor(private readonly settings: ConnectionSettings) {
    this.apiUrl = settings.url.replace(/\/+$/, "");
    this.engine = settings.name ?? this.apiUrl;
    const url = new URL(this.apiUrl);
    if (url.protocol !== "https:") {
      throw new TlsError(`engine "${this.engine}": ${this.apiUrl} is not an https URL`, {
        engine: this.engine,
      });
    }
    // SSO lives beside the API: https://host/ovirt-engine/api -> https://host/ovirt-engine
    this.ssoBase = /\/api$/.test(url.pathname)
      ? this.apiUrl.replace(/\/api$/, "")
      : `${url.origin}/ovirt-engine`;
    this.tls = { url: this.apiUrl, caFile: settings.caFile, hasCaPem: settings.caPem !== undefined };
    this.agent = new https.Agent({
      ca: this.readCa(),
      rejectUnauthorized: !settings.insecure,
      keepAlive: true,
      maxSockets: 8,
    });
    if (settings.insecure) {
      this.log.warn(
        `engine "${this.engine}": TLS certificate verification is OFF (insecure: true) for ${this.apiUrl}; ` +
          `anyone on the path can read the engine password. Configure caFile instead.`,
      );
    }
    this.http = axios.create({
      httpsAgent: this.agent,
      // Idle-socket timeout; the total per-request deadline is the abort signal in `deadlineFor`.
      timeout: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      maxContentLength: settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      maxBodyLength: settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      // Engines are on the lab network; an environment proxy would only get in the way.
      proxy: false,
      maxRedirects: 0,
      responseType: "text",
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
    });
  }

  /** The TLS agent (engine CA, keep-alive): image transfer data endpoints are verified the same way. */
  get tlsAgent(): https.Agent {
    return this.agent;
  }

  /** Resolved at each use, so a logger set after the client was built still gets the lines. */
  private get log(): Logger {
    return this.settings.logger ?? getLogger();
  }

  private readCa(): string | undefined {
    const { caFile, caPem } = this.settings;
    if (caPem !== undefined) return caPem;
    if (caFile === undefined) return undefined;
    try {
      return fs.readFileSync(caFile, "utf8");
    } catch (err) {
      throw new TlsError(
        `engine "${this.engine}": cannot read the CA file ${caFile}: ${(err as Error).message}. ` +
          `Point caFile at the PEM bundle of the CA that signed ${this.apiUrl}'s certificate.`,
        { engine: this.engine, code: (err as NodeJS.ErrnoException).code },
      );
    }
  }

  /** One API request; retried per class and idempotency until `ctx.deadline`. */
  async request(
    ctx: OperationContext,
    method: Method,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse> {
    if (method === "GET") {
      const key = `${path}${describeQuery(opts.query)}`;
      const shared = this.inflight.get(key);
      if (shared) return shared;
      const p = this.retried(ctx, method, path, opts).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
      return p;
    }
    // A write makes what was read of its kind stale: /vms/123/start drops the /vms listing.
    this.snapshots.delete(`/${path.split("/")[1] ?? ""}`);
    return this.retried(ctx, method, path, opts);
  }

  /**
   * The cached listing of a collection (`path`, e.g. "/vms"), loaded by `load` on first use and
   * shared by every reader for `SNAPSHOT_TTL_MS`; dropped by any write to that collection. Only
   * for reads that report state (refresh), never for waits that watch it change.
   */
  snapshot(path: string, load: () => Promise<Map<string, unknown>>): Promise<Map<string, unknown>> {
    const now = Date.now();
    const hit = this.snapshots.get(path);
    if (hit && now - hit.at < SNAPSHOT_TTL_MS) return hit.items;
    const items = load();
    this.snapshots.set(path, { at: now, items });
    // A failed listing is not cached: the next reader tries again.
    items.catch(() => {
      if (this.snapshots.get(path)?.items === items) this.snapshots.delete(path);
    });
    return items;
  }

  private retried(
    ctx: OperationContext,
    method: Method,
    path: string,
    opts: RequestOptions,
  ): Promise<ApiResponse> {
    const idempotent = opts.idempotent ?? method !== "POST";
    return withRetry(() => this.attempt(ctx, method, path, opts), {
      idempotent,
      deadline: ctx.deadline,
      backoff: this.settings.backoff ?? DEFAULT_BACKOFF,
      onRetry: (err, n, delay) =>
        this.log.info(`${err.message}; retry ${n} in ${(delay / 1000).toFixed(1)}s`),
    });
  }

  private async attempt(
    ctx: OperationContext,
    method: Method,
    path: string,
    opts: RequestOptions,
  ): Promise<ApiResponse> {
    const used = await this.bearer(ctx);
    let res = await this.send(ctx, method, path, opts, used);
    if (res.status === 401) {
      // Tokens expire and cannot be refreshed: log in again once and resend. (Unless a concurrent
      // request already replaced the token.)
      if (this.token === used) this.token = undefined;
      res = await this.send(ctx, method, path, opts, await this.bearer(ctx));
    }
    const echoed = res.headers["correlation-id"] as string | undefined;
    if (res.status >= 200 && res.status < 300) {
      let data: unknown;
      try {
        data = parseBody(res, true);
      } catch (err) {
        if (!(err instanceof BadJson)) throw err;
        const where = `${method} ${path}${describeQuery(opts.query)}`;
        throw new UnexpectedError(
          `engine "${this.engine}": ${where} answered HTTP ${res.status} with a body that is not valid JSON ` +
            `(${err.message}; ${String(res.data).length} characters, content type ` +
            `"${String(res.headers["content-type"] ?? "none")}", beginning "${excerpt(res.data)}"). ` +
            `Is ${this.apiUrl} an oVirt engine, or is a proxy answering for it?`,
          {
            engine: this.engine,
            method,
            path,
            status: res.status,
            correlationId: echoed ?? ctx.correlationId,
          },
        );
      }
      return { status: res.status, data, correlationId: echoed };
    }
    const data = parseBody(res);
    throw classifyResponse(
      {
        engine: this.engine,
        method,
        path: `${path}${describeQuery(opts.query)}`,
        status: res.status,
        correlationId: echoed ?? ctx.correlationId,
      },
      data,
    );
  }

  private async send(
    ctx: OperationContext,
    method: Method,
    path: string,
    opts: RequestOptions,
    token: string,
  ): Promise<AxiosResponse<string>> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      Version: "4",
      Authorization: `Bearer ${token}`,
      "Correlation-Id": ctx.correlationId,
    };
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    this.requestCount++;
    const limit = this.deadlineFor(ctx);
    try {
      return await this.http.request<string>({
        method,
        url: `${this.apiUrl}${path}${queryString(opts.query)}`,
        headers,
        data: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: limit.signal,
      });
    } catch (err) {
      throw this.transportError(
        err,
        { method, path: `${path}${describeQuery(opts.query)}`, correlationId: ctx.correlationId },
        limit,
      );
    } finally {
      limit.clear();
    }
  }

  /**
   * The total deadline of one request: `requestTimeoutMs`, cut to what is left of the operation's
   * deadline (at least 1 s, so a last attempt can still be made). Axios's own `timeout` only
   * notices an idle socket; this also stops a peer that drips a byte at a time.
   */
  private deadlineFor(ctx: { deadline: number }): { signal: AbortSignal; ms: number; clear(): void } {
    const per = this.settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const ms = Math.max(1_000, Math.min(per, ctx.deadline - Date.now()));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), ms);
    timer.unref();
    return { signal: controller.signal, ms, clear: () => clearTimeout(timer) };
  }

  private transportError(
    err: unknown,
    ctx: { method: string; path: string; correlationId?: string },
    limit?: { signal: AbortSignal; ms: number },
  ): OvirtError {
    // Build a fresh error: axios errors carry the request config, and a login's carries the password.
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    const code = e.cause?.code ?? e.code;
    const full = { engine: this.engine, ...ctx };
    if (limit?.signal.aborted) {
      return classifyTransport(
        {
          code: "ETIMEDOUT",
          message: `no complete answer within ${(limit.ms / 1000).toFixed(1)}s (requestTimeoutMs)`,
        },
        full,
        this.tls,
      );
    }
    if (/maxContentLength size of \d+ exceeded/.test(e.message ?? "")) {
      const max = this.settings.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      return new UnexpectedError(
        `engine "${this.engine}": ${ctx.method} ${ctx.path} failed: the answer is larger than ` +
          `${mib(max)} (maxResponseBytes); not retried`,
        { ...full, code: "ERR_RESPONSE_TOO_LARGE" },
      );
    }
    return classifyTransport({ code, message: e.message }, full, this.tls);
  }

  private async bearer(ctx: OperationContext): Promise<string> {
    if (this.token) return this.token;
    // One login in flight at a time, shared by every concurrent request.
    this.login ??= this.ssoLogin(ctx).finally(() => (this.login = undefined));
    return this.login;
  }

  private async ssoLogin(ctx: OperationContext): Promise<string> {
    const path = "/sso/oauth/token";
    const form = new URLSearchParams({
      grant_type: "password",
      scope: "ovirt-app-api",
      username: this.settings.username,
      password: this.settings.password,
    }).toString();
    const token = await withRetry(
      async () => {
        this.requestCount++;
        this.loginCount++;
        let res: AxiosResponse<string>;
        const limit = this.deadlineFor(ctx);
        try {
          res = await this.http.post<string>(`${this.ssoBase}${path}`, form, {
            headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
            signal: limit.signal,
          });
        } catch (err) {
          throw this.transportError(err, { method: "POST", path: `/ovirt-engine${path}` }, limit);
        } finally {
          limit.clear();
        }
        const body = parseBody(res);
        const accessToken = (body as { access_token?: unknown } | undefined)?.access_token;
        if (res.status === 200 && typeof accessToken === "string" && accessToken) return accessToken;
        if (res.status === 200) {
          throw new UnexpectedError(
            `engine "${this.engine}": SSO login answered 200 without an access_token`,
            {
              engine: this.engine,
              status: 200,
            },
          );
        }
        throw classifySsoFailure(
          {
            engine: this.engine,
            method: "POST",
            path: `/ovirt-engine${path}`,
            status: res.status,
            username: this.settings.username,
          },
          body,
        );
      },
      // Asking for a token twice is harmless.
      { idempotent: true, deadline: ctx.deadline, backoff: this.settings.backoff ?? DEFAULT_BACKOFF },
    );
    this.token = token;
    return token;
  }

  /** Revokes the token (best effort) and closes idle sockets. */
  async logout(): Promise<void> {
    const token = this.token;
    this.token = undefined;
    if (token) {
      // At most 5 s in all, even against a peer that drips its answer.
      const limit = this.deadlineFor({ deadline: Date.now() + 5_000 });
      try {
        this.requestCount++;
        await this.http.post(
          `${this.ssoBase}/services/sso-logout`,
          new URLSearchParams({ scope: "ovirt-app-api", token }).toString(),
          {
            headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
            timeout: 5_000,
            signal: limit.signal,
          },
        );
      } catch {
        // The token expires by itself; a failed logout is not worth an error.
      } finally {
        limit.clear();
      }
    }
    this.agent.destroy();
  }

  /** Whether a token is held (tests use it to check login/logout). */
  get loggedIn(): boolean {
    return this.token !== undefined;
  }
}
