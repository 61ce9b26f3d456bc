// /vms, /vms/{id} with the start/stop/shutdown/reboot actions, /vms/{id}/nics and
// /vms/{id}/diskattachments. Status changes run on the scheduler (API-NOTES 3.8, 4.2):
//   start:    down -> wait_for_launch -> powering_up -> up (a host of the cluster that is up)
//   stop:     -> powering_down -> down        shutdown: -> powering_down -> down (slower)
//   reboot:   up -> reboot_in_progress -> up
// A running VM takes cpu/memory/os/bios/type changes at its next boot: they wait in `next_run`
// (shown by GET ?next_run=true, flagged by next_run_configuration_exists) and are applied when the
// VM goes down or reboots. The VM's OVF is rewritten in its disks' domains (dataplane/ovf.ts).
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { writeVmOvf, removeVmOvf } from "../../dataplane/ovf";
import { mandatory, mandatoryEither, notFound, syntaxFault } from "../../http/faults";
import { BodyShapeError, decodeEntity, parseBody } from "../../repr/decode";
import type { Value } from "../../repr/tree";
import { recordEvent } from "../events/record";
import { performAction } from "../jobs/command";
import { getDomainVm, listDomainVms, registerDomainVm } from "./register";
import { cancelMigrationAction, migrateAction, registerMigration } from "./migrate";
import { ticketAction } from "./ticket";
import { filesystemsAction } from "./guest";
import { SETUP_IDS } from "../../setup";
import type { Cluster } from "../clusters/model";
import type { Answer, ApiRequest, Area } from "../context";
import { applyInput, readEntity } from "../common/input";
import { nameTaken, resolveRef } from "../common/lookup";
import { fail, type Action } from "../common/messages";
import { booleanParam, exactNameSearch, listWithSearch } from "../common/search";
import { DISK, type Disk } from "../disks/model";
import { addDisk, copyDisk, deleteDisk, onDiskReady, resizeDisk } from "../disks/routes";
import {
  collectionAnswer,
  createdAnswer,
  entityAnswer,
  findByPathId,
  pathId,
  performedAnswer,
} from "../respond";
import { templateBase, type Template } from "../templates/model";
import {
  DISK_ATTACHMENT,
  NEXT_RUN_MEMBERS,
  NIC,
  presentVm,
  VM,
  vmSearch,
  type DiskAttachment,
  type Vm,
  type VmNic,
  type VmStatus,
} from "./model";

/** Engine milliseconds of each step. */
const hostName = (engine: EngineContext, id: string | undefined) =>
  id ? (engine.store.get<{ id: string; name: string }>("host", id)?.name ?? "") : "";

export const VM_TIMINGS = { launch: 1000, powerUp: 2000, stop: 1000, shutdown: 3000, reboot: 2000 };
const STEP_TIMER = "vm.step";

interface Step {
  id: string;
  /** The status the VM must still be in for the step to apply. */
  from: VmStatus;
  to: VmStatus;
}

const RUNNING: readonly VmStatus[] = [
  "up",
  "powering_up",
  "wait_for_launch",
  "reboot_in_progress",
  "paused",
  "migrating",
  "powering_down",
  "not_responding",
];

// ---------------------------------------------------------------------------------------------
// lookups

function vmPath(vm: Vm): string {
  return `vms/${vm.id}`;
}

function getVm(engine: EngineContext, rawId: string): Vm {
  return findByPathId<Vm>(engine.store, "vm", rawId);
}

function nicsOf(engine: EngineContext, vmId: string): VmNic[] {
  return engine.store.listOfVm<VmNic>("vm_nic", vmId).sort((a, b) => a.name.localeCompare(b.name));
}

function attachmentsOf(engine: EngineContext, vmId: string): DiskAttachment[] {
  return engine.store.listOfVm<DiskAttachment>("disk_attachment", vmId);
}

function disksOf(engine: EngineContext, vmId: string): Disk[] {
  return attachmentsOf(engine, vmId)
    .map((a) => engine.store.get<Disk>("disk", a.disk.id))
    .filter((d): d is Disk => d !== undefined);
}

function hostsUpIn(engine: EngineContext, clusterId: string): Array<{ id: string; name: string }> {
  return engine.store.list<{ id: string; name: string; status?: string; cluster?: { id: string } }>(
    "host",
    (h) => h.cluster?.id === clusterId && h.status === "up",
  );
}

// ---------------------------------------------------------------------------------------------
// MAC addresses

/**
 * The range of a MAC pool. engine-setup gives the default pool a random `56:6f:XX:YY:00:00 -
 * 56:6f:XX:YY:ff:ff` range; here XX:YY derive from the engine's instance id and the pool, so two
 * engines (4.3 and 4.4) allocate from different ranges, as two real installations do.
 */
export function macRange(engine: EngineContext, poolId: string): { prefix: string } {
  const h = crypto.createHash("sha256").update(`${engine.instanceId}/${poolId}`).digest();
  const hex = (b: number) => b.toString(16).padStart(2, "0");
  return { prefix: `56:6f:${hex(h[0])}:${hex(h[1])}` };
}

const MAC_RE = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

function macsInUse(engine: EngineContext, exceptNicId?: string): Set<string> {
  return new Set(
    engine.store
      .pluck("vm_nic", "mac.address")
      .filter((n) => n.id !== exceptNicId)
      .map((n) => String(n.value).toLowerCase()),
  );
}

function allocateMac(engine: EngineContext, vm: Vm, action: Action): string {
  const cluster = engine.store.get<Cluster>("cluster", vm.cluster.id);
  const { prefix } = macRange(engine, cluster?.mac_pool.id ?? SETUP_IDS.defaultMacPool);
  const used = macsInUse(engine);
  for (let i = 0; i < 65536; i++) {
    const mac = `${prefix}:${((i >> 8) & 0xff).toString(16).padStart(2, "0")}:${(i & 0xff).toString(16).padStart(2, "0")}`;
    if (!used.has(mac)) return mac;
  }
  throw fail(action, "Interface", "NETWORK_MAC_ADDRESS_IN_USE");
}

function checkMac(engine: EngineContext, address: string, action: Action, exceptNicId?: string): string {
  const mac = address.toLowerCase();
  // Multicast (odd first octet) and all-zero addresses cannot be set (MacAddressValidator).
  if (!MAC_RE.test(mac) || parseInt(mac.slice(0, 2), 16) % 2 === 1 || mac === "00:00:00:00:00:00")
    throw fail(action, "Interface", "NETWORK_INVALID_MAC_ADDRESS");
  if (macsInUse(engine, exceptNicId).has(mac)) throw fail(action, "Interface", "NETWORK_MAC_ADDRESS_IN_USE");
  return mac;
}

// ---------------------------------------------------------------------------------------------
// state machine

function schedule(engine: EngineContext, steps: Array<{ to: VmStatus; after: number }>, vm: Vm): void {
  let at = 0;
  let from = vm.status;
  for (const s of steps) {
    at += s.after;
    engine.scheduler.after(STEP_TIMER, at, { id: vm.id, from, to: s.to } satisfies Step);
    from = s.to;
  }
}

/** Going down: the host is released, the next-run configuration becomes the configuration. */
function wentDown(vm: Vm): Vm {
  const { next_run, host: _host, migration: _migration, ...rest } = vm;
  return { ...rest, ...(next_run ?? {}), status: "down", stop_time: Date.now() };
}

function registerTimers(engine: EngineContext): void {
  engine.scheduler.on(STEP_TIMER, (payload) => {
    const step = payload as Step;
    const vm = engine.store.get<Vm>("vm", step.id);
    if (!vm || vm.status !== step.from) return;
    let next: Vm;
    if (step.to === "down") next = wentDown(vm);
    else if (step.to === "up" && step.from === "reboot_in_progress") {
      const { next_run, ...rest } = vm;
      next = { ...rest, ...(next_run ?? {}), status: "up", start_time: Date.now() };
    } else if (step.to === "up") {
      next = { ...vm, status: "up", start_time: Date.now() };
      recordEvent(engine, {
        type: "USER_RUN_VM",
        vars: { VmName: vm.name, VdsName: hostName(engine, vm.host?.id) },
        vm: { id: vm.id, name: vm.name },
        byUser: false,
      });
    } else next = { ...vm, status: step.to };
    engine.store.update("vm", next);
    if (step.to === "down") writeVmOvf(engine, next.id);
  });
  onDiskReady(engine, (disk) => {
    const e = engine;
    const a = e.store.get<DiskAttachment>("disk_attachment", disk.id);
    if (!a) return;
    // A VM made from a template is image_locked until its copies of the template's disks are ok.
    const vm = e.store.get<Vm>("vm", a.vm.id);
    const templating = e.store.list<Template>(
      "template",
      (t) => t.vm?.id === a.vm.id && t.status === "locked",
    );
    if (vm?.status === "image_locked" && templating.length === 0) {
      if (!disksOf(e, vm.id).some((d) => d.status === "locked"))
        e.store.update("vm", { ...vm, status: "down" });
    }
    writeVmOvf(e, a.vm.id);
  });
}

// ---------------------------------------------------------------------------------------------
// VMs

const hasRef = (r: unknown): r is { id?: string; name?: string } =>
  !!r && ((r as { id?: string }).id !== undefined || (r as { name?: string }).name !== undefined);

function search(engine: EngineContext) {
  return vmSearch({
    clusterName: (id) => engine.store.get<Cluster>("cluster", id)?.name,
    hostName: (id) => engine.store.get<{ id: string; name: string }>("host", id)?.name,
    dataCenterName: (clusterId) => {
      const dcId = engine.store.get<Cluster>("cluster", clusterId)?.data_center?.id;
      return dcId ? engine.store.get<{ id: string; name: string }>("data_center", dcId)?.name : undefined;
    },
  });
}

/**
 * The last `GET /vms` answer tree per engine, reused while the store has not changed (EntityStore
 * stamp): a refresh of thousands of VMs lists them again and again, and reading, presenting and
 * rendering 3,000 VMs is most of an answer's cost. Not with `follow` (it adds to the tree).
 */
const listCache = new WeakMap<EngineContext, { key: string; answer: Answer }>();

function list(engine: EngineContext, req: ApiRequest) {
  const { query, render, filter, allContent } = req.ctx;
  const cacheable = query.follow === undefined;
  const key = `${engine.store.stamp()}|${render.base}|${String(render.model44)}|${String(filter)}|${String(allContent)}|${JSON.stringify(query)}`;
  const hit = listCache.get(engine);
  if (cacheable && hit?.key === key) return hit.answer;
  // A lookup by name (every create of a provider starts with one) reads only that name's rows.
  const named = exactNameSearch(query.search);
  const candidates =
    named !== undefined ? engine.store.listByName<Vm>("vm", named) : engine.store.list<Vm>("vm");
  const found = listWithSearch(candidates, query, search(engine), (v) => v.name);
  const answer = collectionAnswer(
    VM,
    found.map((v) => presentVm(v)),
    req.ctx,
  );
  if (cacheable) listCache.set(engine, { key, answer });
  return answer;
}

function get(engine: EngineContext, req: ApiRequest) {
  const vm = getVm(engine, req.params.id);
  return entityAnswer(VM, presentVm(vm, booleanParam(req.ctx.query.next_run)), req.ctx);
}

/** The plain members of a VM body (references and read-only members taken out). */
function plainChanges(input: Value): Value {
  const { id: _id, cluster: _c, template: _t, ...rest } = input;
  const mp = rest.memory_policy as Value | undefined;
  if (mp && Object.keys(mp).length === 0) delete rest.memory_policy;
  return rest;
}

function add(engine: EngineContext, req: ApiRequest) {
  const raw = readEntity(req, VM, "vms/methods/add");
  if (!raw) throw mandatory("vm");
  if (raw.name === undefined) throw mandatory("vm.name");
  if (!hasRef(raw.cluster)) throw mandatoryEither("vm.cluster.id", "vm.cluster.name");
  if (!hasRef(raw.template)) throw mandatoryEither("vm.template.id", "vm.template.name");
  const cluster = resolveRef<Cluster>(engine.store, "cluster", "Cluster", raw.cluster);
  const template = resolveRef<Template>(engine.store, "template", "Template", raw.template);
  const name = raw.name as string;
  if (nameTaken(engine.store, "vm", name, { caseSensitive: false }))
    throw fail("add", "VM", "ACTION_TYPE_FAILED_NAME_ALREADY_USED");
  if (template.status === "locked") throw fail("add", "VM", "ACTION_TYPE_FAILED_TEMPLATE_IS_LOCKED");
  const base = templateBase(template);
  const blank = template.id === SETUP_IDS.blankTemplate;
  const clusterBios = (cluster as Cluster & { bios_type?: string }).bios_type;
  const seed: Vm = {
    id: crypto.randomUUID(),
    name,
    description: "",
    comment: "",
    status: "down",
    ...base,
    bios:
      blank && clusterBios && clusterBios !== "cluster_default"
        ? { ...base.bios, type: clusterBios }
        : base.bios,
    placement_policy: { affinity: "migratable" },
    creation_time: Date.now(),
    delete_protected: false,
    stateless: false,
    start_paused: false,
    origin: "ovirt",
    cluster: { id: cluster.id },
    template: { id: template.id },
    original_template: { id: template.id },
  };
  const vm = applyInput(seed, plainChanges(raw), new Set(["initialization", "placement_policy"]));
  // memory_policy.guaranteed defaults to the memory, max to four times it (VmHandler).
  if ((raw.memory_policy as Value | undefined)?.guaranteed === undefined && raw.memory !== undefined)
    vm.memory_policy = { ...vm.memory_policy, guaranteed: vm.memory };
  if ((raw.memory_policy as Value | undefined)?.max === undefined && raw.memory !== undefined)
    vm.memory_policy = { ...vm.memory_policy, max: 4 * vm.memory };
  const templateDisks = engine.store.list<Disk>("disk", (d) => d.template?.id === template.id);
  engine.store.transaction(() => {
    // AddVmCommand locks the VM while the template's disks are copied (thin copies on file domains).
    if (templateDisks.length > 0) vm.status = "image_locked";
    engine.store.insert("vm", vm);
    for (const src of templateDisks) {
      const copy = copyDisk(engine, src, { name: src.alias, alias: src.alias });
      engine.store.insert("disk_attachment", {
        id: copy.id,
        vm: { id: vm.id },
        disk: { id: copy.id },
        active: true,
        bootable: src.template!.bootable,
        interface: src.template!.interface as DiskAttachment["interface"],
        pass_discard: false,
        read_only: false,
        uses_scsi_reservation: false,
      } satisfies DiskAttachment);
    }
  });
  recordEvent(engine, {
    type: "USER_ADD_VM",
    vars: { VmName: vm.name },
    correlationId: req.ctx.correlationId,
    vm: { id: vm.id, name: vm.name },
    cluster: { id: cluster.id, name: cluster.name },
  });
  return createdAnswer(VM, presentVm(vm), req.ctx);
}

function update(engine: EngineContext, req: ApiRequest) {
  const old = getVm(engine, req.params.id);
  const raw = readEntity(req, VM, "vm/methods/update") ?? {};
  if (old.status === "image_locked") throw fail("edit", "VM", "ACTION_TYPE_FAILED_VM_IS_LOCKED");
  const changes = plainChanges(raw);
  if (raw.cluster !== undefined && hasRef(raw.cluster)) {
    const cluster = resolveRef<Cluster>(engine.store, "cluster", "Cluster", raw.cluster);
    if (cluster.id !== old.cluster.id && old.status !== "down")
      throw fail("edit", "VM", "ACTION_TYPE_FAILED_VM_IS_RUNNING");
    changes.cluster = { id: cluster.id };
  }
  if (typeof changes.name === "string" && changes.name !== old.name) {
    if (nameTaken(engine.store, "vm", changes.name, { caseSensitive: false, exceptId: old.id }))
      throw fail("edit", "VM", "ACTION_TYPE_FAILED_NAME_ALREADY_USED");
  }
  const running = old.status !== "down";
  const pending: Value = {};
  const now: Value = {};
  for (const [k, v] of Object.entries(changes)) {
    if (running && (NEXT_RUN_MEMBERS as readonly string[]).includes(k)) pending[k] = v;
    else now[k] = v;
  }
  let vm = applyInput(old, now, new Set(["initialization", "placement_policy"]));
  if (Object.keys(pending).length > 0) {
    // The next-run configuration is the current one with the pending changes on top.
    const current = { ...vm, ...(vm.next_run ?? {}) };
    const merged = applyInput(current, pending);
    const nextRun: Record<string, unknown> = {};
    for (const k of NEXT_RUN_MEMBERS) {
      if (JSON.stringify(merged[k]) !== JSON.stringify(vm[k])) nextRun[k] = merged[k];
    }
    vm = { ...vm, next_run: Object.keys(nextRun).length > 0 ? nextRun : undefined };
    if (!vm.next_run) delete vm.next_run;
  }
  engine.store.update("vm", vm);
  writeVmOvf(engine, vm.id);
  return entityAnswer(VM, presentVm(vm, booleanParam(req.ctx.query.next_run)), req.ctx);
}

function remove(engine: EngineContext, req: ApiRequest) {
  const vm = getVm(engine, req.params.id);
  if (vm.status === "image_locked") throw fail("remove", "VM", "ACTION_TYPE_FAILED_VM_IS_LOCKED");
  if (vm.status !== "down") throw fail("remove", "VM", "VM_CANNOT_REMOVE_VM_WHEN_STATUS_IS_NOT_DOWN");
  const disks = disksOf(engine, vm.id);
  const locked = disks.filter((d) => d.status === "locked");
  if (locked.length > 0)
    throw fail("remove", "VM", "ACTION_TYPE_FAILED_DISKS_LOCKED", {
      diskAliases: locked.map((d) => d.alias).join(", "),
    });
  const detachOnly = booleanParam(req.ctx.query.detach_only);
  removeVmOvf(engine, vm.id);
  engine.store.transaction(() => {
    for (const n of nicsOf(engine, vm.id)) engine.store.remove("vm_nic", n.id);
    for (const d of disks) {
      if (detachOnly) engine.store.remove("disk_attachment", d.id);
      else deleteDisk(engine, d);
    }
    engine.store.remove("vm", vm.id);
  });
  return performedAnswer(req.ctx);
}

// ---------------------------------------------------------------------------------------------
// actions

function checkNotLocked(vm: Vm, action: Action): void {
  if (vm.status === "image_locked") throw fail(action, "VM", "ACTION_TYPE_FAILED_VM_IS_LOCKED");
}

type Commit = () => void;

function start(engine: EngineContext, vm: Vm): Commit {
  checkNotLocked(vm, "run");
  if (vm.status !== "down") throw fail("run", "VM", "ACTION_TYPE_FAILED_VM_IS_RUNNING");
  const locked = disksOf(engine, vm.id).filter((d) => d.status === "locked");
  if (locked.length > 0)
    throw fail("run", "VM", "ACTION_TYPE_FAILED_DISKS_LOCKED", {
      diskAliases: locked.map((d) => d.alias).join(", "),
    });
  const hosts = hostsUpIn(engine, vm.cluster.id);
  if (hosts.length === 0) throw fail("run", "VM", "ACTION_TYPE_FAILED_VDS_VM_CLUSTER");
  // The scheduler's even distribution: the host with the fewest VMs.
  const load = (hostId: string) => engine.store.list<Vm>("vm", (v) => v.host?.id === hostId).length;
  const host = [...hosts].sort((a, b) => load(a.id) - load(b.id) || a.name.localeCompare(b.name))[0];
  return () => {
    const launching: Vm = { ...vm, status: "wait_for_launch", host: { id: host.id } };
    engine.store.update("vm", launching);
    schedule(
      engine,
      [
        { to: "powering_up", after: VM_TIMINGS.launch },
        { to: "up", after: VM_TIMINGS.powerUp },
      ],
      launching,
    );
  };
}

function powerOff(engine: EngineContext, vm: Vm, action: "stop" | "shutdown"): Commit {
  checkNotLocked(vm, action);
  if (!RUNNING.includes(vm.status)) throw fail(action, "VM", "ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING");
  return () => {
    if (vm.status === "powering_down" && action === "shutdown") return;
    const stopping: Vm = { ...vm, status: "powering_down" };
    engine.store.update("vm", stopping);
    schedule(
      engine,
      [{ to: "down", after: action === "stop" ? VM_TIMINGS.stop : VM_TIMINGS.shutdown }],
      stopping,
    );
  };
}

const STATUS_WORDS: Record<string, string> = { down: "Down", image_locked: "Image Locked" };

function reboot(engine: EngineContext, vm: Vm): Commit {
  checkNotLocked(vm, "reboot");
  if (vm.status !== "up")
    throw fail("reboot", "VM", "ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL", {
      vmStatus:
        STATUS_WORDS[vm.status] ??
        vm.status.replace(/(^|_)(\w)/g, (_m, s: string, c: string) => (s ? " " : "") + c.toUpperCase()),
    });
  return () => {
    const rebooting: Vm = { ...vm, status: "reboot_in_progress" };
    engine.store.update("vm", rebooting);
    schedule(engine, [{ to: "up", after: VM_TIMINGS.reboot }], rebooting);
  };
}

// ---------------------------------------------------------------------------------------------
// NICs

function nicPath(vm: Vm): string {
  return `${vmPath(vm)}/nics`;
}

function getNic(engine: EngineContext, vm: Vm, rawId: string): VmNic {
  const nic = engine.store.get<VmNic>("vm_nic", pathId(rawId));
  if (!nic || nic.vm.id !== vm.id) throw notFound();
  return nic;
}

function resolveProfile(engine: EngineContext, ref: unknown, action: Action): { id: string } | undefined {
  if (!hasRef(ref)) return undefined;
  const r = ref;
  const found = r.id
    ? engine.store.get<{ id: string }>("vnic_profile", r.id.toLowerCase())
    : engine.store.list<{ id: string; name: string }>("vnic_profile", (p) => p.name === r.name)[0];
  if (!found) throw fail(action, "Interface", "ACTION_TYPE_FAILED_VNIC_PROFILE_NOT_EXISTS");
  return { id: found.id };
}

function presentNic(n: VmNic): Value {
  return { ...n, synced: true };
}

function addNic(engine: EngineContext, req: ApiRequest) {
  const vm = getVm(engine, req.params.id);
  const raw = readEntity(req, NIC, "vmnics/methods/add");
  if (!raw) throw mandatory("nic");
  if (raw.name === undefined) throw mandatory("nic.name");
  if (vm.status === "image_locked") throw fail("add", "Interface", "ACTION_TYPE_FAILED_VM_IS_LOCKED");
  if (nicsOf(engine, vm.id).some((n) => n.name === raw.name))
    throw fail("add", "Interface", "NETWORK_INTERFACE_NAME_ALREADY_IN_USE");
  const profile = resolveProfile(engine, raw.vnic_profile, "add");
  const given = (raw.mac as { address?: string } | undefined)?.address;
  const nic: VmNic = {
    id: crypto.randomUUID(),
    name: raw.name as string,
    vm: { id: vm.id },
    interface: (raw.interface as VmNic["interface"] | undefined) ?? "virtio",
    linked: (raw.linked as boolean | undefined) ?? true,
    plugged: (raw.plugged as boolean | undefined) ?? true,
    mac: { address: given ? checkMac(engine, given, "add") : allocateMac(engine, vm, "add") },
    vnic_profile: profile,
  };
  engine.store.insert("vm_nic", nic);
  writeVmOvf(engine, vm.id);
  return {
    status: 201,
    node: entityAnswer(NIC, presentNic(nic), req.ctx, nicPath(vm)).node,
    headers: { location: `${req.ctx.origin}${req.ctx.render.base}/${nicPath(vm)}/${nic.id}` },
  };
}

function updateNic(engine: EngineContext, req: ApiRequest) {
  const vm = getVm(engine, req.params.id);
  const old = getNic(engine, vm, req.params.sub);
  const raw = readEntity(req, NIC, "vmnic/methods/update") ?? {};
  if (
    raw.name !== undefined &&
    raw.name !== old.name &&
    nicsOf(engine, vm.id).some((n) => n.name === raw.name)
  )
    throw fail("edit", "Interface", "NETWORK_INTERFACE_NAME_ALREADY_IN_USE");
  const { mac, vnic_profile, id: _id, ...rest } = raw;
  const nic: VmNic = applyInput(old, rest);
  const address = (mac as { address?: string } | undefined)?.address;
  if (address !== undefined && address.toLowerCase() !== old.mac.address)
    nic.mac = { address: checkMac(engine, address, "edit", old.id) };
  if (vnic_profile !== undefined) nic.vnic_profile = resolveProfile(engine, vnic_profile, "edit");
  engine.store.update("vm_nic", nic);
  writeVmOvf(engine, vm.id);
  return entityAnswer(NIC, presentNic(nic), req.ctx, nicPath(vm));
}

// ---------------------------------------------------------------------------------------------
// disk attachments

function attachmentPath(vm: Vm): string {
  return `${vmPath(vm)}/diskattachments`;
}

function getAttachment(engine: EngineContext, vm: Vm, rawId: string): DiskAttachment {
  const a = engine.store.get<DiskAttachment>("disk_attachment", pathId(rawId));
  if (!a || a.vm.id !== vm.id) throw notFound();
  return a;
}

/** The inline `<disk>` of an attachment body, decoded with the disk type. */
function inlineDisk(req: ApiRequest, usage: string): Value | undefined {
  const onSyntax = () => syntaxFault(req.ctx.origin, usage);
  let raw: Value | undefined;
  try {
    raw = parseBody(req.body, req.ctx.bodyFormat, "disk_attachment") as Value | undefined;
  } catch (err) {
    if (err instanceof BodyShapeError) throw onSyntax();
    throw err;
  }
  const disk = raw?.disk;
  if (disk === undefined) return undefined;
  return decodeEntity(DISK, disk, req.ctx.render.model44, onSyntax);
}

function addAttachment(engine: EngineContext, req: ApiRequest) {
  const vm = getVm(engine, req.params.id);
  const raw = readEntity(req, DISK_ATTACHMENT, "diskattachments/methods/add");
  if (!raw) throw mandatory("disk_attachment");
  if (raw.interface === undefined) throw mandatory("disk_attachment.interface");
  const diskInput = inlineDisk(req, "diskattachments/methods/add");
  if (!diskInput) throw mandatoryEither("disk_attachment.disk.id", "disk_attachment.disk.provisioned_size");
  if (vm.status === "image_locked") throw fail("add", "Virtual Disk", "ACTION_TYPE_FAILED_VM_IS_LOCKED");
  let disk: Disk;
  if (typeof diskInput.id === "string" && engine.store.get<Disk>("disk", diskInput.id.toLowerCase())) {
    disk = engine.store.get<Disk>("disk", diskInput.id.toLowerCase())!;
    const other = engine.store.get<DiskAttachment>("disk_attachment", disk.id);
    if (other) {
      const owner = engine.store.get<Vm>("vm", other.vm.id);
      throw fail("attach", "Virtual Disk", "ACTION_TYPE_FAILED_DISK_IS_ALREADY_ATTACHED", {
        VmName: owner?.name ?? other.vm.id,
      });
    }
  } else {
    const n = attachmentsOf(engine, vm.id).length + 1;
    disk = addDisk(engine, diskInput, "disk_attachment.disk", `${vm.name}_Disk${n}`);
  }
  const a: DiskAttachment = {
    id: disk.id,
    vm: { id: vm.id },
    disk: { id: disk.id },
    active: (raw.active as boolean | undefined) ?? true,
    bootable: (raw.bootable as boolean | undefined) ?? false,
    interface: raw.interface as DiskAttachment["interface"],
    pass_discard: (raw.pass_discard as boolean | undefined) ?? false,
    read_only: (raw.read_only as boolean | undefined) ?? false,
    uses_scsi_reservation: false,
  };
  engine.store.insert("disk_attachment", a);
  const node = entityAnswer(DISK_ATTACHMENT, a as unknown as Value, req.ctx, attachmentPath(vm)).node;
  return {
    status: 201,
    node,
    headers: { location: `${req.ctx.origin}${req.ctx.render.base}/${attachmentPath(vm)}/${a.id}` },
  };
}

function updateAttachment(engine: EngineContext, req: ApiRequest) {
  const vm = getVm(engine, req.params.id);
  const old = getAttachment(engine, vm, req.params.sub);
  const raw = readEntity(req, DISK_ATTACHMENT, "diskattachment/methods/update") ?? {};
  const diskInput = inlineDisk(req, "diskattachment/methods/update");
  const { disk: _d, id: _id, ...rest } = raw;
  const a = applyInput(old, rest);
  const disk = engine.store.get<Disk>("disk", old.disk.id);
  if (disk && diskInput?.provisioned_size !== undefined)
    resizeDisk(engine, disk, Number(diskInput.provisioned_size));
  engine.store.update("disk_attachment", a);
  writeVmOvf(engine, vm.id);
  return entityAnswer(DISK_ATTACHMENT, a as unknown as Value, req.ctx, attachmentPath(vm));
}

function removeAttachment(engine: EngineContext, req: ApiRequest) {
  const vm = getVm(engine, req.params.id);
  const a = getAttachment(engine, vm, req.params.sub);
  const disk = engine.store.get<Disk>("disk", a.disk.id);
  if (disk?.status === "locked") throw fail("remove", "Virtual Disk", "ACTION_TYPE_FAILED_DISK_IS_LOCKED");
  // v4: only detached unless detach_only=false.
  const detachOnly = req.ctx.query.detach_only === undefined || booleanParam(req.ctx.query.detach_only);
  if (!detachOnly && disk) deleteDisk(engine, disk);
  else engine.store.remove("disk_attachment", a.id);
  writeVmOvf(engine, vm.id);
  return performedAnswer(req.ctx);
}

// ---------------------------------------------------------------------------------------------

export const vmRoutes: Area = (engine) => {
  registerTimers(engine);
  registerMigration(engine);
  // Job texts of ExecutionMessages (job.RunVm, job.StopVm, job.ShutdownVm, job.RebootVm).
  const JOB: Record<string, string> = {
    start: "Launching VM ${VM}",
    stop: "Stopping VM ${VM}",
    shutdown: "Shutting down VM ${VM}",
    reboot: "Rebooting VM ${VM}",
  };
  const EVENT_OF: Record<
    string,
    "USER_STARTED_VM" | "USER_STOP_VM" | "USER_INITIATED_SHUTDOWN_VM" | undefined
  > = {
    start: "USER_STARTED_VM",
    stop: "USER_STOP_VM",
    shutdown: "USER_INITIATED_SHUTDOWN_VM",
  };
  const action =
    (name: string, fn: (vm: Vm) => Commit) =>
    (req: ApiRequest): Answer => {
      const vm = getVm(engine, req.params.id);
      let commit: Commit = () => undefined;
      return performAction(
        engine,
        req,
        { job: { description: JOB[name].replace("${VM}", vm.name) } },
        () => {
          commit = fn(vm);
        },
        () => {
          commit();
          const now = engine.store.get<Vm>("vm", vm.id) ?? vm;
          const type = EVENT_OF[name];
          if (type)
            recordEvent(engine, {
              type,
              vars: { VmName: vm.name, VdsName: hostName(engine, now.host?.id) },
              correlationId: req.ctx.correlationId,
              vm: { id: vm.id, name: vm.name },
            });
        },
      );
    };
  return [
    { method: "GET", path: "/vms", handle: (req) => list(engine, req) },
    { method: "POST", path: "/vms", handle: (req) => add(engine, req) },
    { method: "GET", path: "/vms/:id", handle: (req) => get(engine, req) },
    { method: "PUT", path: "/vms/:id", handle: (req) => update(engine, req) },
    { method: "DELETE", path: "/vms/:id", handle: (req) => remove(engine, req) },
    { method: "POST", path: "/vms/:id/start", handle: action("start", (vm) => start(engine, vm)) },
    { method: "POST", path: "/vms/:id/stop", handle: action("stop", (vm) => powerOff(engine, vm, "stop")) },
    {
      method: "POST",
      path: "/vms/:id/shutdown",
      handle: action("shutdown", (vm) => powerOff(engine, vm, "shutdown")),
    },
    { method: "POST", path: "/vms/:id/reboot", handle: action("reboot", (vm) => reboot(engine, vm)) },
    { method: "POST", path: "/vms/:id/migrate", handle: (req) => migrateAction(engine, req) },
    { method: "POST", path: "/vms/:id/cancelmigration", handle: (req) => cancelMigrationAction(engine, req) },
    { method: "POST", path: "/vms/:id/ticket", handle: (req) => ticketAction(engine, req) },
    {
      method: "POST",
      path: "/vms/:id/freezefilesystems",
      handle: (req) => filesystemsAction(engine, req, true),
    },
    {
      method: "POST",
      path: "/vms/:id/thawfilesystems",
      handle: (req) => filesystemsAction(engine, req, false),
    },
    {
      method: "GET",
      path: "/vms/:id/nics",
      handle: (req) => {
        const vm = getVm(engine, req.params.id);
        return collectionAnswer(NIC, nicsOf(engine, vm.id).map(presentNic), req.ctx, nicPath(vm));
      },
    },
    { method: "POST", path: "/vms/:id/nics", handle: (req) => addNic(engine, req) },
    {
      method: "GET",
      path: "/vms/:id/nics/:sub",
      handle: (req) => {
        const vm = getVm(engine, req.params.id);
        return entityAnswer(NIC, presentNic(getNic(engine, vm, req.params.sub)), req.ctx, nicPath(vm));
      },
    },
    { method: "PUT", path: "/vms/:id/nics/:sub", handle: (req) => updateNic(engine, req) },
    {
      method: "DELETE",
      path: "/vms/:id/nics/:sub",
      handle: (req) => {
        const vm = getVm(engine, req.params.id);
        const nic = getNic(engine, vm, req.params.sub);
        engine.store.remove("vm_nic", nic.id);
        writeVmOvf(engine, vm.id);
        return performedAnswer(req.ctx);
      },
    },
    {
      method: "GET",
      path: "/vms/:id/diskattachments",
      handle: (req) => {
        const vm = getVm(engine, req.params.id);
        const all = attachmentsOf(engine, vm.id) as unknown as Value[];
        return collectionAnswer(DISK_ATTACHMENT, all, req.ctx, attachmentPath(vm));
      },
    },
    { method: "POST", path: "/vms/:id/diskattachments", handle: (req) => addAttachment(engine, req) },
    {
      method: "GET",
      path: "/vms/:id/diskattachments/:sub",
      handle: (req) => {
        const vm = getVm(engine, req.params.id);
        const a = getAttachment(engine, vm, req.params.sub) as unknown as Value;
        return entityAnswer(DISK_ATTACHMENT, a, req.ctx, attachmentPath(vm));
      },
    },
    { method: "PUT", path: "/vms/:id/diskattachments/:sub", handle: (req) => updateAttachment(engine, req) },
    {
      method: "DELETE",
      path: "/vms/:id/diskattachments/:sub",
      handle: (req) => removeAttachment(engine, req),
    },
    { method: "GET", path: "/storagedomains/:id/vms", handle: (req) => listDomainVms(engine, req) },
    { method: "GET", path: "/storagedomains/:id/vms/:sub", handle: (req) => getDomainVm(engine, req) },
    {
      method: "POST",
      path: "/storagedomains/:id/vms/:sub/register",
      handle: (req) =>
        registerDomainVm(
          engine,
          req,
          (vm) => allocateMac(engine, vm, "import"),
          (mac) => !macsInUse(engine).has(mac.toLowerCase()),
        ),
    },
  ];
};
