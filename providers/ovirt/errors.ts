// Every failure the client can report, classified once: providers and retry logic look at `kind`,
// users read `message` (the engine's own detail first, then where it happened).

export type FaultKind =
  | "not_found"
  | "conflict_locked"
  | "conflict"
  | "validation"
  | "auth"
  | "transient"
  | "tls"
  | "timeout"
  | "unexpected";

export interface FaultContext {
  /** The engine's name in the stack config (or its URL when it has none). */
  engine?: string;
  method?: string;
  /** Path below the API URL, e.g. `/clusters/123`. */
  path?: string;
  status?: number;
  correlationId?: string;
  /** The engine's fault `reason` (or the SSO error code). */
  reason?: string;
  /** The engine's fault `detail` (or the SSO error text). */
  detail?: string;
  /** Transport error code (ECONNRESET, SELF_SIGNED_CERT_IN_CHAIN...). */
  code?: string;
  /** True when the request certainly never reached the engine (safe to resend even a POST). */
  notSent?: boolean;
}

export class OvirtError extends Error {
  readonly kind: FaultKind;
  readonly engine?: string;
  readonly method?: string;
  readonly path?: string;
  readonly status?: number;
  readonly correlationId?: string;
  readonly reason?: string;
  readonly detail?: string;
  readonly code?: string;
  readonly notSent: boolean;
  /** How many attempts were made before giving up (set by the retry loop). */
  attempts = 1;

  constructor(kind: FaultKind, message: string, ctx: FaultContext = {}) {
    super(message);
    this.name = new.target.name;
    this.kind = kind;
    this.engine = ctx.engine;
    this.method = ctx.method;
    this.path = ctx.path;
    this.status = ctx.status;
    this.correlationId = ctx.correlationId;
    this.reason = ctx.reason;
    this.detail = ctx.detail;
    this.code = ctx.code;
    this.notSent = ctx.notSent ?? false;
  }
}

export class NotFoundError extends OvirtError {
  constructor(message: string, ctx: FaultContext = {}) {
    super("not_found", message, ctx);
  }
}
export class ConflictError extends OvirtError {
  constructor(message: string, ctx: FaultContext = {}, kind: "conflict" | "conflict_locked" = "conflict") {
    super(kind, message, ctx);
  }
}
/** The object is busy ("Related operation is currently in progress"): try again later. */
export class LockedError extends ConflictError {
  constructor(message: string, ctx: FaultContext = {}) {
    super(message, ctx, "conflict_locked");
  }
}
export class ValidationError extends OvirtError {
  constructor(message: string, ctx: FaultContext = {}) {
    super("validation", message, ctx);
  }
}
export class AuthError extends OvirtError {
  constructor(message: string, ctx: FaultContext = {}) {
    super("auth", message, ctx);
  }
}
export class TransientError extends OvirtError {
  constructor(message: string, ctx: FaultContext = {}) {
    super("transient", message, ctx);
  }
}
export class TlsError extends OvirtError {
  constructor(message: string, ctx: FaultContext = {}) {
    super("tls", message, ctx);
  }
}
export class TimeoutError extends OvirtError {
  constructor(message: string, ctx: FaultContext = {}) {
    super("timeout", message, ctx);
  }
}
export class UnexpectedError extends OvirtError {
  constructor(message: string, ctx: FaultContext = {}) {
    super("unexpected", message, ctx);
  }
}

export function isFault(err: unknown, kind?: FaultKind): err is OvirtError {
  return err instanceof OvirtError && (kind === undefined || err.kind === kind);
}

// --- HTTP responses -------------------------------------------------------------------------------

/** Texts the engine uses for "busy, try again" conflicts (AppErrors.properties). */
const LOCKED_TEXTS = [
  "Related operation is currently in progress",
  "VM is locked",
  "Disk is locked",
  "disks are locked",
];

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The engine's fault from a JSON body: a bare `{reason, detail}` or an action with a nested `fault`. */
export function faultOf(body: unknown): { reason?: string; detail?: string } {
  if (typeof body !== "object" || body === null) return {};
  const b = body as Record<string, unknown>;
  const f = (typeof b.fault === "object" && b.fault !== null ? b.fault : b) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  return { reason: text(f.reason), detail: text(f.detail) };
}

function where(ctx: FaultContext): string {
  const parts: string[] = [];
  if (ctx.status !== undefined)
    parts.push(`HTTP ${ctx.status}${STATUS_TEXT[ctx.status] ? ` ${STATUS_TEXT[ctx.status]}` : ""}`);
  if (ctx.reason && ctx.detail) parts.push(`reason "${ctx.reason}"`);
  if (ctx.code) parts.push(ctx.code);
  if (ctx.correlationId) parts.push(`correlation id ${ctx.correlationId}`);
  return parts.length ? ` (${parts.join(", ")})` : "";
}

function prefix(ctx: FaultContext): string {
  const engine = ctx.engine ? `engine "${ctx.engine}": ` : "";
  const call = ctx.method && ctx.path !== undefined ? `${ctx.method} ${ctx.path}` : "request";
  return `${engine}${call} failed`;
}

/** Classifies a non-2xx API response; `body` is the parsed JSON (or raw text, or undefined). */
export function classifyResponse(ctx: FaultContext & { status: number }, body: unknown): OvirtError {
  const fault = faultOf(body);
  const full: FaultContext = {
    ...ctx,
    reason: ctx.reason ?? fault.reason,
    detail: ctx.detail ?? fault.detail,
  };
  const said = full.detail ?? full.reason;
  const status = full.status ?? 0;
  const msg = (what: string) => `${prefix(full)}: ${said ?? what}${where(full)}`;

  if (status === 404) return new NotFoundError(msg("not found"), full);
  if (status === 409) {
    if (said && LOCKED_TEXTS.some((t) => said.includes(t))) return new LockedError(msg("locked"), full);
    return new ConflictError(msg("conflict"), full);
  }
  if (status === 400) return new ValidationError(msg("the engine rejected the request"), full);
  if (status === 401) return new AuthError(msg("not authenticated (token expired or invalid)"), full);
  if (status === 403) return new AuthError(msg("permission denied"), full);
  if (status >= 500 || status === 408 || status === 429) {
    return new TransientError(msg("the engine failed to handle the request"), full);
  }
  return new UnexpectedError(msg("unexpected response"), full);
}

// --- SSO ------------------------------------------------------------------------------------------

/**
 * Classifies a failed SSO token request. The engine answers 400 with `{error_code, error}` for the
 * REST API scope and `{error, error_description}` otherwise; both are read.
 */
export function classifySsoFailure(
  ctx: FaultContext & { status: number; username: string },
  body: unknown,
): OvirtError {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
  const code = str(b.error_code) ?? (str(b.error_description) ? str(b.error) : undefined);
  const text = str(b.error_description) ?? (str(b.error_code) ? str(b.error) : undefined) ?? str(b.error);
  const full: FaultContext = { ...ctx, reason: code, detail: text };
  const engine = ctx.engine ? `engine "${ctx.engine}": ` : "";
  const said =
    [code, text].filter(Boolean).join(": ") || (typeof body === "string" && body.trim()) || "no detail";
  const message = `${engine}SSO login as ${ctx.username} failed: ${said}${where({ ...full, reason: undefined })}`;
  if (ctx.status >= 500) return new TransientError(message, full);
  const denied =
    code === "access_denied" ||
    code === "invalid_grant" ||
    ctx.status === 401 ||
    ctx.status === 403 ||
    /cannot authenticate|disabled or locked|unable to log in/i.test(text ?? "");
  if (denied || ctx.status === 400) return new AuthError(message, full);
  return new UnexpectedError(message, full);
}

// --- transport ------------------------------------------------------------------------------------

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);
/** Codes for which the request cannot have reached the engine. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);

export function isTlsCode(code: string | undefined): boolean {
  return (
    !!code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|HOSTNAME_MISMATCH/.test(code)
  );
}

export interface TlsContext {
  url: string;
  caFile?: string;
  hasCaPem?: boolean;
}

/** Classifies an error that produced no HTTP response (socket, DNS, TLS). */
export function classifyTransport(
  err: { code?: string; message?: string },
  ctx: FaultContext,
  tls: TlsContext,
): OvirtError {
  const code = err.code;
  const text = err.message ?? "no detail";
  const full: FaultContext = { ...ctx, code, notSent: NOT_SENT_CODES.has(code ?? "") };
  if (isTlsCode(code)) {
    const against = tls.caFile
      ? `the CA file ${tls.caFile}`
      : tls.hasCaPem
        ? "the configured CA certificate (caPem)"
        : "the system's trusted CAs (no caFile/caPem configured)";
    const engine = ctx.engine ? `engine "${ctx.engine}": ` : "";
    if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
      // The CA is fine; the URL names a host the certificate was not issued for.
      const host = (() => {
        try {
          return new URL(tls.url).hostname;
        } catch {
          return tls.url;
        }
      })();
      return new TlsError(
        `${engine}TLS: the certificate of ${tls.url} (checked against ${against}) is not issued for the host ` +
          `name "${host}": ${text} (${code}). Use the engine's host name as written in its certificate ` +
          `(usually its FQDN) in url; another caFile will not help. insecure: true skips verification ` +
          `(not recommended).`,
        { ...full, notSent: true },
      );
    }
    return new TlsError(
      `${engine}TLS: cannot verify the certificate of ${tls.url} against ${against}: ${text} (${code}). ` +
        `Point caFile (or caPem) at the CA that signed the engine's certificate, ` +
        `or set insecure: true to skip verification (not recommended).`,
      { ...full, notSent: true },
    );
  }
  const msg = `${prefix(full)}: ${text}${where(full)}`;
  if (TRANSIENT_CODES.has(code ?? "") || /socket hang up/i.test(text)) return new TransientError(msg, full);
  return new UnexpectedError(msg, full);
}
