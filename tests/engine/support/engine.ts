// Engines for tests, in-process (fast; the same code main.ts runs), and a small API client that
// logs in through SSO and speaks XML or JSON.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { launchEngine, type RunningEngine } from "../../../simulator/engine";
import type { EngineVersion } from "../../../simulator/personality";
import { form, httpsRequest, type HttpResponse } from "./http";

export const ADMIN_PASSWORD = "secret-pw";

const createdDirs: string[] = [];

/** A fresh state directory, removed after the test file that asked for it has finished. */
export function tempStateDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ovirt-lab-test-${label}-`));
  createdDirs.push(dir);
  return dir;
}

// Registered while the test file imports this module, so it runs once that file is done.
afterAll(() => {
  for (const dir of createdDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export async function startInProcess(
  version: EngineVersion,
  stateDir = tempStateDir(version),
  extra: { timeScale?: number } = {},
): Promise<RunningEngine> {
  return launchEngine({
    version,
    port: 0,
    stateDir,
    adminPassword: ADMIN_PASSWORD,
    timeScale: extra.timeScale ?? 0,
    hostname: "localhost",
  });
}

/** The origin (`https://localhost:port`) of an engine. */
export function originOf(engine: { url: string }): string {
  return new URL(engine.url).origin;
}

/** An engine as tests see it, in-process or a process (which knows its own admin password). */
export interface EngineHandle {
  url: string;
  caPem: string;
  adminPassword?: string;
}

export async function login(
  engine: EngineHandle,
  password = engine.adminPassword ?? ADMIN_PASSWORD,
): Promise<string> {
  const res = await httpsRequest(`${originOf(engine)}/ovirt-engine/sso/oauth/token`, {
    method: "POST",
    ca: engine.caPem,
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: form({ grant_type: "password", scope: "ovirt-app-api", username: "admin@internal", password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { access_token: string }).access_token;
}

export type Format = "xml" | "json";

const MEDIA: Record<Format, string> = { xml: "application/xml", json: "application/json" };

const xmlParser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" });

export interface ApiResponse extends HttpResponse {
  /** The body parsed (JSON as is; XML via fast-xml-parser, attributes as `@name`). */
  parsed: () => Record<string, unknown>;
}

/** An authenticated client for one engine; paths are relative to /ovirt-engine/api. */
export class ApiClient {
  constructor(
    readonly engine: EngineHandle,
    readonly token: string,
    readonly format: Format = "xml",
  ) {}

  static async connect(engine: EngineHandle, format: Format = "xml"): Promise<ApiClient> {
    return new ApiClient(engine, await login(engine), format);
  }

  as(format: Format): ApiClient {
    return new ApiClient(this.engine, this.token, format);
  }

  async call(
    method: string,
    apiPath: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const url = `${this.engine.url}${apiPath === "" ? "" : "/"}${apiPath}`;
    const res = await httpsRequest(url, {
      method,
      ca: this.engine.caPem,
      headers: {
        authorization: `Bearer ${this.token}`,
        accept: MEDIA[this.format],
        version: "4",
        ...(body !== undefined ? { "content-type": MEDIA[this.format] } : {}),
        ...headers,
      },
      body,
    });
    const format = this.format;
    return {
      ...res,
      parsed: () =>
        format === "json"
          ? (JSON.parse(res.body) as Record<string, unknown>)
          : (xmlParser.parse(res.body) as Record<string, unknown>),
    };
  }

  get(p: string, headers?: Record<string, string>) {
    return this.call("GET", p, undefined, headers);
  }
  post(p: string, body: string, headers?: Record<string, string>) {
    return this.call("POST", p, body, headers);
  }
  put(p: string, body: string, headers?: Record<string, string>) {
    return this.call("PUT", p, body, headers);
  }
  delete(p: string, headers?: Record<string, string>) {
    return this.call("DELETE", p, undefined, headers);
  }
}

type Obj = Record<string, unknown>;

/** An entity from either format, XML attributes (`@id`) read like JSON keys (`id`). */
export function entityOf(res: { parsed: () => Obj }, element: string): Obj {
  const body = res.parsed();
  const e = (body[element] ?? body) as Obj;
  return Object.fromEntries(Object.entries(e).map(([k, v]) => [k.replace(/^@/, ""), v]));
}

/** The id of a reference in either format. */
export function refId(ref: unknown): string {
  const r = ref as Obj;
  return String(r.id ?? r["@id"]);
}

/** The fault of an error answer, in either format. */
export function faultOf(res: ApiResponse): { reason: string; detail?: string } {
  const body = res.parsed();
  const fault = (body.fault ?? body) as { reason: string; detail?: string };
  return { reason: fault.reason, detail: fault.detail };
}

/** Reads a sample from ../shared/ovirt/samples. */
export function sample(name: string): string {
  return fs.readFileSync(
    path.join(__dirname, "..", "..", "..", "..", "shared", "ovirt", "samples", name),
    "utf8",
  );
}
