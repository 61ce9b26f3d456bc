// /imagetransfers: TransferDiskImageCommand as the REST API shows it. A transfer locks its disk and
// walks the phases on the scheduler:
//   initializing -> transferring -> (finalize) finalizing_success -> finished_success (disk ok)
//   transferring -> (pause) paused_user -> (resume) resuming -> transferring
//   any live phase -> (cancel) cancelled -> finalizing_failure -> finished_failure (disk illegal)
// The bytes go through the data endpoint (data.ts) at `transfer_url` / `proxy_url`.
import crypto from "node:crypto";
import fs from "node:fs";
import type { EngineContext } from "../../context";
import { entityNotFound, malformedId, mandatory, mandatoryEither } from "../../http/faults";
import type { Value } from "../../repr/tree";
import type { ApiRequest, Area } from "../context";
import { readEntity } from "../common/input";
import { fail } from "../common/messages";
import { diskFile } from "../disks/files";
import type { Disk } from "../disks/model";
import type { Host } from "../hosts/model";
import { performAction } from "../jobs/command";
import { collectionAnswer, createdAnswer, entityAnswer, findByPathId, isUuid } from "../respond";
import { IMAGE_TRANSFER, presentTransfer, type ImageTransfer, type Phase } from "./model";

/** Engine milliseconds of each step (ticket added, image verified and unlocked). */
export const TRANSFER_START_MS = 1000;
export const TRANSFER_FINALIZE_MS = 1000;
const STEP_TIMER = "imagetransfer.step";

/** The phase each transitional phase moves to when its step timer fires. */
const NEXT: Partial<Record<Phase, Phase>> = {
  initializing: "transferring",
  resuming: "transferring",
  finalizing_success: "finished_success",
  cancelled: "finalizing_failure",
  finalizing_failure: "finished_failure",
};

function setPhase(engine: EngineContext, t: ImageTransfer, phase: Phase): ImageTransfer {
  const next = { ...t, phase };
  engine.store.update("image_transfer", next);
  return next;
}

/** The bytes a file occupies on disk (what vdsm reports as the volume's apparent/true size). */
function allocated(file: string | undefined): number {
  if (!file) return 0;
  try {
    const st = fs.statSync(file);
    return st.blocks * 512;
  } catch {
    return 0;
  }
}

function step(engine: EngineContext, id: string): void {
  const t = engine.store.get<ImageTransfer>("image_transfer", id);
  if (!t) return;
  const to = NEXT[t.phase];
  if (!to) return;
  engine.store.transaction(() => {
    setPhase(engine, t, to);
    const disk = engine.store.get<Disk>("disk", t.disk_id);
    if (disk && (to === "finished_success" || to === "finished_failure")) {
      const used = allocated(diskFile(engine, disk));
      // A failed upload leaves an image of unknown content: illegal, to be removed (downloads do not
      // change the image).
      const status = to === "finished_failure" && t.direction === "upload" ? "illegal" : "ok";
      engine.store.update("disk", { ...disk, status, actual_size: used, total_size: used });
    }
  });
  if (to !== "finished_success" && to !== "finished_failure" && NEXT[to])
    engine.scheduler.after(STEP_TIMER, to === "finalizing_failure" ? 0 : TRANSFER_FINALIZE_MS, { id });
}

function refOf(v: unknown): { id?: string; name?: string } | undefined {
  return typeof v === "object" && v !== null ? v : undefined;
}

function findDisk(engine: EngineContext, input: Value): Disk {
  const diskRef = refOf(input.disk);
  const imageRef = refOf(input.image);
  if (diskRef?.id !== undefined) {
    if (!isUuid(diskRef.id)) throw malformedId(diskRef.id);
    const disk = engine.store.get<Disk>("disk", diskRef.id.toLowerCase());
    if (!disk) throw entityNotFound(`Disk: id=${diskRef.id}`);
    return disk;
  }
  if (imageRef?.id !== undefined) {
    const id = imageRef.id.toLowerCase();
    const disk = engine.store.list<Disk>("disk", (d) => d.image_id === id)[0];
    if (!disk) throw entityNotFound(`Image: id=${imageRef.id}`);
    return disk;
  }
  throw mandatoryEither("image_transfer.disk.id", "image_transfer.image.id");
}

function add(engine: EngineContext, req: ApiRequest) {
  const input = readEntity(req, IMAGE_TRANSFER, "imagetransfers/methods/add");
  if (!input) throw mandatory("image_transfer");
  const disk = findDisk(engine, input);
  const direction = (input.direction as ImageTransfer["direction"] | undefined) ?? "upload";
  if (disk.status === "locked") throw fail("transfer", "Virtual Disk", "ACTION_TYPE_FAILED_DISK_IS_LOCKED");
  const host = engine.store.list<Host>("host", (h) => h.status === "up")[0];
  const transfer: ImageTransfer = {
    id: crypto.randomUUID(),
    phase: "initializing",
    direction,
    format: (input.format as ImageTransfer["format"] | undefined) ?? disk.format,
    ticket: crypto.randomUUID(),
    disk_id: disk.id,
    image_id: disk.image_id,
    transferred: 0,
    inactivity_timeout: Number(input.inactivity_timeout ?? 60),
    host_id: host?.id,
    origin: req.ctx.origin,
  };
  engine.store.transaction(() => {
    engine.store.insert("image_transfer", transfer);
    engine.store.update("disk", { ...disk, status: "locked" });
  });
  engine.scheduler.after(STEP_TIMER, TRANSFER_START_MS, { id: transfer.id });
  return createdAnswer(IMAGE_TRANSFER, presentTransfer(transfer), req.ctx);
}

/** An action allowed only from some phases; otherwise the engine's 409. */
function transition(
  engine: EngineContext,
  req: ApiRequest,
  from: readonly Phase[],
  to: Phase,
  stepMs: number | undefined,
) {
  const t = findByPathId<ImageTransfer>(engine.store, "image_transfer", req.params.id);
  return performAction(
    engine,
    req,
    { job: { description: `Transferring image of Disk ${t.disk_id}` } },
    () => {
      if (!from.includes(t.phase))
        throw fail("transfer", "Virtual Disk", "ACTION_TYPE_FAILED_IMAGE_TRANSFER_PHASE", { phase: t.phase });
    },
    () => {
      setPhase(engine, t, to);
      if (stepMs !== undefined) engine.scheduler.after(STEP_TIMER, stepMs, { id: t.id });
    },
  );
}

const LIVE: readonly Phase[] = ["initializing", "transferring", "resuming", "paused_user", "paused_system"];

export const imageTransferRoutes: Area = (engine) => {
  engine.scheduler.on(STEP_TIMER, (payload) => step(engine, (payload as { id: string }).id));
  const one = (req: ApiRequest) =>
    presentTransfer(findByPathId<ImageTransfer>(engine.store, "image_transfer", req.params.id));
  return [
    {
      method: "GET",
      path: "/imagetransfers",
      handle: (req) =>
        collectionAnswer(
          IMAGE_TRANSFER,
          engine.store.list<ImageTransfer>("image_transfer").map(presentTransfer),
          req.ctx,
        ),
    },
    { method: "POST", path: "/imagetransfers", handle: (req) => add(engine, req) },
    {
      method: "GET",
      path: "/imagetransfers/:id",
      handle: (req) => entityAnswer(IMAGE_TRANSFER, one(req), req.ctx),
    },
    {
      method: "POST",
      path: "/imagetransfers/:id/finalize",
      handle: (req) =>
        transition(
          engine,
          req,
          ["transferring", "paused_user", "paused_system"],
          "finalizing_success",
          TRANSFER_FINALIZE_MS,
        ),
    },
    {
      method: "POST",
      path: "/imagetransfers/:id/cancel",
      handle: (req) => transition(engine, req, LIVE, "cancelled", 0),
    },
    {
      method: "POST",
      path: "/imagetransfers/:id/pause",
      handle: (req) => transition(engine, req, ["transferring"], "paused_user", undefined),
    },
    {
      method: "POST",
      path: "/imagetransfers/:id/resume",
      handle: (req) =>
        transition(engine, req, ["paused_user", "paused_system"], "resuming", TRANSFER_START_MS),
    },
    {
      method: "POST",
      path: "/imagetransfers/:id/extend",
      handle: (req) => transition(engine, req, ["transferring"], "transferring", undefined),
    },
  ];
};
