// Reads one engine's lab (a data center and what lives in it) through the project's REST client,
// with GET requests only, and describes it in the stack config's lab schema (config/schema.ts
// LabSpec). Objects the schema cannot describe are left out with a note saying why.
import { decodeCollection } from "../../providers/ovirt/codec";
import type { OvirtClient } from "../../providers/ovirt/client";
import type { ApiCluster } from "../../providers/ovirt/clusters";
import { clusterId } from "../../providers/ovirt/clusters";
import type { OperationContext } from "../../providers/ovirt/context";
import type { ApiDataCenter } from "../../providers/ovirt/datacenters";
import { dataCenterId } from "../../providers/ovirt/datacenters";
import type { ApiGlusterVolume } from "../../providers/ovirt/glustervolumes";
import { glusterVolumeId } from "../../providers/ovirt/glustervolumes";
import type { ApiHost } from "../../providers/ovirt/hosts";
import { FileType } from "../../providers/ovirt/isofiles";
import type { ApiStorageDomain } from "../../providers/ovirt/storagedomains";
import { hostId } from "../../providers/ovirt/hosts";
import {
  DiskAttachmentType,
  NicType,
  type ApiDiskAttachment,
  type ApiNic,
  type ApiVm,
} from "../../providers/ovirt/vms";
import { clusterFromApi } from "../../providers/cluster/model";
import { levelFromApi } from "../../providers/core/mapping";
import { OvirtError } from "../../providers/ovirt/errors";
import { PowerManagementSpec } from "../../config/schema";

/** One object of the lab as the stack config writes it (plain YAML-able values). */
export type Item = { name: string } & Record<string, unknown>;

export interface Inventory {
  dataCenter: Record<string, unknown>;
  clusters: Item[];
  hosts: Item[];
  networks: Item[];
  glusterServers: Item[];
  glusterVolumes: Item[];
  storageDomains: Item[];
  vms: Item[];
  /** What could not be described, and other things the user should know. */
  notes: string[];
}

/** VM statuses that mean "running" (or on its way there): runState running. */
const RUNNING = new Set([
  "up",
  "powering_up",
  "reboot_in_progress",
  "migrating",
  "wait_for_launch",
  "restoring_state",
  "paused",
  "not_responding",
]);

const GIB = 2 ** 30;
const MIB = 2 ** 20;

/** Bytes as the config writes sizes: "16GiB" or "512MiB" when exact, else the number of bytes. */
export function size(bytes: number): string | number {
  if (bytes > 0 && bytes % GIB === 0) return `${bytes / GIB}GiB`;
  if (bytes > 0 && bytes % MIB === 0) return `${bytes / MIB}MiB`;
  return bytes;
}

/** Drops undefined values and empty strings (the engine's "" and an absent text mean the same). */
function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;
}

const NFS_VERSIONS: Record<string, string> = {
  auto: "auto",
  v3: "v3",
  v4: "v4",
  v4_0: "v4",
  v4_1: "v4_1",
  v4_2: "v4_2",
};
/** The one image group an ISO domain keeps its files in (vdsm's ISO_IMAGE_UUID). */
export const ISO_IMAGE_GROUP = "11111111-1111-1111-1111-111111111111";

const DISK_INTERFACES = new Set(["virtio", "virtio_scsi", "sata", "ide"]);
const PM_TYPES = new Set<string>(PowerManagementSpec.shape.type.options);

export interface DiscoverOptions {
  /** The data center to read when the engine has several (besides an empty Default). */
  dataCenter?: string;
}

/** Picks the lab's data center: the one asked for, else the only one besides an unused `Default`. */
export function chooseDataCenter(all: ApiDataCenter[], wanted: string | undefined): ApiDataCenter {
  const names = all.map((d) => d.name ?? "?");
  if (wanted !== undefined) {
    const dc = all.find((d) => d.name === wanted);
    if (!dc) throw new Error(`no data center named "${wanted}" on the engine (have: ${names.join(", ")})`);
    return dc;
  }
  // `Default` comes with every engine; it is "uninitialized" until a storage domain is attached.
  const candidates = all.filter((d) => !(d.name === "Default" && d.status === "uninitialized"));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    throw new Error(`the engine has no data center in use (have: ${names.join(", ") || "none"})`);
  }
  throw new Error(
    `the engine has several data centers: ${candidates.map((d) => d.name).join(", ")}; ` +
      `choose one with --data-center NAME`,
  );
}

export async function readInventory(
  client: OvirtClient,
  ctx: OperationContext,
  opts: DiscoverOptions = {},
): Promise<Inventory> {
  const notes: string[] = [];
  const dc = chooseDataCenter(await client.datacenters.list(ctx), opts.dataCenter);
  const dcId = dataCenterId(dc.id ?? "");

  // Independent listings, in parallel: clusters, hosts, networks, domains, VMs (with their disks
  // and NICs inlined), vNIC profiles and templates.
  const [clusters, allHosts, networks, domains, allVms, profiles, templates] = await Promise.all([
    client.clusters.listInDataCenter(ctx, dcId),
    client.hosts.list(ctx),
    client.networks.listInDataCenter(ctx, dcId),
    client.storagedomains.listInDataCenter(ctx, dcId),
    client.vms.list(ctx, { query: { follow: "disk_attachments.disk,nics" } }),
    client.vnicprofiles.list(ctx),
    client.templates.list(ctx),
  ]);
  const clusterName = new Map(clusters.map((c) => [c.id ?? "", c.name ?? ""]));
  const hosts = allHosts.filter((h) => clusterName.has(h.cluster?.id ?? ""));
  const hostById = new Map(hosts.map((h) => [h.id ?? "", h]));

  // Per cluster: its network assignments, and the Gluster volumes of Gluster clusters.
  const perCluster = await Promise.all(
    clusters.map(async (c) => ({
      cluster: c,
      networks: await client.networks.listInCluster(ctx, clusterId(c.id ?? "")),
      volumes: c.gluster_service ? await client.glustervolumes.list(ctx, clusterId(c.id ?? "")) : [],
    })),
  );
  // Fence agents of the hosts whose power management is on (the host shows neither address nor user).
  const agents = new Map(
    await Promise.all(
      hosts
        .filter((h) => h.power_management?.enabled)
        .map(async (h) => [h.id ?? "", await client.hosts.fenceAgent(ctx, hostId(h.id ?? ""))] as const),
    ),
  );
  const bricks = new Map(
    await Promise.all(
      perCluster.flatMap(({ cluster, volumes }) =>
        volumes.map(
          async (v) =>
            [
              v.id ?? "",
              await client.glustervolumes.bricks(
                ctx,
                clusterId(cluster.id ?? ""),
                glusterVolumeId(v.id ?? ""),
              ),
            ] as const,
        ),
      ),
    ),
  );

  const dataCenter = compact({
    name: dc.name ?? "",
    description: dc.description,
    comment: dc.comment,
    local: dc.local ?? false,
    compatibilityVersion: levelFromApi(dc.version),
  });

  const clusterItems = clusters.map((c) => clusterItem(c));
  const hostItems = hosts.map((h) => hostItem(h, clusterName, agents.get(h.id ?? ""), notes));

  const networkItems: Item[] = networks
    .filter((n) => n.name !== "ovirtmgmt")
    .map((n) => {
      const assigned = perCluster.flatMap(({ cluster, networks: ns }) =>
        ns
          .filter((cn) => cn.id === n.id)
          .map((cn) => ({ name: cluster.name ?? "", required: cn.required ?? false })),
      );
      return compact({
        name: n.name ?? "",
        description: n.description,
        vlan: n.vlan?.id,
        mtu: n.mtu ? n.mtu : undefined,
        vmNetwork: (n.usages ?? []).includes("vm"),
        clusters: assigned,
      });
    });

  const servers = new Map<string, Item>();
  const volumeItems: Item[] = [];
  for (const { volumes } of perCluster) {
    for (const v of volumes) {
      const item = volumeItem(v, bricks.get(v.id ?? "") ?? [], hostById, servers, notes);
      if (item) volumeItems.push(item);
    }
  }
  const volumeNames = new Set(volumeItems.map((v) => v.name));

  // The host that works on the domains: the SPM, else the first host that is up.
  const worker = hosts.find((h) => h.spm?.status === "spm") ?? hosts.find((h) => h.status === "up");
  const domainItems: Item[] = [];
  for (const d of domains) {
    const item = domainItem(d, worker?.name, volumeNames, notes);
    if (item) domainItems.push(item);
  }
  // An ISO domain's files, where an admin finds them on its mounted export (informational: the
  // lab moves them to a data domain as isoImages).
  await Promise.all(
    domainItems
      .filter((item) => item.type === "iso")
      .map(async (item) => {
        const d = domains.find((x) => x.name === item.name)!;
        const files = await isoFiles(client, ctx, d.id ?? "", item.name, notes);
        if (files) item.isoFiles = files;
      }),
  );
  const domainName = new Map(domains.map((d) => [d.id ?? "", d.name ?? ""]));

  const networkOfProfile = new Map<string, { network: string; profile: string }>();
  const networkName = new Map(networks.map((n) => [n.id ?? "", n.name ?? ""]));
  for (const p of profiles) {
    const net = networkName.get(p.network?.id ?? "");
    if (net !== undefined) networkOfProfile.set(p.id ?? "", { network: net, profile: p.name ?? "" });
  }
  const templateName = new Map(templates.map((t) => [t.id ?? "", t.name ?? ""]));
  const vmItems = allVms
    .filter((vm) => clusterName.has(vm.cluster?.id ?? ""))
    .filter((vm) => {
      // The self-hosted engine's own VM is the engine, not part of the lab.
      const origin = (vm as { origin?: unknown }).origin;
      if (origin !== "managed_hosted_engine" && origin !== "hosted_engine") return true;
      notes.push(`VM ${vm.name} is the hosted engine itself; left out`);
      return false;
    })
    .map((vm) => vmItem(vm, { clusterName, domainName, networkOfProfile, templateName }, notes));

  return {
    dataCenter,
    clusters: clusterItems,
    hosts: hostItems,
    networks: networkItems,
    glusterServers: [...servers.values()],
    glusterVolumes: volumeItems,
    storageDomains: domainItems,
    vms: vmItems,
    notes,
  };
}

/** The cluster's lab fields, mapped exactly as providers/cluster/model.ts reads them from the API. */
function clusterItem(c: ApiCluster): Item {
  const m = clusterFromApi(c);
  return compact({
    name: m.name ?? "",
    description: m.description,
    comment: m.comment,
    compatibilityVersion: m.compatibilityVersion,
    cpuType: m.cpuType,
    threadsAsCores: m.threadsAsCores,
    ksm: m.ksm?.enabled,
    memoryOverCommitPercent: m.memoryOverCommitPercent,
    ballooning: m.ballooning,
  });
}

function hostItem(
  h: ApiHost,
  clusterName: Map<string, string>,
  agent: { type?: string; address?: string; username?: string } | undefined,
  notes: string[],
): Item {
  let powerManagement: Record<string, unknown> | undefined;
  if (agent?.type && agent.address && agent.username) {
    if (PM_TYPES.has(agent.type)) {
      powerManagement = { type: agent.type, address: agent.address, username: agent.username };
    } else {
      notes.push(
        `host ${h.name}: fence agent type "${agent.type}" is not one the lab schema knows; ` +
          `powerManagement left out`,
      );
    }
  }
  return compact({
    name: h.name ?? "",
    address: h.address ?? "",
    cluster: clusterName.get(h.cluster?.id ?? "") ?? "",
    sshPort: h.ssh?.port ?? 22,
    spmPriority: h.spm?.priority,
    powerManagement,
    description: h.description,
  });
}

function volumeItem(
  v: ApiGlusterVolume,
  bricks: Array<{ server_id?: string; brick_dir?: string; name?: string }>,
  hostById: Map<string, ApiHost>,
  servers: Map<string, Item>,
  notes: string[],
): Item | undefined {
  const type = v.volume_type ?? "distribute";
  if (!["distribute", "replicate", "distributed_replicate"].includes(type)) {
    notes.push(`Gluster volume ${v.name}: type ${type} cannot be described by the lab schema; left out`);
    return undefined;
  }
  const replica = type === "distribute" ? 1 : (v.replica_count ?? 1);
  if (replica < 1 || replica > 3) {
    notes.push(`Gluster volume ${v.name}: replica ${replica} is outside the lab schema's 1..3; left out`);
    return undefined;
  }
  const out: Array<{ server: string; path: string }> = [];
  for (const b of bricks) {
    const host = hostById.get(b.server_id ?? "");
    const path = b.brick_dir ?? (b.name ?? "").replace(/^[^:]*:/, "");
    if (!host?.name || !host.address) {
      notes.push(
        `Gluster volume ${v.name}: brick ${b.name ?? path} is on a server that is not a host of this ` +
          `data center; volume left out`,
      );
      return undefined;
    }
    if (!servers.has(host.name)) {
      // The engine pinned the server's SSH host key when it added the host: the same machine.
      const fp = host.ssh?.fingerprint;
      servers.set(
        host.name,
        compact({
          name: host.name,
          address: host.address,
          hostKeyFingerprint: fp && /^SHA256:[A-Za-z0-9+/]{43}$/.test(fp) ? fp : undefined,
        }),
      );
    }
    out.push({ server: host.name, path });
  }
  return { name: v.name ?? "", replica, bricks: out };
}

function domainItem(
  d: ApiStorageDomain,
  host: string | undefined,
  volumes: Set<string>,
  notes: string[],
): Item | undefined {
  const type = d.type ?? "data";
  if (!["data", "iso", "export"].includes(type)) {
    notes.push(`storage domain ${d.name}: type ${type} cannot be described by the lab schema; left out`);
    return undefined;
  }
  if (!host) {
    notes.push(`storage domain ${d.name}: no host of the data center is up to name as its host; left out`);
    return undefined;
  }
  const s = d.storage ?? {};
  const base = { name: d.name ?? "", type };
  if (s.type === "glusterfs") {
    // The connection is `server:/volume` (address + path, or all of it in path).
    const volume = (s.path ?? "").replace(/^[^:/]*:/, "").replace(/^\/+/, "");
    if (!volumes.has(volume)) {
      notes.push(
        `storage domain ${d.name}: its Gluster volume "${volume}" is not one of this data center's ` +
          `clusters' volumes; left out`,
      );
      return undefined;
    }
    return { ...base, glusterVolume: volume, host, destroyDataOnDelete: false };
  }
  if (s.type === "nfs") {
    const version = NFS_VERSIONS[s.nfs_version ?? "auto"] ?? "auto";
    return {
      ...base,
      nfs: { address: s.address ?? "", path: s.path ?? "", version },
      host,
      destroyDataOnDelete: false,
    };
  }
  notes.push(
    `storage domain ${d.name}: storage type ${s.type} cannot be described by the lab schema; left out`,
  );
  return undefined;
}

/**
 * The files of an ISO domain as `{name, path}`, path relative to the domain's export
 * (`<domain id>/images/<ISO image group>/<name>`), sorted by name. A domain the engine cannot list
 * (not active, its host unreachable) is a note, not a failure of the whole discovery.
 */
async function isoFiles(
  client: OvirtClient,
  ctx: OperationContext,
  sdId: string,
  sdName: string,
  notes: string[],
): Promise<Item[] | undefined> {
  let data: unknown;
  try {
    data = (await client.conn.request(ctx, "GET", `/storagedomains/${encodeURIComponent(sdId)}/files`)).data;
  } catch (err) {
    const refused = ["validation", "conflict", "conflict_locked", "not_found"];
    if (!(err instanceof OvirtError) || !refused.includes(err.kind)) throw err;
    notes.push(
      `storage domain ${sdName}: its ISO files could not be listed (${err.message}); isoFiles left out`,
    );
    return undefined;
  }
  return decodeCollection(FileType, "file", data)
    .map((f) => f.name ?? f.id ?? "")
    .filter((name) => name !== "")
    .sort()
    .map((name) => ({ name, path: `${sdId}/images/${ISO_IMAGE_GROUP}/${name}` }));
}

interface Names {
  clusterName: Map<string, string>;
  domainName: Map<string, string>;
  networkOfProfile: Map<string, { network: string; profile: string }>;
  templateName: Map<string, string>;
}

function vmItem(vm: ApiVm, names: Names, notes: string[]): Item {
  const raw = vm as ApiVm & { disk_attachments?: unknown; nics?: unknown };
  // The client may have decoded the followed members already (a list), or left them raw.
  const attachments = Array.isArray(raw.disk_attachments)
    ? (raw.disk_attachments as ApiDiskAttachment[])
    : decodeCollection(DiskAttachmentType, "disk_attachment", raw.disk_attachments ?? {});
  const nics = Array.isArray(raw.nics)
    ? (raw.nics as ApiNic[])
    : decodeCollection(NicType, "nic", raw.nics ?? {});
  const disks = attachments.map((a) => {
    const disk = a.disk ?? {};
    const iface = a.interface ?? "virtio_scsi";
    if (!DISK_INTERFACES.has(iface)) {
      notes.push(
        `VM ${vm.name}: disk ${disk.alias ?? disk.name} has interface ${iface}, not in the lab schema`,
      );
    }
    return {
      name: disk.alias ?? disk.name ?? "",
      size: size(disk.provisioned_size ?? 0),
      storageDomain: names.domainName.get(disk.storage_domains?.[0]?.id ?? "") ?? "",
      interface: iface,
      format: disk.format ?? "cow",
      bootable: a.bootable ?? false,
    };
  });
  const nicItems = nics.map((n) => {
    const on = n.vnic_profile?.id ? names.networkOfProfile.get(n.vnic_profile.id) : undefined;
    if (!on) {
      notes.push(
        `VM ${vm.name}: NIC ${n.name} has ${n.vnic_profile?.id ? "a vNIC profile of another data center" : "no vNIC profile (no network)"}; written as ovirtmgmt`,
      );
    } else if (on.profile !== on.network) {
      notes.push(
        `VM ${vm.name}: NIC ${n.name} uses vNIC profile ${on.profile} of network ${on.network}; ` +
          `the lab schema names the network only (its profile of the same name)`,
      );
    }
    return compact({ name: n.name ?? "", network: on?.network ?? "ovirtmgmt", mac: n.mac?.address });
  });
  const t = vm.cpu?.topology ?? {};
  return compact({
    name: vm.name ?? "",
    cluster: names.clusterName.get(vm.cluster?.id ?? "") ?? "",
    template: names.templateName.get(vm.template?.id ?? "") ?? "Blank",
    description: vm.description,
    memory: size(vm.memory ?? 0),
    guaranteedMemory:
      vm.memory_policy?.guaranteed !== undefined ? size(vm.memory_policy.guaranteed) : undefined,
    cpu: { sockets: t.sockets ?? 1, cores: t.cores ?? 1, threads: t.threads ?? 1 },
    disks,
    nics: nicItems,
    highAvailability: vm.high_availability?.enabled ?? false,
    runState: RUNNING.has(vm.status ?? "") ? "running" : "stopped",
  });
}
