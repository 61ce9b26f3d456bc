// Shared by the reliability suites: the fault switch of a running engine (read and change it
// without going through the project's client) and a bounded pool to run seeded trials side by side.
import * as https from "https";
import type { EngineAccess } from "../helpers/engine-api";

export interface FaultStats {
  requests: number;
  locked: number;
  error500: number;
  error503: number;
  dropped: number;
  lost: number;
  delayMs: number;
}

/** `/ovirt-lab/faults` with the admin's Basic credentials: GET (stats), PUT (spec) or DELETE (off). */
export function faultSwitch(
  engine: EngineAccess,
  method: "GET" | "PUT" | "DELETE",
  spec?: string,
): Promise<{ spec: string; active: boolean; stats: FaultStats }> {
  const url = `${new URL(engine.url).origin}/ovirt-lab/faults`;
  const auth = Buffer.from(`admin@internal:${engine.adminPassword}`).toString("base64");
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: engine.caPem,
        headers: {
          Authorization: `Basic ${auth}`,
          Accept: "application/json",
          ...(spec !== undefined ? { "Content-Type": "text/plain" } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`));
          else if (text.trim() === "") resolve({ spec: "", active: false, stats: {} as FaultStats });
          else resolve(JSON.parse(text) as { spec: string; active: boolean; stats: FaultStats });
        });
      },
    );
    req.on("error", reject);
    if (spec !== undefined) req.write(spec);
    req.end();
  });
}

/** Runs `work(i)` for i in [0, count) with at most `width` at a time; results in order. */
export async function pool<T>(count: number, width: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, count) }, async () => {
    while (next < count) {
      const i = next++;
      out[i] = await work(i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Names that occur more than once. */
export function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}
