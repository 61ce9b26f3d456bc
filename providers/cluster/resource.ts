// The Cluster resource components use. Pulumi stores only the shim in state; the implementation
// (provider.ts) is loaded from dist/ when an operation runs.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { ClusterInputs } from "./model";

/** The serialized provider of every Cluster. One object, so Pulumi serializes it once. */
export const clusterShim = makeShim("cluster");

export type ClusterArgs = { [K in keyof ClusterInputs]: pulumi.Input<ClusterInputs[K]> };

export class Cluster extends pulumi.dynamic.Resource {
  declare readonly engine: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly dataCenterId: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly comment: pulumi.Output<string | undefined>;
  declare readonly compatibilityVersion: pulumi.Output<string | undefined>;
  declare readonly cpuType: pulumi.Output<string | undefined>;
  declare readonly cpuArchitecture: pulumi.Output<string>;
  declare readonly threadsAsCores: pulumi.Output<boolean | undefined>;
  declare readonly ksm: pulumi.Output<{ enabled: boolean; mergeAcrossNodes?: boolean } | undefined>;
  declare readonly memoryOverCommitPercent: pulumi.Output<number | undefined>;
  declare readonly ballooning: pulumi.Output<boolean | undefined>;
  declare readonly virtService: pulumi.Output<boolean | undefined>;
  declare readonly glusterService: pulumi.Output<boolean | undefined>;
  declare readonly supportedVersions: pulumi.Output<string[] | undefined>;

  /** True when `adopt` took over an existing object (create changed nothing on the engine). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      clusterShim,
      name,
      { ...args, adopted: undefined, supportedVersions: undefined },
      opts,
      "ovirt",
      "Cluster",
    );
  }
}
