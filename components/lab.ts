// The lab: one data center on one engine and its clusters. Later issues add hosts, storage,
// networks and VM fleets as further components under it.
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../config/schema";
import { Cluster } from "../providers/cluster/resource";
import { DataCenter } from "../providers/datacenter/resource";
import { Network } from "../providers/network/resource";
import { VnicProfile } from "../providers/vnicprofile/resource";

export class Lab extends pulumi.ComponentResource {
  readonly dataCenter: DataCenter;
  readonly clusters: Record<string, Cluster> = {};
  readonly networks: Record<string, Network> = {};
  /** vNIC profiles by network name (each lab network gets one profile of its own name). */
  readonly profiles: Record<string, VnicProfile> = {};

  constructor(name: string, spec: LabSpec, opts?: pulumi.ComponentResourceOptions) {
    super("ovirt-lab:index:Lab", name, {}, opts);
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
        },
        { parent: this },
      );
    }
    this.declareNetworks(spec);
    this.registerOutputs({ dataCenterId: this.dataCenter.id });
  }

  private declareNetworks(spec: LabSpec): void {
    // ovirtmgmt comes with every data center: track it (VM NICs refer to its profile) but never
    // delete it with the stack.
    const kept = { parent: this, retainOnDelete: true };
    this.networks.ovirtmgmt = new Network(
      `${spec.dataCenter.name}-ovirtmgmt`,
      { engine: spec.engine, name: "ovirtmgmt", dataCenterId: this.dataCenter.id },
      kept,
    );
    this.profiles.ovirtmgmt = new VnicProfile(
      `${spec.dataCenter.name}-ovirtmgmt`,
      { engine: spec.engine, name: "ovirtmgmt", networkId: this.networks.ovirtmgmt.id },
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
        },
        { parent: this },
      );
      this.networks[n.name] = network;
      if (n.vmNetwork) {
        this.profiles[n.name] = new VnicProfile(
          n.name,
          { engine: spec.engine, name: n.name, networkId: network.id },
          { parent: this },
        );
      }
    }
  }

  /** Cluster ids by name, for stack outputs. */
  clusterIds(): pulumi.Output<Record<string, string>> {
    const entries = Object.entries(this.clusters).map(([name, c]) => c.id.apply((id) => [name, id] as const));
    return pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs));
  }
}
