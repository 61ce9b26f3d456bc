// The Network resource components use. Pulumi stores only the shim in state; the implementation
// (provider.ts) is loaded from dist/ when an operation runs.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { NetworkInputs } from "./model";

/** The serialized provider of every Network. One object, so Pulumi serializes it once. */
export const networkShim = makeShim("network");

export type NetworkArgs = { [K in keyof NetworkInputs]: pulumi.Input<NetworkInputs[K]> };

export class Network extends pulumi.dynamic.Resource {
  declare readonly engine: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly dataCenterId: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly comment: pulumi.Output<string | undefined>;
  declare readonly vlanId: pulumi.Output<number | undefined>;
  declare readonly mtu: pulumi.Output<number | undefined>;
  declare readonly vmNetwork: pulumi.Output<boolean | undefined>;
  declare readonly stp: pulumi.Output<boolean | undefined>;
  declare readonly clusters: pulumi.Output<Array<{ clusterId: string; required: boolean }> | undefined>;
  declare readonly createDefaultProfile: pulumi.Output<boolean | undefined>;
  declare readonly vdsmName: pulumi.Output<string | undefined>;

  /** True when `adopt` took over an existing object (create changed nothing on the engine). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.CustomResourceOptions) {
    super(networkShim, name, { ...args, adopted: undefined, vdsmName: undefined }, opts, "ovirt", "Network");
  }
}
