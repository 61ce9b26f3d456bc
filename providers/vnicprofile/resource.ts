// The VnicProfile resource components use. Pulumi stores only the shim in state; the implementation
// (provider.ts) is loaded from dist/ when an operation runs.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { VnicProfileInputs } from "./model";

/** The serialized provider of every VnicProfile. One object, so Pulumi serializes it once. */
export const vnicProfileShim = makeShim("vnicprofile");

export type VnicProfileArgs = { [K in keyof VnicProfileInputs]: pulumi.Input<VnicProfileInputs[K]> };

export class VnicProfile extends pulumi.dynamic.Resource {
  declare readonly engine: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly networkId: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly portMirroring: pulumi.Output<boolean | undefined>;
  declare readonly passThrough: pulumi.Output<boolean | undefined>;
  declare readonly networkFilterId: pulumi.Output<string | undefined>;

  /** True when `adopt` took over an existing object (create changed nothing on the engine). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: VnicProfileArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      vnicProfileShim,
      name,
      { ...args, adopted: undefined, networkFilterId: undefined },
      opts,
      "ovirt",
      "VnicProfile",
    );
  }
}
