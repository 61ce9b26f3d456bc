// Helpers of the host engine tests: host bodies, waiting for a status, the engine's fault of a
// failed action, and jobs/events lookups by correlation id.
import type { RunningEngine } from "../../simulator/engine";
import { launchEngine } from "../../simulator/engine";
import type { EngineVersion } from "../../simulator/personality";
import { ADMIN_PASSWORD, type ApiClient, type ApiResponse, entityOf, tempStateDir } from "./support/engine";

type Obj = Record<string, unknown>;

export async function startWithDataPlane(
  version: EngineVersion,
  dataPlane: string,
  timeScale = 0,
): Promise<RunningEngine> {
  return launchEngine({
    version,
    port: 0,
    stateDir: tempStateDir(`hosts-${version}`),
    adminPassword: ADMIN_PASSWORD,
    timeScale,
    hostname: "localhost",
    dataPlane,
  });
}

export function hostXml(f: {
  name?: string;
  address?: string;
  cluster?: string;
  clusterName?: string;
  password?: string;
  publicKey?: boolean;
  extra?: string;
}): string {
  return (
    "<host>" +
    (f.name !== undefined ? `<name>${f.name}</name>` : "") +
    (f.address !== undefined ? `<address>${f.address}</address>` : "") +
    (f.cluster ? `<cluster id="${f.cluster}"/>` : "") +
    (f.clusterName ? `<cluster><name>${f.clusterName}</name></cluster>` : "") +
    (f.password !== undefined ? `<root_password>${f.password}</root_password>` : "") +
    (f.publicKey ? "<ssh><authentication_method>publickey</authentication_method></ssh>" : "") +
    (f.extra ?? "") +
    "</host>"
  );
}

export function idOf(res: ApiResponse, element = "host"): string {
  return String(entityOf(res, element).id);
}

export async function hostStatus(api: ApiClient, id: string): Promise<string> {
  const res = await api.get(`hosts/${id}`);
  if (res.status !== 200) return `http ${res.status}`;
  return String(entityOf(res, "host").status);
}

/** Polls until the host's status is one of `want` (or a 15 s deadline), returning the statuses seen. */
export async function waitStatus(
  api: ApiClient,
  id: string,
  want: string[],
  timeoutMs = 15_000,
): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await hostStatus(api, id);
    if (seen[seen.length - 1] !== s) seen.push(s);
    if (want.includes(s)) return seen;
    if (Date.now() > deadline)
      throw new Error(`host ${id}: waited for ${want.join("|")}, saw ${seen.join(" -> ")}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The fault of a failed action: `<action><fault>…</fault><status>failed</status></action>`. */
export function actionFault(res: ApiResponse): { reason: string; detail: string; status: string } {
  const body = res.parsed();
  const action = (body.action ?? body) as Obj;
  const fault = action.fault as Obj;
  return { reason: String(fault.reason), detail: String(fault.detail), status: String(action.status) };
}

export function items(res: ApiResponse, element: string): Obj[] {
  const body = res.parsed();
  const root = Object.keys(body).find((k) => !k.startsWith("?"));
  const wrapper = (root !== undefined && typeof body[root] === "object" ? body[root] : {}) as Obj;
  const raw = res.body.trimStart().startsWith("{") ? body[element] : wrapper[element];
  if (raw === undefined || raw === "") return [];
  return (Array.isArray(raw) ? raw : [raw]) as Obj[];
}

export async function jobsOf(api: ApiClient, correlationId: string): Promise<Obj[]> {
  return items(await api.get(`jobs?search=${encodeURIComponent(`correlation_id=${correlationId}`)}`), "job");
}

export async function eventsOf(api: ApiClient, correlationId: string): Promise<Obj[]> {
  return items(
    await api.get(`events?search=${encodeURIComponent(`correlation_id=${correlationId}`)}`),
    "event",
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
