// Fault injection: the engine misbehaves on purpose, seeded and reproducible, so clients can prove
// they converge through what real engines do under load (README "Fault injection").
//
//   --faults 'locked=0.2,5xx=0.05,latency=200ms±50ms,drop=0.01,lost=0.01,seed=42'
//
// - locked=P   a write (POST/PUT/DELETE) answers 409 with the engine's ACTION_TYPE_FAILED_OBJECT_LOCKED
//              fault, action and type taken from the request; nothing is applied
// - 5xx=P      the engine's 500 "Operation Failed" (no detail) or the proxy's 503 page, one or the other
//              with equal odds; nothing is applied (`500=P` / `503=P` pick one kind)
// - drop=P     the connection is destroyed before the request is handled: no answer, nothing applied
// - lost=P     the request is handled (and applied), then the connection is destroyed instead of
//              answering: the client cannot tell whether it worked
// - latency=D[±J]  every request waits D (ms or s), plus or minus up to J, uniformly
// - seed=N     the generator's seed (default 1); every eligible request draws the same number of
//              values whatever happens to it, so a sequential client sees the same faults every run
// - scope=api|all  api (default): only /ovirt-engine/api; all: SSO, the CA and health as well
//
// Never applied to the control endpoint /ovirt-lab/faults (admin credentials, as for the API):
// GET shows the spec and the counters, PUT sets a spec (plain text or {"spec": "..."}, counters and
// generator reset), DELETE switches faults off. In-process: `RunningEngine.faults`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { MSG } from "../api/common/messages";
import type { EngineContext } from "../context";
import { authenticate } from "../sso/authenticate";
import { ApiFault } from "./faults";

export const FAULTS_PATH = "/ovirt-lab/faults";

export interface FaultSpec {
  locked: number;
  error500: number;
  error503: number;
  drop: number;
  lost: number;
  latencyMs: number;
  jitterMs: number;
  seed: number;
  scope: "api" | "all";
}

export interface FaultStats {
  /** Requests the spec applied to (each drew its values). */
  requests: number;
  locked: number;
  error500: number;
  error503: number;
  dropped: number;
  lost: number;
  /** Sum of the injected delays in ms. */
  delayMs: number;
}

export class FaultSpecError extends Error {}

const NONE: FaultSpec = {
  locked: 0,
  error500: 0,
  error503: 0,
  drop: 0,
  lost: 0,
  latencyMs: 0,
  jitterMs: 0,
  seed: 1,
  scope: "api",
};

function probability(key: string, text: string): number {
  const p = Number(text);
  if (text.trim() === "" || !Number.isFinite(p) || p < 0 || p > 1) {
    throw new FaultSpecError(`${key} must be a probability between 0 and 1 (got '${text}')`);
  }
  return p;
}

function duration(key: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw new FaultSpecError(`${key} must be a duration like 200ms or 1.5s (got '${text}')`);
  return Math.round(Number(m[1]) * (m[2] === "s" ? 1000 : 1));
}

/** Parses `key=value,…`; an empty spec, `off` or `none` means no faults. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec: FaultSpec = { ...NONE };
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "off" || trimmed === "none") return spec;
  const seen = new Set<string>();
  for (const part of trimmed.split(",")) {
    const eq = part.indexOf("=");
    if (eq === -1) throw new FaultSpecError(`'${part.trim()}' is not key=value`);
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (seen.has(key)) throw new FaultSpecError(`${key} given twice`);
    seen.add(key);
    switch (key) {
      case "locked":
        spec.locked = probability(key, value);
        break;
      case "5xx": {
        const p = probability(key, value);
        spec.error500 += p / 2;
        spec.error503 += p / 2;
        break;
      }
      case "500":
        spec.error500 += probability(key, value);
        break;
      case "503":
        spec.error503 += probability(key, value);
        break;
      case "drop":
        spec.drop = probability(key, value);
        break;
      case "lost":
        spec.lost = probability(key, value);
        break;
      case "latency": {
        const [base, jitter] = value.split(/±|\+-|\+\/-/);
        spec.latencyMs = duration(key, base);
        spec.jitterMs = jitter === undefined ? 0 : duration(key, jitter);
        break;
      }
      case "seed":
        if (!/^\d+$/.test(value) || Number(value) > 0xffffffff) {
          throw new FaultSpecError(`seed must be an integer 0-4294967295 (got '${value}')`);
        }
        spec.seed = Number(value);
        break;
      case "scope":
        if (value !== "api" && value !== "all") {
          throw new FaultSpecError(`scope must be api or all (got '${value}')`);
        }
        spec.scope = value;
        break;
      default:
        throw new FaultSpecError(
          `unknown fault '${key}' (known: locked, 5xx, 500, 503, drop, lost, latency, seed, scope)`,
        );
    }
  }
  if (spec.error500 + spec.error503 > 1) throw new FaultSpecError("500 and 503 together exceed 1");
  return spec;
}

/** The spec written back in the option's syntax (canonical: every kind separately). */
export function formatFaultSpec(spec: FaultSpec): string {
  if (!isActive(spec)) return "off";
  const parts: string[] = [];
  if (spec.locked) parts.push(`locked=${spec.locked}`);
  if (spec.error500) parts.push(`500=${spec.error500}`);
  if (spec.error503) parts.push(`503=${spec.error503}`);
  if (spec.drop) parts.push(`drop=${spec.drop}`);
  if (spec.lost) parts.push(`lost=${spec.lost}`);
  if (spec.latencyMs || spec.jitterMs) parts.push(`latency=${spec.latencyMs}ms±${spec.jitterMs}ms`);
  parts.push(`seed=${spec.seed}`);
  if (spec.scope !== "api") parts.push(`scope=${spec.scope}`);
  return parts.join(",");
}

function isActive(s: FaultSpec): boolean {
  return s.locked + s.error500 + s.error503 + s.drop + s.lost + s.latencyMs + s.jitterMs > 0;
}

/** mulberry32: small, fast, and the same sequence on every platform for a seed. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What happens to one request. */
export interface FaultDecision {
  delayMs: number;
  drop: boolean;
  error: 500 | 503 | null;
  locked: boolean;
  lost: boolean;
}

const API_PATH = /^\/ovirt-engine\/api(?:\/v4)?(?=[/?]|$)/;
const WRITES = new Set(["POST", "PUT", "DELETE"]);

// --- the locked fault's ${action} and ${type} (VAR__ACTION__* / VAR__TYPE__*) -----------------------

/** Collections (top level and nested) and the VAR__TYPE__ their commands use. */
const TYPES: Record<string, string> = {
  datacenters: "Data Center",
  clusters: "Cluster",
  hosts: "Host",
  storagedomains: "Storage",
  storageconnections: "Storage Connection",
  vms: "VM",
  templates: "Template",
  networks: "Network",
  vnicprofiles: "VM network interface profile",
  nics: "VM network interface",
  disks: "Virtual Disk",
  diskattachments: "Virtual Disk",
  glustervolumes: "Gluster Volume",
  bricks: "Gluster Volume Bricks",
  macpools: "MAC Pool",
  quotas: "Quota",
  tags: "Tag",
  permissions: "Permission",
  affinitygroups: "Affinity Group",
  snapshots: "Snapshot",
};

/** POST to a collection: AddClusterCommand and AddEmptyStoragePoolCommand say "create". */
const ADD_ACTIONS: Record<string, string> = { clusters: "create", datacenters: "create" };

/** Action verbs (POST /{collection}/{id}/{verb}) whose VAR__ACTION__ differs from the verb. */
const VERB_ACTIONS: Record<string, string> = {
  start: "run",
  register: "import",
  importvm: "import",
  forceselectspm: "force select SPM",
};

/** `${action}` and `${type}` of the command a write would have run. */
export function lockedTarget(method: string, url: string): { action: string; type: string } {
  const path = url.split("?")[0].replace(API_PATH, "");
  const segs = path.split("/").filter((s) => s !== "");
  // Walk collection/id pairs; what is left over is a collection (add) or an action verb.
  let collection = "";
  let i = 0;
  while (i < segs.length) {
    const seg = segs[i];
    if (i > 0 && i % 2 === 0 && collection !== "" && !(seg in TYPES)) {
      // /{collection}/{id}/{verb}
      const type = TYPES[collection] ?? "Object";
      const verb = seg.toLowerCase();
      if (verb === "deactivate" && collection === "hosts") return { action: "maintenance", type };
      return { action: VERB_ACTIONS[verb] ?? verb, type };
    }
    collection = seg;
    i += 2;
  }
  const type = TYPES[collection] ?? "Object";
  const nestedUnderDc = segs.length >= 3 && segs[0] === "datacenters";
  if (segs.length % 2 === 1) {
    // POST /collection: an add (attach, for a storage domain under a data center).
    if (method === "POST" && nestedUnderDc && collection === "storagedomains")
      return { action: "attach", type };
    return { action: method === "POST" ? (ADD_ACTIONS[collection] ?? "add") : method.toLowerCase(), type };
  }
  if (method === "DELETE") {
    return { action: nestedUnderDc && collection === "storagedomains" ? "detach" : "remove", type };
  }
  return { action: method === "PUT" ? "edit" : method.toLowerCase(), type };
}

/** The 409 the engine answers when the object is locked by a running operation. */
export function lockedFault(method: string, url: string): ApiFault {
  const { action, type } = lockedTarget(method, url);
  const text = MSG.ACTION_TYPE_FAILED_OBJECT_LOCKED.text
    .replace("${action}", action)
    .replace("${type}", type);
  return new ApiFault(409, "Operation Failed", `[${text}]`);
}

/** What Apache's mod_proxy answers while the engine behind it cannot serve (a real engine's 503). */
export const SERVICE_UNAVAILABLE_HTML =
  '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n' +
  "<html><head>\n<title>503 Service Unavailable</title>\n</head><body>\n" +
  "<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your\n" +
  "request due to maintenance downtime or capacity\nproblems. Please try again later.</p>\n" +
  "</body></html>\n";

declare module "fastify" {
  interface FastifyRequest {
    /** Set when the injector decided to lose this request's answer. */
    faultLost: boolean;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FaultInjector {
  private spec: FaultSpec = { ...NONE };
  private random: () => number = generator(NONE.seed);
  private counts: FaultStats = FaultInjector.zero();

  constructor(spec?: string | FaultSpec) {
    if (spec !== undefined) this.set(spec);
  }

  private static zero(): FaultStats {
    return { requests: 0, locked: 0, error500: 0, error503: 0, dropped: 0, lost: 0, delayMs: 0 };
  }

  /** Replaces the spec; the generator restarts from the seed and the counters from zero. */
  set(spec: string | FaultSpec): void {
    this.spec = typeof spec === "string" ? parseFaultSpec(spec) : { ...spec };
    this.random = generator(this.spec.seed);
    this.counts = FaultInjector.zero();
  }

  clear(): void {
    this.set("off");
  }

  get active(): boolean {
    return isActive(this.spec);
  }

  describe(): string {
    return formatFaultSpec(this.spec);
  }

  stats(): FaultStats {
    return { ...this.counts };
  }

  /** Whether a request to `url` is subject to the spec. */
  applies(url: string): boolean {
    if (!this.active) return false;
    const path = url.split("?")[0];
    if (path === FAULTS_PATH) return false;
    return this.spec.scope === "all" || API_PATH.test(path);
  }

  /** Draws the fate of one eligible request (always five draws, in a fixed order) and counts it. */
  decide(method: string): FaultDecision {
    const s = this.spec;
    const [uDrop, uLost, uError, uLocked, uJitter] = [1, 2, 3, 4, 5].map(() => this.random());
    const delayMs = Math.max(0, Math.round(s.latencyMs + (uJitter * 2 - 1) * s.jitterMs));
    const drop = uDrop < s.drop;
    const error = drop ? null : uError < s.error500 ? 500 : uError < s.error500 + s.error503 ? 503 : null;
    const locked = !drop && error === null && WRITES.has(method) && uLocked < s.locked;
    const lost = !drop && error === null && !locked && uLost < s.lost;
    const c = this.counts;
    c.requests++;
    c.delayMs += delayMs;
    if (drop) c.dropped++;
    if (error === 500) c.error500++;
    if (error === 503) c.error503++;
    if (locked) c.locked++;
    if (lost) c.lost++;
    return { delayMs, drop, error, locked, lost };
  }

  /** Hooks the injector into the server; register after the API's own onRequest hook (auth first). */
  install(app: FastifyInstance, engine: EngineContext): void {
    app.decorateRequest("faultLost", false);

    app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      if (reply.sent || !this.applies(request.url)) return;
      const d = this.decide(request.method);
      if (d.delayMs > 0) await sleep(d.delayMs);
      if (d.drop) {
        reply.hijack();
        request.raw.socket.destroy();
        return;
      }
      if (d.error === 503) {
        return reply
          .code(503)
          .header("content-type", "text/html; charset=iso-8859-1")
          .send(SERVICE_UNAVAILABLE_HTML);
      }
      if (d.error === 500) throw new ApiFault(500, "Operation Failed");
      if (d.locked) throw lockedFault(request.method, request.url);
      request.faultLost = d.lost;
    });

    // After the request log's onSend (registered earlier): the log shows what the engine did.
    app.addHook("onSend", async (request, _reply, payload) => {
      if (request.faultLost) request.raw.socket.destroy();
      return payload;
    });

    const unauthorized = (reply: FastifyReply) =>
      reply.code(401).header("www-authenticate", 'Basic realm="RESTAPI"').send({ error: "unauthorized" });
    const state = () => ({ spec: this.describe(), active: this.active, stats: this.stats() });

    app.get(FAULTS_PATH, async (request, reply) => {
      if (!authenticate(engine, request.headers.authorization)) return unauthorized(reply);
      return reply.code(200).send(state());
    });
    app.put(FAULTS_PATH, async (request, reply) => {
      if (!authenticate(engine, request.headers.authorization)) return unauthorized(reply);
      const raw = typeof request.body === "string" ? request.body.trim() : "";
      try {
        const spec = raw.startsWith("{") ? (JSON.parse(raw) as { spec?: unknown }).spec : raw;
        if (typeof spec !== "string") throw new FaultSpecError('a JSON body must be {"spec": "<spec>"}');
        this.set(spec);
      } catch (err) {
        return reply.code(400).send({ error: err instanceof Error ? err.message : String(err) });
      }
      return reply.code(200).send(state());
    });
    app.delete(FAULTS_PATH, async (request, reply) => {
      if (!authenticate(engine, request.headers.authorization)) return unauthorized(reply);
      this.clear();
      return reply.code(200).send(state());
    });
  }
}
