// The content checksum of an IsoImage's source, computed at check (preview) time. Reading a large
// image on every preview would be slow, so the sha256 is cached by (path, size, mtime) for files and
// (URL, Content-Length, ETag/Last-Modified) for URLs: an unchanged source is not read again.
// The cache lives in `$OVIRT_LAB_CACHE_DIR` (default ~/.cache/ovirt-lab), iso-checksums.json.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";

export interface SourceInfo {
  /** `sha256:<hex>`. */
  checksum: string;
  size: number;
  /** Whether the bytes were read now (false: from the cache). */
  computed: boolean;
}

interface CacheEntry {
  size: number;
  stamp: string;
  checksum: string;
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

function cacheFile(): string {
  const dir = process.env.OVIRT_LAB_CACHE_DIR ?? path.join(os.homedir(), ".cache", "ovirt-lab");
  return path.join(dir, "iso-checksums.json");
}

function readCache(): Record<string, CacheEntry> {
  try {
    return JSON.parse(fs.readFileSync(cacheFile(), "utf8")) as Record<string, CacheEntry>;
  } catch {
    return {};
  }
}

function writeCache(key: string, entry: CacheEntry): void {
  const file = cacheFile();
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const all = { ...readCache(), [key]: entry };
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all));
    fs.renameSync(tmp, file);
  } catch {
    /* a cache that cannot be written only costs a re-read next time */
  }
}

function get(url: string, method: "GET" | "HEAD"): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith("https:") ? https : http;
    const req = mod.request(url, { method }, (res) => {
      if ((res.statusCode ?? 0) >= 300) {
        res.resume();
        reject(new Error(`${method} ${url}: HTTP ${res.statusCode}`));
      } else resolve(res);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The bytes of a source, streamed (files in 8 MiB reads). */
export async function openSource(source: string): Promise<{ size: number; stream: AsyncIterable<Buffer> }> {
  if (isUrl(source)) {
    const res = await get(source, "GET");
    const size = Number(res.headers["content-length"]);
    if (!Number.isFinite(size)) throw new Error(`GET ${source}: no Content-Length`);
    return { size, stream: res as AsyncIterable<Buffer> };
  }
  const size = fs.statSync(source).size;
  const stream: Readable = fs.createReadStream(source, { highWaterMark: 8 * 1024 * 1024 });
  return { size, stream: stream as AsyncIterable<Buffer> };
}

async function hashOf(stream: AsyncIterable<Buffer>): Promise<string> {
  const h = crypto.createHash("sha256");
  for await (const chunk of stream) h.update(chunk);
  return `sha256:${h.digest("hex")}`;
}

/** The source's size and checksum, from the cache when its size and stamp are unchanged. */
export async function sourceInfo(source: string): Promise<SourceInfo> {
  let key: string;
  let size: number;
  let stamp: string;
  if (isUrl(source)) {
    const head = await get(source, "HEAD");
    head.resume();
    size = Number(head.headers["content-length"]);
    const validator = String(head.headers.etag ?? head.headers["last-modified"] ?? "");
    // Without a validator the content cannot be known unchanged: always read.
    stamp = validator === "" ? `none:${Date.now()}` : validator;
    key = source;
  } else {
    key = path.resolve(source);
    const st = fs.statSync(key);
    if (!st.isFile()) throw new Error(`${key} is not a regular file`);
    size = st.size;
    stamp = String(st.mtimeMs);
  }
  const hit = readCache()[key];
  if (hit && hit.size === size && hit.stamp === stamp)
    return { checksum: hit.checksum, size, computed: false };
  const opened = await openSource(source);
  const checksum = await hashOf(opened.stream);
  writeCache(key, { size, stamp, checksum });
  return { checksum, size, computed: true };
}
