// The VMs of a storage domain: GET /storagedomains/{sd}/vms (the VMs with disks there) and, with
// ?unregistered=true, the VMs in its OVF store this engine does not have (a domain imported from
// another engine); POST /storagedomains/{sd}/vms/{vm}/register recreates such a VM with the same id,
// name, disks, NICs and MACs (ImportVmFromConfiguration, event 174), applying the cluster and vNIC
// profile mappings of `registration_configuration` (API-NOTES 3.5, 6.5).
import type { EngineContext } from "../../context";
import { ovfDefinitions, writeVmOvf, type VmDefinition } from "../../dataplane/ovf";
import { entityNotFound, notFound, syntaxFault } from "../../http/faults";
import { BodyShapeError, parseBody } from "../../repr/decode";
import type { Cluster } from "../clusters/model";
import type { Answer, ApiRequest } from "../context";
import { fail } from "../common/messages";
import { booleanParam } from "../common/search";
import type { Disk } from "../disks/model";
import { recordEvent } from "../events/record";
import { performAction } from "../jobs/command";
import { collectionAnswer, entityAnswer, findByPathId, pathId } from "../respond";
import type { StorageDomain } from "../storagedomains/model";
import { presentVm, VM, type DiskAttachment, type Vm, type VmNic } from "./model";

type Obj = Record<string, unknown>;

/** The first value of a body member: XML bodies parse every element as a list, JSON does not. */
export function one(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

export function obj(v: unknown): Obj | undefined {
  const o = one(v);
  return o && typeof o === "object" ? (o as Obj) : undefined;
}

export function text(v: unknown): string | undefined {
  const o = one(v);
  if (typeof o === "string" || typeof o === "number") return String(o);
  if (o && typeof o === "object" && "#text" in o) return String((o as Obj)["#text"]);
  return undefined;
}

function list(v: unknown, item: string): Obj[] {
  const wrapper = obj(v);
  const items = wrapper?.[item];
  if (items === undefined) return [];
  return (Array.isArray(items) ? items : [items]) as Obj[];
}

export function refOf(v: unknown): { id?: string; name?: string } | undefined {
  const o = obj(v);
  if (!o) return undefined;
  return { id: text(o.id), name: text(o.name) };
}

function domainOf(engine: EngineContext, rawId: string): StorageDomain {
  return findByPathId<StorageDomain>(engine.store, "storage_domain", rawId);
}

function unregistered(engine: EngineContext, sd: StorageDomain): VmDefinition[] {
  return ovfDefinitions(engine, sd.id).filter((d) => !engine.store.get<Vm>("vm", d.vm.id));
}

function path(sd: StorageDomain): string {
  return `storagedomains/${sd.id}/vms`;
}

/** A VM as read from an OVF: down, on no host, without pending next-run state. */
function fromOvf(def: VmDefinition): Vm {
  const { host: _h, next_run: _n, start_time: _s, migration: _m, ...rest } = def.vm;
  return { ...rest, status: "down" };
}

export function listDomainVms(engine: EngineContext, req: ApiRequest): Answer {
  const sd = domainOf(engine, req.params.id);
  if (booleanParam(req.ctx.query.unregistered)) {
    const vms = unregistered(engine, sd).map((d) => presentVm(fromOvf(d)));
    return collectionAnswer(VM, vms, req.ctx, path(sd));
  }
  const vmIds = new Set(
    engine.store
      .list<Disk>("disk", (d) => d.storage_domains.some((s) => s.id === sd.id))
      .map((d) => engine.store.get<DiskAttachment>("disk_attachment", d.id)?.vm.id)
      .filter((id): id is string => id !== undefined),
  );
  const vms = [...vmIds]
    .map((id) => engine.store.get<Vm>("vm", id))
    .filter((v): v is Vm => v !== undefined)
    .map((v) => presentVm(v));
  return collectionAnswer(VM, vms, req.ctx, path(sd));
}

export function getDomainVm(engine: EngineContext, req: ApiRequest): Answer {
  const sd = domainOf(engine, req.params.id);
  const id = pathId(req.params.sub);
  const def = ovfDefinitions(engine, sd.id).find((d) => d.vm.id === id);
  if (!def) throw notFound();
  return entityAnswer(VM, presentVm(engine.store.get<Vm>("vm", id) ?? fromOvf(def)), req.ctx, path(sd));
}

interface Mappings {
  clusters: Array<{ from?: string; to: { id?: string; name?: string } }>;
  profiles: Array<{ fromName?: string; fromNetwork?: string; to: { id?: string; name?: string } }>;
}

function mappingsOf(body: Obj): Mappings {
  const conf = obj(body.registration_configuration);
  const clusters = list(conf?.cluster_mappings, "registration_cluster_mapping").map((m) => ({
    from: refOf(m.from)?.name,
    to: refOf(m.to) ?? {},
  }));
  const profileMaps = [
    ...list(conf?.vnic_profile_mappings, "registration_vnic_profile_mapping"),
    // Deprecated top-level form: <vnic_profile_mappings><vnic_profile_mapping source_network_name=…>.
    ...list(body.vnic_profile_mappings, "vnic_profile_mapping").map((m) => ({
      from: { name: m.source_network_profile_name, network: { name: m.source_network_name } },
      to: m.target_vnic_profile,
    })),
  ];
  const profiles = profileMaps.map((m) => {
    const from = obj(m.from);
    return {
      fromName: text(from?.name),
      fromNetwork: text(obj(from?.network)?.name),
      to: refOf(m.to) ?? {},
    };
  });
  return { clusters, profiles };
}

function resolveCluster(engine: EngineContext, ref: { id?: string; name?: string }): Cluster {
  const found = ref.id
    ? engine.store.get<Cluster>("cluster", ref.id.toLowerCase())
    : engine.store.list<Cluster>("cluster", (c) => c.name === ref.name)[0];
  if (!found) throw entityNotFound(ref.id ? `Cluster: id=${ref.id}` : `Cluster: name=${ref.name}`);
  return found;
}

type Profile = { id: string; name: string; network: { id: string } };

function resolveProfile(
  engine: EngineContext,
  nic: VmDefinition["nics"][number],
  maps: Mappings["profiles"],
): { id: string } | undefined {
  const networkName = (p: Profile) =>
    engine.store.get<{ id: string; name: string }>("network", p.network.id)?.name;
  const m = maps.find(
    (x) =>
      x.fromName === nic.vnic_profile_name &&
      (x.fromNetwork === undefined || x.fromNetwork === nic.network_name),
  );
  if (m) {
    if (m.to.id)
      return engine.store.get<Profile>("vnic_profile", m.to.id.toLowerCase())
        ? { id: m.to.id.toLowerCase() }
        : undefined;
    if (m.to.name === undefined) return undefined;
    const p = engine.store.list<Profile>("vnic_profile", (x) => x.name === m.to.name)[0];
    return p ? { id: p.id } : undefined;
  }
  // No mapping: a profile of the same name on a network of the same name, if this engine has one.
  const same = engine.store.list<Profile>(
    "vnic_profile",
    (p) => p.name === nic.vnic_profile_name && networkName(p) === nic.network_name,
  )[0];
  return same ? { id: same.id } : undefined;
}

export function registerDomainVm(
  engine: EngineContext,
  req: ApiRequest,
  allocateMac: (vm: Vm) => string,
  macFree: (mac: string) => boolean,
): Answer {
  const sd = domainOf(engine, req.params.id);
  const id = pathId(req.params.sub);
  let body: Obj;
  try {
    body = (parseBody(req.body, req.ctx.bodyFormat, "action") as Obj | undefined) ?? {};
  } catch (err) {
    if (err instanceof BodyShapeError) throw syntaxFault(req.ctx.origin, "storagedomainvm/methods/register");
    throw err;
  }
  const def = ovfDefinitions(engine, sd.id).find((d) => d.vm.id === id);
  if (!def) throw notFound();
  const maps = mappingsOf(body);
  const reassign = booleanParam(text(body.reassign_bad_macs));
  const newName = text(obj(body.vm)?.name);
  let cluster: Cluster | undefined;
  let vm: Vm = fromOvf(def);
  if (newName) vm.name = newName;
  const nics: VmNic[] = [];
  return performAction(
    engine,
    req,
    {
      job: { description: `Importing VM ${vm.name} from configuration to Cluster ${def.clusterName ?? ""}` },
    },
    () => {
      if (engine.store.get<Vm>("vm", id))
        throw fail("import", "VM", "VM_CANNOT_IMPORT_VM_EXISTS", { VmName: def.vm.name });
      if (engine.store.list<Vm>("vm", (v) => v.name.toLowerCase() === vm.name.toLowerCase()).length > 0)
        throw fail("import", "VM", "VM_CANNOT_IMPORT_VM_NAME_EXISTS");
      const explicit = refOf(body.cluster);
      const mapped = maps.clusters.find((m) => m.from === def.clusterName)?.to;
      cluster = resolveCluster(
        engine,
        explicit?.id || explicit?.name ? explicit : (mapped ?? { name: def.clusterName }),
      );
      vm = { ...vm, cluster: { id: cluster.id } };
      for (const n of def.nics) {
        const { vnic_profile_name: _p, network_name: _n, ...nic } = n;
        let mac = nic.mac.address;
        if (!macFree(mac)) {
          if (!reassign) throw fail("import", "VM", "NETWORK_MAC_ADDRESS_IN_USE");
          mac = allocateMac(vm);
        }
        nics.push({ ...nic, mac: { address: mac }, vnic_profile: resolveProfile(engine, n, maps.profiles) });
      }
    },
    () => {
      engine.store.insert("vm", vm);
      for (const d of def.disks) {
        if (!engine.store.get<Disk>("disk", d.id)) engine.store.insert("disk", { ...d, status: "ok" });
      }
      for (const a of def.attachments) {
        if (!engine.store.get<DiskAttachment>("disk_attachment", a.id))
          engine.store.insert("disk_attachment", { ...a, vm: { id: vm.id } });
      }
      for (const n of nics) engine.store.insert("vm_nic", n);
      writeVmOvf(engine, vm.id);
      recordEvent(engine, {
        type: "VM_IMPORT_FROM_CONFIGURATION_EXECUTED_SUCCESSFULLY",
        vars: { VmName: vm.name },
        correlationId: req.ctx.correlationId,
        vm: { id: vm.id, name: vm.name },
        cluster: cluster ? { id: cluster.id, name: cluster.name } : undefined,
        storageDomain: { id: sd.id, name: sd.name },
      });
      return {};
    },
  );
}
