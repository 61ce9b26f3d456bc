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
  /** Per-request socket timeout (ms). */
  requestTimeoutMs?: number;
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

function parseBody(res: AxiosResponse<string>): unknown {
  const text = typeof res.data === "string" ? res.data : "";
  if (text.trim() === "") return undefined;
  const type = String(res.headers["content-type"] ?? "");
  if (type.includes("json") || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
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
      timeout: settings.requestTimeoutMs ?? 60_000,
      // Engines are on the lab network; an environment proxy would only get in the way.
      proxy: false,
      maxRedirects: 0,
      responseType: "text",
      transformResponse: [(d: unknown) => d],
      validateStatus: () => true,
    });
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
    const data = parseBody(res);
    const echoed = res.headers["correlation-id"] as string | undefined;
    if (res.status >= 200 && res.status < 300) return { status: res.status, data, correlationId: echoed };
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
    try {
      return await this.http.request<string>({
        method,
        url: `${this.apiUrl}${path}${queryString(opts.query)}`,
        headers,
        data: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (err) {
      throw this.transportError(err, {
        method,
        path: `${path}${describeQuery(opts.query)}`,
        correlationId: ctx.correlationId,
      });
    }
  }

  private transportError(
    err: unknown,
    ctx: { method: string; path: string; correlationId?: string },
  ): OvirtError {
    // Build a fresh error: axios errors carry the request config, and a login's carries the password.
    const e = err as { code?: string; message?: string; cause?: { code?: string } };
    const code = e.cause?.code ?? e.code;
    return classifyTransport({ code, message: e.message }, { engine: this.engine, ...ctx }, this.tls);
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
        try {
          res = await this.http.post<string>(`${this.ssoBase}${path}`, form, {
            headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
          });
        } catch (err) {
          throw this.transportError(err, { method: "POST", path: `/ovirt-engine${path}` });
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
      try {
        this.requestCount++;
        await this.http.post(
          `${this.ssoBase}/services/sso-logout`,
          new URLSearchParams({ scope: "ovirt-app-api", token }).toString(),
          {
            headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
            timeout: 5_000,
          },
        );
      } catch {
        // The token expires by itself; a failed logout is not worth an error.
      }
    }
    this.agent.destroy();
  }

  /** Whether a token is held (tests use it to check login/logout). */
  get loggedIn(): boolean {
    return this.token !== undefined;
  }
}
