// The lab: one data center on one engine and its clusters. Later issues add hosts, storage,
// networks and VM fleets as further components under it.
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec } from "../config/schema";
import { Cluster } from "../providers/cluster/resource";
import { DataCenter } from "../providers/datacenter/resource";

export class Lab extends pulumi.ComponentResource {
  readonly dataCenter: DataCenter;
  readonly clusters: Record<string, Cluster> = {};

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
    this.registerOutputs({ dataCenterId: this.dataCenter.id });
  }

  /** Cluster ids by name, for stack outputs. */
  clusterIds(): pulumi.Output<Record<string, string>> {
    const entries = Object.entries(this.clusters).map(([name, c]) => c.id.apply((id) => [name, id] as const));
    return pulumi.all(entries).apply((pairs) => Object.fromEntries(pairs));
  }
}
