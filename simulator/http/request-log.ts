// `<state>/requests.log`: one JSON line per request (time, method, path with query, status,
// correlation id), so tests can prove what an engine saw. Never bodies or Authorization headers.
import fs from "node:fs";

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  status: number;
  correlation_id: string | null;
}

export class RequestLog {
  constructor(readonly file: string) {}

  append(entry: RequestLogEntry): void {
    // Synchronous on purpose: the line is on disk before the response leaves, so a reader that got
    // the response always finds the line.
    fs.appendFileSync(this.file, JSON.stringify(entry) + "\n");
  }
}

/** Reads a request log back (tests, the testbed). A missing file is an empty log. */
export function readRequestLog(file: string): RequestLogEntry[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as RequestLogEntry);
}
