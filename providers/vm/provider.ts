// The VM provider's implementation, loaded at run time through the runtime (never serialized).
// A VM is more than one API object (the VM, its NICs, its disk attachments and disks, its run state),
// so it converges them in one place instead of the single-object core in core/base.ts, with the same
// rules: check before any request, find-by-name before add (a crashed create is adopted, never
// duplicated), read returns the inputs the user set, waits bounded by the resource's timeouts.

import { adoptMissing, logAdopting, type KindProvider } from "../core/base";
import { bag, describeResource, isUnknown, unknownEngine, validate } from "../core/check";
import { compact, diffFields, satisfies } from "../core/diff";
import type { OvirtClient } from "../ovirt/client";
import { newOperation, type OperationContext } from "../ovirt/context";
import { diskId } from "../ovirt/disks";
import { isFault } from "../ovirt/errors";
import type { OperationKind } from "../ovirt/expectations";
import { CDROM_ID, getCdrom, setCdrom } from "../ovirt/isofiles";
import { getLogger } from "../ovirt/log";
import { clientFor } from "../ovirt/registry";
import { withRetry } from "../ovirt/retry";
import { storageDomainId } from "../ovirt/storagedomains";
import {
  vmId as toVmId,
  type ApiDiskAttachment,
  type ApiNic,
  type ApiVm,
  type ListedVm,
  type VmAction,
  type VmId,
} from "../ovirt/vms";
import { waitFor } from "../ovirt/wait";
import {
  diskChangeProblems,
  diskFromApi,
  diskToApi,
  GIB,
  isRunning,
  nicFromApi,
  nicToApi,
  publicCloudInit,
  secretsDigest,
  VmArgsSchema,
  vmFromApi,
  vmPolicies,
  vmToApi,
  type VmArgs,
  type VmComputed,
  type VmDisk,
  type VmNicArgs,
} from "./model";

type Props = Record<string, unknown>;
const DEFAULT_TIMEOUTS = { create: 900, update: 900, delete: 600 };
/** Fields of the VM object itself (NICs, disks and run state are converged separately). */
const VM_FIELDS = [
  "name",
  "clusterId",
  "description",
  "comment",
  "cpu",
  "memoryMiB",
  "guaranteedMemoryMiB",
  "highAvailability",
  "osType",
] as const;

const who = (args: { name?: unknown }) => describeResource("VM", args.name);

function parse(inputs: unknown): VmArgs {
  const raw = bag(inputs);
  const r = validate(VmArgsSchema, raw, who(raw));
  if (!r.ok) throw new Error(r.failures.map((f) => f.reason).join("; "));
  return r.value;
}

function operation(args: Partial<VmArgs>, op: "create" | "update" | "delete" | "read"): OperationContext {
  const budget = op === "read" ? "update" : op;
  const s = args.timeouts?.[budget] ?? DEFAULT_TIMEOUTS[budget];
  return newOperation(`vm-${op}`, s * 1000);
}

function clientOf(engine: string | undefined, what: string): OvirtClient {
  if (!engine) throw new Error(`${what}: the stored state names no engine`);
  return clientFor(engine);
}

const remaining = (ctx: OperationContext) => Math.max(1000, ctx.deadline - Date.now());

// ---------------------------------------------------------------------------------------------
// waiting

async function waitVm(
  c: OvirtClient,
  ctx: OperationContext,
  id: VmId,
  args: { name?: string },
  awaited: string,
  done: (vm: ApiVm) => boolean,
  kind?: OperationKind,
): Promise<ApiVm> {
  const vm = await waitFor<ApiVm>({
    what: who(args),
    awaited,
    timeoutMs: remaining(ctx),
    initialDelayMs: 200,
    maxDelayMs: 5000,
    onProgress: (line) => getLogger().info(line),
    expect: kind && { kind, engine: c.engine },
    poll: async () => {
      const v = await c.vms.tryGet(ctx, id);
      if (!v) return { done: false, state: "gone", failed: "the VM was removed" };
      return { done: done(v), state: `status ${v.status}`, value: v };
    },
  });
  return vm!;
}

async function waitDisksOk(c: OvirtClient, ctx: OperationContext, id: VmId, args: VmArgs): Promise<void> {
  await waitFor({
    what: `${who(args)} disks`,
    awaited: "status ok",
    timeoutMs: remaining(ctx),
    initialDelayMs: 200,
    maxDelayMs: 5000,
    onProgress: (line) => getLogger().info(line),
    expect: { kind: "disk.create", engine: c.engine },
    poll: async () => {
      const disks = await liveDisks(c, ctx, id);
      const bad = disks.filter((d) => d.disk.status !== "ok");
      const illegal = bad.find((d) => d.disk.status === "illegal");
      return {
        done: bad.length === 0,
        state: bad.map((d) => `${d.disk.alias} ${d.disk.status}`).join(", ") || "all ok",
        failed: illegal ? `disk ${illegal.disk.alias} is illegal` : undefined,
      };
    },
  });
}

/** An action that may already be done: a repeated start/stop answers with the engine's conflict. */
async function act(c: OvirtClient, ctx: OperationContext, id: VmId, name: VmAction): Promise<void> {
  try {
    await c.vms.action(ctx, id, name);
  } catch (err) {
    const detail = err instanceof Error ? err.message : "";
    const already =
      isFault(err, "conflict") &&
      ((name === "start" && /VM is running/.test(detail)) ||
        (name !== "start" && /VM is not running/.test(detail)));
    if (!already) throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// NICs and disks

async function liveDisks(c: OvirtClient, ctx: OperationContext, id: VmId) {
  const atts = await c.vms.diskAttachments(ctx, id);
  const out = [];
  for (const a of atts) {
    const did = a.disk?.id ?? a.id;
    if (!did) continue;
    const disk = await c.disks.tryGet(ctx, diskId(did));
    if (disk) out.push({ attachment: a, disk });
  }
  return out;
}

/** A disk the listing inlined (a bare reference has only id, href and name). */
function inlined(disk: ApiDiskAttachment["disk"]): boolean {
  return !!disk && Object.keys(disk).some((k) => k !== "id" && k !== "href" && k !== "name");
}

/**
 * liveDisks from read's listing: its inlined attachments and disks. What the engine did not inline
 * is asked for as liveDisks does (an attachment whose disk is gone is left out, as there).
 */
async function listedDisks(c: OvirtClient, ctx: OperationContext, id: VmId, listed: ListedVm) {
  if (listed.disk_attachments === undefined) return liveDisks(c, ctx, id);
  const out = [];
  for (const a of listed.disk_attachments) {
    if (a.disk && inlined(a.disk)) {
      out.push({ attachment: a, disk: a.disk });
      continue;
    }
    const did = a.disk?.id ?? a.id;
    if (!did) continue;
    const disk = await c.disks.tryGet(ctx, diskId(did));
    if (disk) out.push({ attachment: a, disk });
  }
  return out;
}

/** getCdrom (persistent media) from read's listing, or asked for when the engine did not inline it. */
async function listedCdrom(c: OvirtClient, ctx: OperationContext, id: VmId, listed: ListedVm) {
  const cd = listed.cdroms?.find((x) => x.id === CDROM_ID);
  return cd ? (cd.file?.id ?? "") : getCdrom(c.conn, ctx, id);
}

async function convergeNics(
  c: OvirtClient,
  ctx: OperationContext,
  id: VmId,
  wanted: VmNicArgs[] | undefined,
) {
  if (wanted === undefined) return;
  const live = await c.vms.nics(ctx, id);
  for (const n of wanted) {
    const found = live.find((l) => l.name === n.name);
    if (!found) {
      await c.vms.addNic(ctx, id, nicToApi(n));
      continue;
    }
    const cur = nicFromApi(found);
    const differs =
      cur.interface !== n.interface ||
      cur.vnicProfileId !== n.vnicProfileId ||
      (n.mac !== undefined && cur.mac?.toLowerCase() !== n.mac.toLowerCase());
    if (differs) await c.vms.updateNic(ctx, id, found.id!, nicToApi(n));
  }
  for (const l of live) {
    if (!wanted.some((n) => n.name === l.name)) await c.vms.removeNic(ctx, id, l.id!);
  }
}

async function convergeDisks(c: OvirtClient, ctx: OperationContext, id: VmId, args: VmArgs): Promise<void> {
  if (args.disks === undefined) return;
  const live = await liveDisks(c, ctx, id);
  for (const d of args.disks) {
    const found = live.find((l) => l.disk.alias === d.name);
    if (!found) {
      await c.vms.addDiskAttachment(ctx, id, diskToApi(d));
      continue;
    }
    const cur = diskFromApi(found.attachment, found.disk);
    const size = d.sizeGiB * GIB;
    if (size < (found.disk.provisioned_size ?? 0)) {
      throw new Error(
        `${who(args)}: disks "${d.name}".sizeGiB ${d.sizeGiB} is smaller than the disk on the engine ` +
          `(${Math.ceil((found.disk.provisioned_size ?? 0) / GIB)} GiB): disks can only grow`,
      );
    }
    const body: Parameters<OvirtClient["vms"]["updateDiskAttachment"]>[3] = {};
    if (size > (found.disk.provisioned_size ?? 0)) body.disk = { provisioned_size: size };
    if (cur.interface !== d.interface) body.interface = d.interface;
    if (cur.bootable !== d.bootable) body.bootable = d.bootable;
    if (Object.keys(body).length > 0)
      await c.vms.updateDiskAttachment(ctx, id, found.attachment.id ?? found.disk.id!, body);
  }
}

// ---------------------------------------------------------------------------------------------
// the VM

/** Fields of the VM object whose desired value the live (next-run) configuration lacks. */
function vmChanges(args: VmArgs, live: Partial<VmArgs>, secretsChanged: boolean): Array<keyof VmArgs> {
  const out: Array<keyof VmArgs> = VM_FIELDS.filter((f) => !satisfies(args[f], live[f]));
  if (args.cloudInit && (!satisfies(publicCloudInit(args.cloudInit), live.cloudInit) || secretsChanged))
    out.push("cloudInit");
  return out;
}

/**
 * Makes the VM, its NICs, disks and run state match `args`. `priorDigest` is the stored digest of
 * the cloud-init secrets (undefined on create: they are sent then).
 */
async function converge(
  c: OvirtClient,
  ctx: OperationContext,
  id: VmId,
  args: VmArgs,
  priorDigest: string | undefined,
  creating: boolean,
): Promise<{ vm: ApiVm; computed: VmComputed }> {
  let vm = await c.vms.tryGetNextRun(ctx, id);
  if (!vm) throw new Error(`${who(args)}: VM ${id} no longer exists on engine "${args.engine}"`);
  if (vm.status === "image_locked")
    vm = await waitVm(c, ctx, id, args, "status down", (v) => v.status !== "image_locked");
  const live = vmFromApi(vm);
  const digest = secretsDigest(id, args.cloudInit);
  const changes = vmChanges(args, live, creating || digest !== priorDigest);
  if (changes.includes("clusterId") && isRunning(vm.status) && args.runState === "stopped") {
    // Stopping was asked for in the same change: shut down first, then move.
    await act(c, ctx, id, "shutdown");
    vm = await waitVm(c, ctx, id, args, "status down", (v) => v.status === "down", "vm.shutdown");
  }
  if (changes.includes("clusterId") && isRunning(vm.status)) {
    throw new Error(
      `${who(args)}: clusterId cannot change while the VM is running (the engine moves only Down VMs ` +
        `between clusters); set runState "stopped" first, then change clusterId`,
    );
  }
  if (changes.length > 0) await c.vms.updateWith(ctx, id, vmToApi(args, changes));
  await convergeNics(c, ctx, id, args.nics);
  await convergeDisks(c, ctx, id, args);
  if (args.disks?.length) await waitDisksOk(c, ctx, id, args);
  if (args.cdrom !== undefined && (await getCdrom(c.conn, ctx, id)) !== args.cdrom)
    await setCdrom(c.conn, ctx, id, args.cdrom);

  vm = (await c.vms.tryGet(ctx, id))!;
  if (args.runState === "running") {
    const starting = !isRunning(vm.status);
    if (starting) await act(c, ctx, id, "start");
    if (vm.status !== "up")
      vm = await waitVm(
        c,
        ctx,
        id,
        args,
        "status up",
        (v) => v.status === "up",
        starting ? "vm.start" : undefined,
      );
    // A running VM sees persistent media only at its next boot: change what it sees now too.
    if (args.cdrom !== undefined && (await getCdrom(c.conn, ctx, id, true)) !== args.cdrom)
      await setCdrom(c.conn, ctx, id, args.cdrom, true);
    if (vm.next_run_configuration_exists && args.rebootForChanges) {
      getLogger().info(`${who(args)}: rebooting to apply the pending configuration (rebootForChanges)`);
      await act(c, ctx, id, "reboot");
      vm = await waitVm(
        c,
        ctx,
        id,
        args,
        "status up with the new configuration",
        (v) => v.status === "up" && !v.next_run_configuration_exists,
        "vm.reboot",
      );
    }
  } else if (isRunning(vm.status)) {
    await act(c, ctx, id, "shutdown");
    vm = await waitVm(c, ctx, id, args, "status down", (v) => v.status === "down", "vm.shutdown");
  }
  return { vm, computed: await computed(c, ctx, id, vm, args) };
}

async function computed(
  c: OvirtClient,
  ctx: OperationContext,
  id: VmId,
  vm: ApiVm,
  args: Partial<VmArgs>,
): Promise<VmComputed> {
  return computedOf(id, vm, await c.vms.nics(ctx, id), await liveDisks(c, ctx, id), args);
}

function computedOf(
  id: VmId,
  vm: ApiVm,
  nics: ApiNic[],
  disks: Array<{ disk: { alias?: string; id?: string } }>,
  args: Partial<VmArgs>,
): VmComputed {
  return {
    status: vm.status,
    hostId: vm.host?.id,
    pendingReboot: !!vm.next_run_configuration_exists,
    macAddresses: Object.fromEntries(nics.map((n) => [n.name ?? "", n.mac?.address ?? ""])),
    diskIds: Object.fromEntries(disks.map((d) => [d.disk.alias ?? "", d.disk.id ?? ""])),
    cloudInitSecretsDigest: secretsDigest(id, args.cloudInit),
  };
}

function outputs(args: VmArgs, comp: VmComputed, digest?: string): Props {
  return compact({
    ...args,
    cloudInit: publicCloudInit(args.cloudInit),
    ...comp,
    cloudInitSecretsDigest: digest ?? comp.cloudInitSecretsDigest,
  });
}

/** Keeps only what `shape` sets for each named item, with live values (no refresh noise). */
function projectNamed<T extends { name: string }>(prior: T[] | undefined, live: T[]): T[] | undefined {
  if (prior === undefined) return undefined;
  // In the inputs' order (the engine lists attachments in its own): order alone is no drift.
  const rank = (l: T) => {
    const i = prior.findIndex((x) => x.name === l.name);
    return i < 0 ? prior.length : i;
  };
  return [...live]
    .sort((a, b) => rank(a) - rank(b))
    .map((l) => {
      const p = prior.find((x) => x.name === l.name);
      if (!p) return l;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(p))
        out[k] = (l as Record<string, unknown>)[k] ?? (p as Record<string, unknown>)[k];
      return out as T;
    });
}

// ---------------------------------------------------------------------------------------------

export const vmProvider: KindProvider = {
  async check(olds, news) {
    const inputs = bag(news);
    const label = who(inputs);
    const r = validate(VmArgsSchema, inputs, label);
    const failures = r.ok ? [] : [...r.failures];
    const badEngine = unknownEngine(label, inputs.engine);
    if (badEngine) failures.push(badEngine);
    if (r.ok) {
      const prior = bag(olds).disks as VmDisk[] | undefined;
      if (!isUnknown(prior) && !isUnknown(r.value.disks)) {
        for (const p of diskChangeProblems(prior, r.value.disks))
          failures.push({ property: p.property, reason: `${label}: ${p.reason}` });
      }
    }
    if (failures.length) return { inputs, failures };
    return { inputs: r.ok ? compact(r.value as Props) : inputs };
  },

  async diff(id, olds, news) {
    const prior = bag(olds);
    const desired = bag(news);
    const { cloudInit: _c, ...policies } = vmPolicies;
    const { changed, replaces } = diffFields(policies, prior, desired);
    const wantInit = desired.cloudInit as VmArgs["cloudInit"];
    if (wantInit !== undefined) {
      const secretsMoved =
        !isUnknown(wantInit) &&
        secretsDigest(id, wantInit) !== (prior.cloudInitSecretsDigest as string | undefined);
      if (isUnknown(wantInit) || !satisfies(publicCloudInit(wantInit), prior.cloudInit) || secretsMoved)
        changed.push("cloudInit");
    }
    const sameName = !isUnknown(desired.name) && desired.name === prior.name;
    const sameEngine = !isUnknown(desired.engine) && desired.engine === prior.engine;
    return {
      changes: changed.length > 0,
      replaces,
      deleteBeforeReplace: replaces.length > 0 && sameName && sameEngine,
    };
  },

  async create(inputs) {
    const args = parse(inputs);
    const c = clientOf(args.engine, who(args));
    const ctx = operation(args, "create");
    if (args.adopt) {
      // Taken over as it is (its NICs, disks and run state too): only GETs are sent.
      const where = `engine "${args.engine}"`;
      const found = await c.vms.findByName(ctx, args.name);
      if (!found?.id) throw adoptMissing(who(args), "VM", args.name, where);
      logAdopting(who(args), "VM", found.id, where);
      const seen = await vmProvider.read(found.id, args);
      const outs: Props = { ...seen.props, adopted: true };
      // Outputs never hold cloud-init secrets (read keeps the inputs' values where the engine hides them).
      if (outs.cloudInit) outs.cloudInit = publicCloudInit(outs.cloudInit);
      return { id: found.id, outs: compact(outs) };
    }
    const vm = await withRetry(
      async (attempt) => {
        const found = await c.vms.findByName(ctx, args.name);
        if (found)
          return adopt(
            c,
            ctx,
            args,
            found,
            attempt === 0 ? "found by name" : "made by an interrupted attempt",
          );
        if (args.registerFrom) return register(c, ctx, args, args.registerFrom);
        try {
          return await c.vms.add(ctx, {
            ...vmToApi(args, Object.keys(vmPolicies) as Array<keyof VmArgs>),
            template: { name: args.template },
          });
        } catch (err) {
          if (isFault(err, "conflict")) {
            const raced = await c.vms.findByName(ctx, args.name);
            if (raced) return adopt(c, ctx, args, raced, "created concurrently");
          }
          throw err;
        }
      },
      {
        idempotent: true,
        deadline: ctx.deadline,
        onRetry: (err, n, delay) =>
          getLogger().info(`${who(args)}: ${err.message}; retry ${n} in ${(delay / 1000).toFixed(1)}s`),
      },
    );
    if (!vm.id) throw new Error(`${who(args)}: the engine's answer has no id`);
    const id = toVmId(vm.id);
    const { computed: comp } = await converge(c, ctx, id, args, undefined, true);
    return { id: vm.id, outs: outputs(args, comp) };
  },

  async read(id, props) {
    const prior = bag(props) as Partial<VmArgs> & Props;
    const c = clientOf(prior.engine, who(prior));
    const ctx = operation(prior, "read");
    const vmid = toVmId(id);
    // From this run's listing of every VM with its devices (one request per page, not five per VM).
    const listed = await c.vms.readCached(ctx, vmid);
    if (!listed) return { id: "" };
    // The configuration the VM runs with next: a pending next-run change is not drift. Only a VM
    // that has one needs its own GET (the listing shows the running configuration).
    const vm = listed.next_run_configuration_exists ? await c.vms.tryGetNextRun(ctx, vmid) : listed;
    if (!vm) return { id: "" };
    const live = vmFromApi(vm);
    const inputs: Props = {};
    for (const [k, v] of Object.entries(prior)) {
      if (!(k in vmPolicies)) continue;
      inputs[k] = v;
    }
    for (const f of [...VM_FIELDS, "runState"] as const) {
      if (prior[f] !== undefined && live[f] !== undefined) inputs[f] = live[f];
    }
    if (prior.cloudInit !== undefined && live.cloudInit) {
      const p = prior.cloudInit as Record<string, unknown>;
      const l = live.cloudInit as Record<string, unknown>;
      inputs.cloudInit = Object.fromEntries(Object.keys(p).map((k) => [k, l[k] ?? p[k]]));
    }
    const apiNics = listed.nics ?? (await c.vms.nics(ctx, vmid));
    const apiDisks = await listedDisks(c, ctx, vmid, listed);
    if (prior.cdrom !== undefined) inputs.cdrom = await listedCdrom(c, ctx, vmid, listed);
    inputs.nics = projectNamed(prior.nics, apiNics.map(nicFromApi));
    inputs.disks = projectNamed(
      prior.disks,
      apiDisks.map((d) => diskFromApi(d.attachment, d.disk)),
    );
    const comp = computedOf(vmid, vm, apiNics, apiDisks, {});
    const clean = compact(inputs);
    return {
      id,
      props: compact({
        ...clean,
        ...comp,
        cloudInitSecretsDigest: prior.cloudInitSecretsDigest,
        adopted: prior.adopted,
      }),
      inputs: clean,
    };
  },

  async update(id, olds, news) {
    const args = parse(news);
    const c = clientOf(args.engine, who(args));
    const ctx = operation(args, "update");
    const vmid = toVmId(id);
    if (!(await c.vms.tryGet(ctx, vmid))) {
      throw new Error(
        `${who(args)}: VM ${id} no longer exists on engine "${args.engine}" (removed outside Pulumi?); ` +
          `run \`pulumi refresh\` to forget it, then \`pulumi up\` to make it again`,
      );
    }
    const priorDigest = bag(olds).cloudInitSecretsDigest as string | undefined;
    const { computed: comp } = await converge(c, ctx, vmid, args, priorDigest, false);
    if (comp.pendingReboot)
      getLogger().info(`${who(args)}: configuration changes wait for the next reboot (pendingReboot)`);
    return { outs: { ...outputs(args, comp), ...compact({ adopted: bag(olds).adopted }) } };
  },

  async delete(id, props) {
    const prior = bag(props) as Partial<VmArgs>;
    const c = clientOf(prior.engine, who(prior));
    const ctx = operation(prior, "delete");
    const vmid = toVmId(id);
    const vm = await c.vms.tryGet(ctx, vmid);
    if (!vm) {
      getLogger().info(`${who(prior)}: VM ${id} was already gone`);
      return;
    }
    if (vm.status === "image_locked")
      await waitVm(c, ctx, vmid, prior, "status down", (v) => v.status !== "image_locked");
    if (isRunning(vm.status)) {
      await act(c, ctx, vmid, "stop");
      await waitVm(c, ctx, vmid, prior, "status down", (v) => v.status === "down", "vm.stop");
    }
    // Storage data is never destroyed by default: the disks stay on their domains (detach_only)
    // unless the VM says destroyDataOnDelete.
    await c.vms.remove(ctx, vmid, { detach_only: prior.destroyDataOnDelete !== true });
    await waitFor({
      what: who(prior),
      awaited: "removal",
      timeoutMs: remaining(ctx),
      initialDelayMs: 200,
      poll: async () => {
        const v = await c.vms.tryGet(ctx, vmid);
        return { done: !v, state: v ? `status ${v.status}` : "gone" };
      },
    });
  },
};

/** Registers the VM from an imported domain's unregistered VMs (ImportVmFromConfiguration). */
async function register(
  c: OvirtClient,
  ctx: OperationContext,
  args: VmArgs,
  from: NonNullable<VmArgs["registerFrom"]>,
): Promise<ApiVm> {
  const sd = storageDomainId(from.storageDomainId);
  const waiting = await c.storagedomains.unregisteredVms(ctx, sd);
  const vm = waiting.find((v) => v.name === args.name);
  if (!vm?.id) {
    throw new Error(
      `${who(args)}: not on engine "${args.engine}", and storage domain ${sd} holds no unregistered VM of ` +
        `this name (it has: ${waiting.map((v) => v.name).join(", ") || "none"}). Was it left behind on the ` +
        `legacy engine, or removed?`,
    );
  }
  getLogger().info(`${who(args)}: registering it from storage domain ${sd} (its disks and MACs kept)`);
  await c.storagedomains.registerVm(ctx, sd, vm.id, args.clusterId, from.profiles);
  const registered = await c.vms.findByName(ctx, args.name);
  if (!registered) throw new Error(`${who(args)}: registered, but the engine does not list it`);
  return registered;
}

/** Takes over an existing VM with the wanted name (unless it was made from another template). */
async function adopt(
  c: OvirtClient,
  ctx: OperationContext,
  args: VmArgs,
  vm: ApiVm,
  how: string,
): Promise<ApiVm> {
  if (vm.template?.id) {
    const t = await c.templates.tryGet(ctx, vm.template.id as never);
    if (t?.name && t.name !== args.template) {
      throw new Error(
        `${who(args)}: engine "${args.engine}" already has a VM with this name (id ${vm.id}) made from template ` +
          `"${t.name}", not "${args.template}". It is not adopted: rename this resource or remove the existing VM.`,
      );
    }
  }
  getLogger().info(`${who(args)}: adopting the existing VM ${vm.id} on engine "${args.engine}" (${how})`);
  return vm;
}
