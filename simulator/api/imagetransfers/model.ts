// Image transfers (model types/ImageTransfer.java, services/ImageTransfersService.java): the engine's
// record of one upload or download of a disk's bytes through the data endpoint (data.ts).
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Value } from "../../repr/tree";
import type { Entity } from "../../store/entities";

/** ImageTransferPhase values this engine uses. */
export const PHASES = [
  "cancelled",
  "finalizing_failure",
  "finalizing_success",
  "finished_failure",
  "finished_success",
  "initializing",
  "paused_system",
  "paused_user",
  "resuming",
  "transferring",
  "unknown",
] as const;
export type Phase = (typeof PHASES)[number];

export interface ImageTransfer extends Entity {
  phase: Phase;
  direction: "upload" | "download";
  format: "raw" | "cow";
  /** The data endpoint's ticket: `/images/<ticket>` (never rendered apart from inside the URLs). */
  ticket: string;
  disk_id: string;
  image_id: string;
  /** Bytes written (upload) or read (download) through the data endpoint so far. */
  transferred: number;
  inactivity_timeout: number;
  /** The host that "serves" the transfer (the first up host of the disk's data center), if any. */
  host_id?: string;
  /** `https://host:port` the transfer was created through: the data endpoint is served there too. */
  origin: string;
}

export const IMAGE_TRANSFER: EntityType = {
  element: "image_transfer",
  plural: "image_transfers",
  path: "imagetransfers",
  struct: struct("ImageTransfer", [
    field("active", T.boolean, { readOnly: true }),
    field("direction", T.enumOf("ImageTransferDirection", ["download", "upload"])),
    field("format", T.enumOf("DiskFormat", ["cow", "raw"])),
    field("inactivity_timeout", T.int),
    field("phase", T.enumOf("ImageTransferPhase", PHASES), { readOnly: true }),
    field("proxy_url", T.string, { readOnly: true }),
    field("shallow", T.boolean, { model44: true }),
    field("timeout_policy", T.enumOf("ImageTransferTimeoutPolicy", ["cancel", "legacy", "pause"]), {
      model44: true,
    }),
    field("transfer_url", T.string, { readOnly: true }),
    field("transferred", T.long, { readOnly: true }),
    field("disk", T.ref("disks")),
    field("host", T.ref("hosts")),
    field("image", T.ref()),
  ]),
  links: [],
  actions: {
    model43: ["resume", "cancel", "finalize", "extend", "pause"],
    model44: ["resume", "cancel", "finalize", "extend", "pause"],
  },
};

/** The data endpoint URL of a ticket (served by this engine, like ovirt-imageio's daemon and proxy). */
export function dataUrl(t: ImageTransfer): string {
  return `${t.origin}/images/${t.ticket}`;
}

export function presentTransfer(t: ImageTransfer): Value {
  const live = t.phase === "transferring" || t.phase === "resuming";
  return {
    id: t.id,
    active: t.phase === "transferring",
    direction: t.direction,
    format: t.format,
    inactivity_timeout: t.inactivity_timeout,
    phase: t.phase,
    // The URLs are only shown while the ticket exists (TransferDiskImageCommand).
    proxy_url: live ? dataUrl(t) : undefined,
    shallow: false,
    timeout_policy: "legacy",
    transfer_url: live ? dataUrl(t) : undefined,
    transferred: t.transferred,
    disk: { id: t.disk_id },
    host: t.host_id ? { id: t.host_id } : undefined,
    image: { id: t.image_id },
  };
}
