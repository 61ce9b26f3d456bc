// Image transfers: /imagetransfers (model types/ImageTransfer.java) and the data endpoint the engine
// hands out (`transfer_url`, ovirt-imageio: PUT with Content-Range, PATCH zero/flush, OPTIONS), the
// protocol of the official SDK's upload example: create the transfer, wait for `transferring`, send
// the bytes in ranged chunks (all-zero chunks as `zero` requests), flush, finalize, wait for the
// transfer to finish and the disk to be `ok`. On any failure the transfer is cancelled, so the disk
// is never left locked by this client.
import crypto from "node:crypto";
import * as https from "node:https";
import { entityFields, object, Ref, type Decoded } from "./codec";
import { CollectionService } from "./collection";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import type { DiskId, DisksService } from "./disks";
import { UnexpectedError } from "./errors";
import type { OperationKind } from "./expectations";
import { brand, type Brand } from "./ids";
import { waitFor } from "./wait";

export type ImageTransferId = Brand<string, "ImageTransferId">;
export const imageTransferId = (id: string): ImageTransferId =>
  brand<"ImageTransferId">(id, "image transfer");

export const ImageTransferType = object({
  ...entityFields,
  active: "bool",
  direction: "string",
  format: "string",
  inactivity_timeout: "int32",
  phase: "string",
  proxy_url: "string",
  transfer_url: "string",
  transferred: "int64",
  disk: Ref,
  image: Ref,
  host: Ref,
});
export type ApiImageTransfer = Decoded<typeof ImageTransferType>;

export type TransferAction = "finalize" | "cancel" | "pause" | "resume" | "extend";

/** Phases in which the transfer still holds its disk (it must be cancelled or finalized). */
export const LIVE_PHASES: readonly string[] = [
  "initializing",
  "transferring",
  "resuming",
  "paused_user",
  "paused_system",
  "unknown",
];

/** Bytes per data request. */
export const CHUNK_BYTES = 8 * 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK_BYTES);
/** Data requests at once (distinct ranges; the engine's data endpoint writes them independently). */
const IN_FLIGHT = 3;

export interface UploadProgress {
  /** Bytes handled so far (sent or zeroed). */
  bytes: number;
  total: number;
  /** Bytes per second since the start of the data phase. */
  rate: number;
  /** Bytes of all-zero chunks sent as `zero` requests (no payload). */
  zeroed: number;
}

export interface UploadOptions {
  diskId: DiskId;
  size: number;
  /** The content, in order, in any chunking; exactly `size` bytes. */
  content: AsyncIterable<Buffer>;
  /** Called at most about once per `progressEveryMs` and once at the end. */
  onProgress?: (p: UploadProgress) => void;
  progressEveryMs?: number;
  /** sha256 (hex) the content must have; checked before finalizing (a mismatch cancels). */
  expectedSha256?: string;
}

export interface UploadResult {
  transferId: ImageTransferId;
  sha256: string;
  bytes: number;
  zeroed: number;
  /** Seconds spent sending data (between `transferring` and the last flush). */
  dataSeconds: number;
}

/** Regroups any stream of buffers into CHUNK_BYTES pieces (the last may be shorter). */
export async function* rechunk(content: AsyncIterable<Buffer>, size = CHUNK_BYTES): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const piece of content) {
    let rest = piece;
    while (rest.length > 0) {
      const take = Math.min(rest.length, size - have);
      parts.push(rest.subarray(0, take));
      have += take;
      rest = rest.subarray(take);
      if (have === size) {
        yield parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
        parts = [];
        have = 0;
      }
    }
  }
  if (have > 0) yield Buffer.concat(parts, have);
}

export class ImageTransfersService extends CollectionService<typeof ImageTransferType, ImageTransferId> {
  constructor(conn: Connection) {
    super(conn, {
      path: "imagetransfers",
      singular: "image_transfer",
      type: ImageTransferType,
      label: "image transfer",
    });
  }

  /** POST /imagetransfers/{id}/<action>. */
  async action(ctx: OperationContext, id: ImageTransferId, name: TransferAction): Promise<void> {
    await this.conn.request(ctx, "POST", `${this.entityPath(id)}/${name}`, { body: {}, idempotent: true });
  }

  /** The transfers of one disk that still hold it. */
  async liveForDisk(ctx: OperationContext, diskId: DiskId): Promise<ApiImageTransfer[]> {
    const all = await this.list(ctx);
    return all.filter((t) => t.disk?.id === diskId && LIVE_PHASES.includes(t.phase ?? "unknown"));
  }

  /** Cancels every transfer holding the disk and waits until the disk is no longer locked. */
  async release(ctx: OperationContext, disks: DisksService, diskId: DiskId): Promise<number> {
    const live = await this.liveForDisk(ctx, diskId);
    for (const t of live) await this.action(ctx, imageTransferId(t.id ?? ""), "cancel");
    await waitFor({
      what: `disk ${diskId}`,
      awaited: "not locked",
      timeoutMs: Math.max(1000, ctx.deadline - Date.now()),
      initialDelayMs: 100,
      maxDelayMs: 2000,
      poll: async () => {
        const d = await disks.tryGet(ctx, diskId);
        return { done: !d || d.status !== "locked", state: `status ${d?.status ?? "gone"}` };
      },
    });
    return live.length;
  }

  private async waitPhase(
    ctx: OperationContext,
    id: ImageTransferId,
    done: (phase: string) => boolean,
    awaited: string,
    kind: OperationKind,
  ): Promise<ApiImageTransfer> {
    const t = await waitFor({
      what: `image transfer ${id}`,
      awaited,
      timeoutMs: Math.max(1000, ctx.deadline - Date.now()),
      initialDelayMs: 50,
      maxDelayMs: 1000,
      expect: { kind, engine: this.conn.engine },
      poll: async () => {
        const got = await this.tryGet(ctx, id);
        // The engine may drop a finished transfer: absent counts as finished here; the disk says how.
        if (!got) return { done: true, state: "gone", value: undefined };
        const phase = got.phase ?? "unknown";
        if (done(phase)) return { done: true, state: phase, value: got };
        if (phase === "finished_failure" || phase === "finalizing_failure" || phase === "cancelled")
          return { done: false, state: phase, failed: `phase ${phase}` };
        return { done: false, state: `phase ${phase}` };
      },
    });
    return t ?? { id, phase: "gone" };
  }

  /** Uploads `content` into an existing disk (see the file comment). */
  async upload(ctx: OperationContext, disks: DisksService, opts: UploadOptions): Promise<UploadResult> {
    const created = await this.add(ctx, { disk: { id: opts.diskId }, direction: "upload", format: "raw" });
    const id = imageTransferId(created.id ?? "");
    try {
      const t = await this.waitPhase(
        ctx,
        id,
        (p) => p === "transferring",
        "phase transferring",
        "imagetransfer.start",
      );
      const url = t.transfer_url ?? t.proxy_url;
      if (!url) throw new UnexpectedError(`image transfer ${id} has no transfer_url`);
      const data = new DataEndpoint(url, this.conn.tlsAgent, ctx);
      await data.options();
      const started = Date.now();
      const hash = crypto.createHash("sha256");
      let offset = 0;
      let zeroed = 0;
      let lastReport = 0;
      const every = opts.progressEveryMs ?? 2000;
      const report = (final: boolean) => {
        const now = Date.now();
        if (!opts.onProgress || (!final && now - lastReport < every)) return;
        lastReport = now;
        const secs = Math.max((now - started) / 1000, 0.001);
        opts.onProgress({ bytes: offset, total: opts.size, rate: offset / secs, zeroed });
      };
      // Up to IN_FLIGHT requests at distinct ranges while the next chunk is read and hashed.
      const inFlight = new Set<Promise<void>>();
      let failed: Error | undefined;
      for await (const chunk of rechunk(opts.content)) {
        if (offset + chunk.length > opts.size)
          throw new UnexpectedError(`the content is longer than its declared ${opts.size} bytes`);
        hash.update(chunk);
        const at = offset;
        const isZero = chunk.equals(ZEROS.subarray(0, chunk.length));
        while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
        if (failed) throw failed;
        const p: Promise<void> = (isZero ? data.zero(at, chunk.length) : data.put(at, chunk, opts.size))
          .catch((err: unknown) => {
            failed ??= err instanceof Error ? err : new Error(String(err));
          })
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (isZero) zeroed += chunk.length;
        offset += chunk.length;
        report(false);
      }
      await Promise.all(inFlight);
      if (failed) throw failed;
      if (offset !== opts.size)
        throw new UnexpectedError(`the content has ${offset} bytes, not the declared ${opts.size}`);
      await data.flush();
      const dataSeconds = (Date.now() - started) / 1000;
      report(true);
      const sha256 = hash.digest("hex");
      if (opts.expectedSha256 && opts.expectedSha256 !== sha256) {
        throw new UnexpectedError(
          `the content's sha256 is ${sha256}, not the expected ${opts.expectedSha256} (did the file change during the upload?)`,
        );
      }
      await this.action(ctx, id, "finalize");
      const end = await this.waitPhase(
        ctx,
        id,
        (p) => p === "finished_success",
        "phase finished_success",
        "imagetransfer.finalize",
      );
      if (end.phase === "gone") {
        const d = await disks.get(ctx, opts.diskId);
        if (d.status !== "ok")
          throw new UnexpectedError(`disk ${opts.diskId} is ${d.status} after the upload`);
      }
      return { transferId: id, sha256, bytes: offset, zeroed, dataSeconds };
    } catch (err) {
      // Never leave the disk locked behind: cancel (best effort; the disk becomes illegal).
      try {
        const cur = await this.tryGet(ctx, id);
        if (cur && LIVE_PHASES.includes(cur.phase ?? "unknown")) await this.action(ctx, id, "cancel");
      } catch {
        /* the original error matters more */
      }
      throw err;
    }
  }
}

/** The ovirt-imageio protocol on one ticket URL. */
export class DataEndpoint {
  private readonly url: URL;

  constructor(
    url: string,
    private readonly agent: https.Agent,
    private readonly ctx: OperationContext,
  ) {
    this.url = new URL(url);
  }

  private send(
    method: string,
    query: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const timeout = Math.max(1000, this.ctx.deadline - Date.now());
      const req = https.request(
        {
          protocol: this.url.protocol,
          hostname: this.url.hostname,
          port: this.url.port,
          path: `${this.url.pathname}${query}`,
          method,
          headers: { ...headers, "content-length": String(body?.length ?? 0) },
          agent: this.agent,
          timeout,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (c: Buffer) => parts.push(c));
          res.on("end", () => {
            const text = Buffer.concat(parts);
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve(text);
            else
              reject(
                new UnexpectedError(
                  `image data ${method} ${this.url.pathname}: HTTP ${status}: ${text.toString("utf8").trim()}`,
                ),
              );
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () =>
        req.destroy(new UnexpectedError(`image data ${method}: no answer in ${timeout} ms`)),
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  async options(): Promise<string[]> {
    const body = await this.send("OPTIONS", "", {});
    try {
      return (JSON.parse(body.toString("utf8")) as { features?: string[] }).features ?? [];
    } catch {
      return [];
    }
  }

  async put(offset: number, chunk: Buffer, total: number): Promise<void> {
    await this.send(
      "PUT",
      "?flush=n",
      {
        "content-type": "application/octet-stream",
        "content-range": `bytes ${offset}-${offset + chunk.length - 1}/${total}`,
      },
      chunk,
    );
  }

  private async patch(msg: Record<string, unknown>): Promise<void> {
    await this.send("PATCH", "", { "content-type": "application/json" }, Buffer.from(JSON.stringify(msg)));
  }

  zero(offset: number, size: number): Promise<void> {
    return this.patch({ op: "zero", offset, size, flush: false });
  }

  flush(): Promise<void> {
    return this.patch({ op: "flush" });
  }
}
