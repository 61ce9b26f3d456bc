// The lab: one data center on one engine, its clusters, networks and vNIC profiles, and under it
// the components that hold the rest: a ClusterHosts per cluster with hosts (cluster-hosts.ts), the
// Storage (Gluster volumes and storage domains, storage.ts) and the VmFleet (vm-fleet.ts). A
// component is only declared when it has something in it.
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../config/schema";
import type { SecretsSpec } from "../config/secrets";
import { Cluster } from "../providers/cluster/resource";
import { DataCenter } from "../providers/datacenter/resource";
import { Network } from "../providers/network/resource";
import type { Host } from "../providers/host/resource";
import { VnicProfile } from "../providers/vnicprofile/resource";
import { ClusterHosts } from "./cluster-hosts";
import { Storage } from "./storage";
import { VmFleet } from "./vm-fleet";

const NO_SECRETS: SecretsSpec = { hosts: {}, vms: {}, gluster: {} };

/** How a Lab is declared: the target (default), or the legacy engine's during a move (ADR 5). */
export interface LabOptions {
  /**
   * The legacy engine's lab, as `discover` wrote it: every object is adopted as it is (the engine
   * sees only GETs), its resources' URNs differ from the target lab's (type LegacyLab), and its VMs
   * are only forgotten, never deleted, when they leave the stack (their disks hold data).
   */
  legacy?: boolean;
  /** What a host of this lab waits for (a moved host: the steps that free its machine). */
  hostsAfter?: Record<string, pulumi.Resource[]>;
  /** What a storage domain of this lab waits for (a moved domain: the steps that free it). */
  domainsAfter?: Record<string, pulumi.Resource[]>;
}

export class Lab extends pulumi.ComponentResource {
  readonly dataCenter: DataCenter;
  readonly clusters: Record<string, Cluster> = {};
  readonly networks: Record<string, Network> = {};
  /** vNIC profiles by network name (each lab network gets one profile of its own name). */
  readonly profiles: Record<string, VnicProfile> = {};
  /** ClusterHosts components by cluster name (clusters with hosts only). */
  readonly clusterHosts: Record<string, ClusterHosts> = {};
  /** Every host by name. */
  readonly hosts: Record<string, Host> = {};
  readonly storage?: Storage;
  readonly fleet?: VmFleet;

  constructor(
    name: string,
    spec: LabSpec,
    secrets: SecretsSpec = NO_SECRETS,
    opts?: pulumi.ComponentResourceOptions,
    options: LabOptions = {},
  ) {
    super(options.legacy ? "ovirt-lab:index:LegacyLab" : "ovirt-lab:index:Lab", name, {}, opts);
    const adopt = options.legacy ? true : undefined;
    const dc = spec.dataCenter;
    this.dataCenter = new DataCenter(
      dc.name,
      {
        engine: spec.engine,
        name: dc.name,
        description: dc.description,
        comment: dc.comment,
        local: dc.local,
        compatibilityVersion: dc.compatibilityVersion,
        adopt,
      },
      { parent: this },
    );
    for (const c of spec.clusters) {
      this.clusters[c.name] = new Cluster(
        c.name,
        {
          engine: spec.engine,
          name: c.name,
          dataCenterId: this.dataCenter.id,
          description: c.description,
          comment: c.comment,
          compatibilityVersion: c.compatibilityVersion,
          cpuType: c.cpuType,
          threadsAsCores: c.threadsAsCores,
          ksm: c.ksm === undefined ? undefined : { enabled: c.ksm },
          memoryOverCommitPercent: c.memoryOverCommitPercent,
          ballooning: c.ballooning,
          adopt,
        },
        { parent: this },
      );
    }
    this.declareNetworks(spec, adopt);
    for (const c of spec.clusters) {
      const hosts = spec.hosts.filter((h) => h.cluster === c.name);
      if (!hosts.length) continue;
      const group = new ClusterHosts(
        c.name,
        {
          engine: spec.engine,
          cluster: this.clusters[c.name],
          hosts,
          secrets: secrets.hosts,
          adopt,
          after: options.hostsAfter ?? {},
        },
        { parent: this },
      );
      this.clusterHosts[c.name] = group;
      Object.assign(this.hosts, group.hosts);
    }
    if (spec.storageDomains.length || (spec.gluster.manageVolumes && spec.gluster.volumes.length)) {
      this.storage = new Storage(
        "storage",
        {
          spec,
          secrets: secrets.gluster,
          dataCenter: this.dataCenter,
          hosts: this.hosts,
          adopt,
          after: options.domainsAfter ?? {},
        },
        { parent: this },
      );
    }
    if (spec.vms.length || spec.vmGroups.length) {
      this.fleet = new VmFleet(
        "fleet",
        {
          engine: spec.engine,
          vms: spec.vms,
          vmGroups: spec.vmGroups,
          secrets: secrets.vms,
          adopt,
          clusters: this.clusters,
          profiles: this.profiles,
          storageDomains: this.storage?.domains ?? {},
          isoImages: this.storage?.isoImages ?? {},
          dataDomains: this.storage?.dataDomains ?? [],
          hostsByCluster: Object.fromEntries(
            Object.entries(this.clusterHosts).map(([c, g]) => [c, Object.values(g.hosts)]),
          ),
        },
        { parent: this },
      );
    }
    this.registerOutputs({ dataCenterId: this.dataCenter.id });
  }

  private declareNetworks(spec: LabSpec, adopt: true | undefined): void {
    // ovirtmgmt comes with every data center: track it (VM NICs refer to its profile) but never
    // delete it with the stack.
    const kept = { parent: this, retainOnDelete: true };
    this.networks.ovirtmgmt = new Network(
      `${spec.dataCenter.name}-ovirtmgmt`,
      { engine: spec.engine, name: "ovirtmgmt", dataCenterId: this.dataCenter.id, adopt },
      kept,
    );
    this.profiles.ovirtmgmt = new VnicProfile(
      `${spec.dataCenter.name}-ovirtmgmt`,
      { engine: spec.engine, name: "ovirtmgmt", networkId: this.networks.ovirtmgmt.id, adopt },
      kept,
    );
    for (const n of spec.networks) {
      const network = new Network(
        n.name,
        {
          engine: spec.engine,
          name: n.name,
          dataCenterId: this.dataCenter.id,
          description: n.description,
          vlanId: n.vlan,
          mtu: n.mtu,
          vmNetwork: n.vmNetwork,
          createDefaultProfile: false,
          clusters: pulumi
            .all(n.clusters.map((c) => this.clusters[c.name].id))
            .apply((ids) => ids.map((clusterId, i) => ({ clusterId, required: n.clusters[i].required }))),
          adopt,
        },
        { parent: this },
      );
      this.networks[n.name] = network;
      if (n.vmNetwork) {
        this.profiles[n.name] = new VnicProfile(
          n.name,
          { engine: spec.engine, name: n.name, networkId: network.id, adopt },
          { parent: this },
        );
      }
    }
  }

  /** Cluster ids by name, for stack outputs. */
  clusterIds(): pulumi.Output<Record<string, string>> {
    return idsByName(this.clusters);
  }

  /** The ids of hosts, storage domains and VMs by name, for stack outputs. */
  hostIds(): pulumi.Output<Record<string, string>> {
    return idsByName(this.hosts);
  }

  storageDomainIds(): pulumi.Output<Record<string, string>> {
    return idsByName(this.storage?.domains ?? {});
  }

  vmIds(): pulumi.Output<Record<string, string>> {
    return idsByName(this.fleet?.vms ?? {});
  }
}

function idsByName(resources: Record<string, pulumi.CustomResource>): pulumi.Output<Record<string, string>> {
  const entries = Object.entries(resources).map(([name, r]) => r.id.apply((id) => [name, id] as const));
  return pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs));
}
