// The data side of image transfers, as ovirt-imageio serves it (daemon on the host, proxy on the
// engine; here both are this server): `/images/<ticket>` with the ticket as the only credential.
//   OPTIONS  -> {"features": ["extents", "zero", "flush"], "max_readers": 1, "max_writers": 1}
//   PUT      bytes at Content-Range's offset (or 0), `?flush=n` skips the fsync
//   PATCH    {"op": "zero", "offset", "size", "flush"} | {"op": "flush"}
//   GET      bytes (Range honoured) for downloads
//   GET /images/<ticket>/extents -> one data extent (the lab does not track holes)
// Bytes go straight into the disk's image file on its storage domain (disks/files.ts).
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { EngineContext } from "../../context";
import { diskFile } from "../disks/files";
import type { Disk } from "../disks/model";
import type { ImageTransfer } from "./model";

class DataError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** imageio answers errors as plain text with the reason. */
function sendError(reply: FastifyReply, err: DataError): FastifyReply {
  return reply.code(err.status).header("content-type", "text/plain; charset=UTF-8").send(`${err.message}\n`);
}

interface Ticket {
  transfer: ImageTransfer;
  disk: Disk;
  file: string;
}

function ticketOf(engine: EngineContext, ticket: string, op: "read" | "write"): Ticket {
  const transfer = engine.store.list<ImageTransfer>("image_transfer", (t) => t.ticket === ticket)[0];
  // The ticket exists on the host only while the transfer is transferring (paused removes it).
  if (!transfer || transfer.phase !== "transferring")
    throw new DataError(403, `You are not allowed to access this resource: No such ticket ${ticket}`);
  const wanted = transfer.direction === "upload" ? "write" : "read";
  if (op !== wanted && !(op === "read" && transfer.direction === "upload"))
    throw new DataError(403, `You are not allowed to access this resource: Ticket ${ticket} forbids ${op}`);
  const disk = engine.store.get<Disk>("disk", transfer.disk_id);
  const file = disk ? diskFile(engine, disk) : undefined;
  if (!disk || !file) throw new DataError(404, `No such image for ticket ${ticket}`);
  return { transfer, disk, file };
}

/** `bytes start-end/total` or `bytes start-end/*` -> [start, end] inclusive. */
function contentRange(header: string | undefined): [number, number] | undefined {
  if (!header) return undefined;
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (!m) throw new DataError(400, `Invalid Content-Range header: ${header}`);
  return [Number(m[1]), Number(m[2])];
}

function addTransferred(engine: EngineContext, id: string, bytes: number): void {
  const t = engine.store.get<ImageTransfer>("image_transfer", id);
  if (t) engine.store.update("image_transfer", { ...t, transferred: t.transferred + bytes });
}

function openImage(file: string): number {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  return fs.openSync(file, fs.existsSync(file) ? "r+" : "w+");
}

async function put(engine: EngineContext, req: FastifyRequest, reply: FastifyReply, ticket: string) {
  const t = ticketOf(engine, ticket, "write");
  const range = contentRange(req.headers["content-range"]);
  const length = Number(req.headers["content-length"] ?? NaN);
  const start = range ? range[0] : 0;
  const size = range ? range[1] - range[0] + 1 : length;
  if (!Number.isFinite(size)) throw new DataError(400, "Content-Length or Content-Range is required");
  if (start + size > t.disk.provisioned_size)
    throw new DataError(
      416,
      `Requested range out of allowed range: ${start + size} > ${t.disk.provisioned_size}`,
    );
  const fd = openImage(t.file);
  let written = 0;
  try {
    const out = fs.createWriteStream("", { fd, start, autoClose: false });
    req.raw.on("data", (chunk: Buffer) => {
      written += chunk.length;
    });
    await pipeline(req.raw, out);
    if (written !== size) throw new DataError(400, `Expected ${size} bytes, got ${written}`);
    if ((req.query as { flush?: string }).flush !== "n") fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
    addTransferred(engine, t.transfer.id, written);
  }
  return reply.code(200).send();
}

async function readBody(req: FastifyRequest): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req.raw) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

async function patch(engine: EngineContext, req: FastifyRequest, reply: FastifyReply, ticket: string) {
  const t = ticketOf(engine, ticket, "write");
  let msg: { op?: string; offset?: number; size?: number; flush?: boolean };
  try {
    msg = JSON.parse(await readBody(req)) as typeof msg;
  } catch {
    throw new DataError(400, "Invalid JSON message");
  }
  const fd = openImage(t.file);
  try {
    if (msg.op === "zero") {
      const offset = Number(msg.offset ?? 0);
      const size = Number(msg.size);
      if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size < 0)
        throw new DataError(400, "Invalid zero request: offset and size must be non-negative integers");
      if (offset + size > t.disk.provisioned_size)
        throw new DataError(
          416,
          `Requested range out of allowed range: ${offset + size} > ${t.disk.provisioned_size}`,
        );
      // A raw file reads zeros past its end and in holes: grow it if needed, and overwrite only the
      // blocks that hold data (holes stay holes, so a sparse image stays sparse).
      const current = fs.fstatSync(fd).size;
      const zeroEnd = Math.min(offset + size, current);
      const block = Buffer.alloc(Math.min(1024 * 1024, Math.max(0, zeroEnd - offset)));
      const zeros = Buffer.alloc(block.length);
      for (let pos = offset; pos < zeroEnd; pos += block.length) {
        const n = fs.readSync(fd, block, 0, Math.min(block.length, zeroEnd - pos), pos);
        if (!block.subarray(0, n).equals(zeros.subarray(0, n))) fs.writeSync(fd, zeros, 0, n, pos);
      }
      if (offset + size > current) fs.ftruncateSync(fd, offset + size);
      if (msg.flush) fs.fsyncSync(fd);
      addTransferred(engine, t.transfer.id, size);
    } else if (msg.op === "flush") {
      fs.fsyncSync(fd);
    } else {
      throw new DataError(400, `Unsupported operation: ${String(msg.op)}`);
    }
  } finally {
    fs.closeSync(fd);
  }
  return reply.code(200).send();
}

async function get(engine: EngineContext, req: FastifyRequest, reply: FastifyReply, ticket: string) {
  const t = ticketOf(engine, ticket, "read");
  const total = t.disk.provisioned_size;
  let start = 0;
  let end = total - 1;
  const range = req.headers.range;
  if (range) {
    const m = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
    if (!m) throw new DataError(416, `Invalid Range header: ${range}`);
    start = Number(m[1]);
    end = m[2] === "" ? total - 1 : Math.min(Number(m[2]), total - 1);
  }
  const fileSize = fs.existsSync(t.file) ? fs.statSync(t.file).size : 0;
  addTransferred(engine, t.transfer.id, end - start + 1);
  reply
    .code(range ? 206 : 200)
    .header("content-type", "application/octet-stream")
    .header("content-length", String(end - start + 1));
  if (range) reply.header("content-range", `bytes ${start}-${end}/${total}`);
  // Bytes past the file's end (a raw image smaller than its disk) read as zeros.
  if (start >= fileSize) return reply.send(Buffer.alloc(end - start + 1));
  if (end >= fileSize) {
    const head = fs.readFileSync(t.file).subarray(start, fileSize);
    return reply.send(Buffer.concat([head, Buffer.alloc(end - fileSize + 1)]));
  }
  return reply.send(fs.createReadStream(t.file, { start, end }));
}

/** Mounts `/images/<ticket>` with streaming bodies (the API's string bodies stop at 16 MiB). */
export function registerImageDataRoutes(app: FastifyInstance, engine: EngineContext): void {
  void app.register(async (data) => {
    data.removeAllContentTypeParsers();
    // Leave the body unread: the handlers stream it.
    data.addContentTypeParser("*", (_req, _payload, done) => done(null, undefined));
    const wrap =
      (fn: (e: EngineContext, q: FastifyRequest, r: FastifyReply, ticket: string) => Promise<unknown>) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        try {
          return await fn(engine, request, reply, (request.params as { ticket: string }).ticket);
        } catch (err) {
          if (err instanceof DataError) return sendError(reply, err);
          throw err;
        }
      };
    data.put("/images/:ticket", wrap(put));
    data.patch("/images/:ticket", wrap(patch));
    data.get("/images/:ticket", wrap(get));
    data.get(
      "/images/:ticket/extents",
      wrap(async (e, _q, r, ticket) => {
        const t = ticketOf(e, ticket, "read");
        return r.code(200).send([{ start: 0, length: t.disk.provisioned_size, zero: false }]);
      }),
    );
    data.options(
      "/images/:ticket",
      wrap(async (e, _q, r, ticket) => {
        // `*` asks for the server's features without a ticket (imageio's OPTIONS /images/*).
        if (ticket !== "*") ticketOf(e, ticket, "read");
        return r
          .code(200)
          .header("allow", "OPTIONS,GET,PUT,PATCH")
          .send({
            unix_socket: null,
            features: ["extents", "zero", "flush"],
            max_readers: 1,
            max_writers: 1,
          });
      }),
    );
  });
}
