// The DataCenter resource components use. Pulumi stores only the shim (a few hundred bytes) in
// state; the implementation (provider.ts) is loaded from dist/ when an operation runs.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { DataCenterInputs } from "./model";

/** The serialized provider of every DataCenter. One object, so Pulumi serializes it once. */
export const dataCenterShim = makeShim("datacenter");

export type DataCenterArgs = { [K in keyof DataCenterInputs]: pulumi.Input<DataCenterInputs[K]> };

export class DataCenter extends pulumi.dynamic.Resource {
  declare readonly engine: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly comment: pulumi.Output<string | undefined>;
  declare readonly local: pulumi.Output<boolean>;
  declare readonly compatibilityVersion: pulumi.Output<string | undefined>;
  declare readonly quotaMode: pulumi.Output<string | undefined>;
  declare readonly status: pulumi.Output<string>;
  declare readonly supportedVersions: pulumi.Output<string[]>;

  /** True when `adopt` took over an existing object (create changed nothing on the engine). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: DataCenterArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      dataCenterShim,
      name,
      { ...args, adopted: undefined, status: undefined, supportedVersions: undefined },
      opts,
      "ovirt",
      "DataCenter",
    );
  }
}
