// The IsoImage provider: an `iso` disk on a data domain filled through an image transfer.
// - check validates, then computes the source's checksum (cached, checksum.ts) into the inputs;
// - diff: another checksum, engine or domain is a replace, a new name an in-place rename;
// - create finds its own disk by name first: one that is `ok` with the same checksum (in its
//   description) is kept (a second `up` after a crash transfers nothing); a half-made one (locked by
//   an interrupted transfer, illegal after a cancelled one, or with other content) has its transfers
//   cancelled and is removed, then the disk is made again and the bytes uploaded from the start;
// - delete cancels transfers still holding the disk, then removes it (404 = done).
import type * as pulumi from "@pulumi/pulumi";
import type { KindProvider } from "../core/base";
import { bag, describeResource, isUnknown, unknownEngine, validate } from "../core/check";
import { compact, diffFields } from "../core/diff";
import type { OvirtClient } from "../ovirt/client";
import { newOperation, type OperationContext } from "../ovirt/context";
import { diskId, type ApiDisk, type DiskId } from "../ovirt/disks";
import type { OperationKind } from "../ovirt/expectations";
import { getLogger } from "../ovirt/log";
import { clientFor } from "../ovirt/registry";
import { waitFor } from "../ovirt/wait";
import { openSource, sourceInfo } from "./checksum";
import { IsoImageArgsSchema, isoImagePolicies, type IsoImageArgs } from "./model";

type Props = Record<string, unknown>;
const DEFAULT_TIMEOUTS = { create: 3600, update: 300, delete: 600 };
const MIB = 1024 * 1024;

const who = (args: { name?: unknown }) => describeResource("ISO image", args.name);

function parse(inputs: unknown): IsoImageArgs {
  const raw = bag(inputs);
  const r = validate(IsoImageArgsSchema, raw, who(raw));
  if (!r.ok) throw new Error(r.failures.map((f) => f.reason).join("; "));
  return r.value;
}

function operation(args: Partial<IsoImageArgs>, op: "create" | "update" | "delete"): OperationContext {
  const s = args.timeouts?.[op] ?? DEFAULT_TIMEOUTS[op];
  return newOperation(`isoimage-${op}`, s * 1000);
}

function human(bytes: number): string {
  return bytes >= 1024 * MIB ? `${(bytes / 1024 / MIB).toFixed(2)} GiB` : `${(bytes / MIB).toFixed(1)} MiB`;
}

async function domainId(client: OvirtClient, ctx: OperationContext, args: IsoImageArgs): Promise<string> {
  const sd = await client.storagedomains.findByName(ctx, args.storageDomain);
  if (!sd?.id)
    throw new Error(
      `${who(args)}: engine "${args.engine}" has no storage domain named ${args.storageDomain}`,
    );
  if (sd.type !== undefined && sd.type !== "data") {
    throw new Error(
      `${who(args)}: storage domain ${args.storageDomain} is of type ${sd.type}; ISO images are uploaded to data domains ` +
        "(legacy ISO domains take no uploads in 4.4)",
    );
  }
  return sd.id;
}

async function waitDisk(
  client: OvirtClient,
  ctx: OperationContext,
  id: DiskId,
  what: string,
  kind?: OperationKind,
): Promise<ApiDisk> {
  const d = await waitFor({
    what,
    awaited: "status ok",
    timeoutMs: Math.max(1000, ctx.deadline - Date.now()),
    initialDelayMs: 100,
    maxDelayMs: 2000,
    expect: kind && { kind, engine: client.engine },
    poll: async () => {
      const got = await client.disks.get(ctx, id);
      if (got.status === "illegal")
        return { done: false, state: "status illegal", failed: "the disk is illegal" };
      return { done: got.status === "ok", state: `status ${got.status}`, value: got };
    },
  });
  return d!;
}

/** Cancels what holds the disk and removes it (a half-made or outdated image). */
async function discard(
  client: OvirtClient,
  ctx: OperationContext,
  disk: ApiDisk,
  why: string,
  args: IsoImageArgs,
) {
  const id = diskId(disk.id ?? "");
  const cancelled = await client.imagetransfers.release(ctx, client.disks, id);
  getLogger().info(
    `${who(args)}: removing disk ${id} (${why}${cancelled ? `; cancelled ${cancelled} interrupted transfer(s)` : ""})`,
  );
  await client.disks.remove(ctx, id);
}

function outputs(args: IsoImageArgs, disk: ApiDisk, size: number): Props {
  return compact({ ...args, diskId: disk.id, size, status: "ok" });
}

async function create(inputs: unknown): Promise<pulumi.dynamic.CreateResult<Props>> {
  const args = parse(inputs);
  const client = clientFor(args.engine);
  const ctx = operation(args, "create");
  const sdId = await domainId(client, ctx, args);
  const opened = await openSource(args.source);
  const checksum = args.checksum;
  const existing = await client.disks.findByName(ctx, args.name);
  if (existing) {
    const same =
      existing.status === "ok" &&
      existing.content_type === "iso" &&
      checksum !== undefined &&
      existing.description === checksum &&
      existing.storage_domains?.[0]?.id === sdId;
    if (same) {
      destroyStream(opened.stream);
      getLogger().info(
        `${who(args)}: disk ${existing.id} already holds this image (${checksum}); nothing to transfer`,
      );
      return { id: existing.id!, outs: outputs(args, existing, opened.size) };
    }
    await discard(client, ctx, existing, `status ${existing.status}, not the wanted complete image`, args);
  }
  const disk = await client.disks.add(ctx, {
    name: args.name,
    alias: args.name,
    description: checksum,
    content_type: "iso",
    format: "raw",
    sparse: true,
    provisioned_size: opened.size,
    storage_domains: [{ id: sdId }],
  });
  const id = diskId(disk.id ?? "");
  await waitDisk(client, ctx, id, `disk ${id}`, "disk.create");
  getLogger().info(`${who(args)}: uploading ${human(opened.size)} from ${args.source} into disk ${id}`);
  const result = await client.imagetransfers.upload(ctx, client.disks, {
    diskId: id,
    size: opened.size,
    content: opened.stream,
    expectedSha256: checksum?.slice("sha256:".length),
    onProgress: (p) =>
      getLogger().info(
        `${who(args)}: ${human(p.bytes)} of ${human(p.total)} (${Math.floor((100 * p.bytes) / Math.max(p.total, 1))}%), ` +
          `${human(p.rate)}/s${p.zeroed ? `, ${human(p.zeroed)} as zero ranges` : ""}`,
      ),
  });
  const done = await waitDisk(client, ctx, id, `disk ${id}`);
  getLogger().info(
    `${who(args)}: uploaded ${human(result.bytes)} in ${result.dataSeconds.toFixed(1)}s ` +
      `(${human(result.bytes / Math.max(result.dataSeconds, 0.001))}/s)`,
  );
  return {
    id,
    outs: outputs({ ...args, checksum: checksum ?? `sha256:${result.sha256}` }, done, result.bytes),
  };
}

function destroyStream(stream: AsyncIterable<Buffer>): void {
  const s = stream as { destroy?: () => void };
  if (typeof s.destroy === "function") s.destroy();
}

export const isoImageProvider: KindProvider = {
  async check(_olds, news) {
    const inputs = bag(news);
    const label = who(inputs);
    const r = validate(IsoImageArgsSchema, inputs, label);
    const failures = r.ok ? [] : [...r.failures];
    const badEngine = unknownEngine(label, inputs.engine);
    if (badEngine) failures.push(badEngine);
    if (failures.length || !r.ok) return { inputs, failures };
    const args = r.value;
    if (args.checksum === undefined && !isUnknown(args.source)) {
      try {
        const info = await sourceInfo(args.source);
        args.checksum = info.checksum;
      } catch (err) {
        return {
          inputs,
          failures: [
            {
              property: "source",
              reason: `${label}: source "${args.source}" cannot be read: ${(err as Error).message}`,
            },
          ],
        };
      }
    }
    return { inputs: compact(args as Record<string, unknown>) };
  },

  async diff(_id, olds, news) {
    const prior = bag(olds);
    const desired = bag(news);
    const { changed, replaces } = diffFields(isoImagePolicies, prior, desired);
    const sameName = !isUnknown(desired.name) && desired.name === prior.name;
    const sameEngine = !isUnknown(desired.engine) && desired.engine === prior.engine;
    return {
      changes: changed.length > 0,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && sameName && sameEngine,
    };
  },

  create,

  async read(id, props) {
    const prior = bag(props);
    const engine = prior.engine as string | undefined;
    if (!engine) throw new Error(`${who(prior)}: the stored state names no engine`);
    const client = clientFor(engine);
    const disk = await client.disks.tryGet(operation(prior, "update"), diskId(id));
    if (!disk) return { id: "" };
    const inputs: Props = {};
    for (const f of Object.keys(isoImagePolicies)) if (prior[f] !== undefined) inputs[f] = prior[f];
    // The live disk tells its name and its content (the checksum it was made with).
    if (disk.alias) inputs.name = disk.alias;
    if (disk.description && disk.description.startsWith("sha256:")) inputs.checksum = disk.description;
    return { id, inputs: compact(inputs), props: compact({ ...prior, ...inputs, status: disk.status }) };
  },

  async update(id, olds, news) {
    const args = parse(news);
    const prior = bag(olds);
    const client = clientFor(args.engine);
    const ctx = operation(args, "update");
    let disk = await client.disks.tryGet(ctx, diskId(id));
    if (!disk) {
      throw new Error(
        `${who(args)}: disk ${id} no longer exists on engine "${args.engine}" (removed outside Pulumi?); ` +
          "run `pulumi refresh` to forget it, then `pulumi up` to upload it again",
      );
    }
    if (disk.alias !== args.name)
      disk = await client.disks.update(ctx, diskId(id), { alias: args.name, name: args.name });
    return { outs: compact({ ...args, diskId: id, size: prior.size, status: disk.status }) };
  },

  async delete(id, props) {
    const prior = bag(props);
    const engine = prior.engine as string | undefined;
    if (!engine) throw new Error(`${who(prior)}: the stored state names no engine`);
    const client = clientFor(engine);
    const ctx = operation(prior, "delete");
    const disk = await client.disks.tryGet(ctx, diskId(id));
    if (!disk) {
      getLogger().info(`${who(prior)}: disk ${id} was already gone`);
      return;
    }
    await client.imagetransfers.release(ctx, client.disks, diskId(id));
    await client.disks.remove(ctx, diskId(id));
  },
};
