// The IsoImage resource components use. Pulumi stores only the shim in state; the implementation
// (provider.ts) is loaded from dist/ when an operation runs.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { IsoImageInputs } from "./model";

/** The serialized provider of every IsoImage. One object, so Pulumi serializes it once. */
export const isoImageShim = makeShim("isoimage");

export type IsoImageArgs = { [K in keyof IsoImageInputs]: pulumi.Input<IsoImageInputs[K]> };

export class IsoImage extends pulumi.dynamic.Resource {
  declare readonly engine: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly source: pulumi.Output<string>;
  declare readonly storageDomain: pulumi.Output<string>;
  /** `sha256:<hex>` of the content. */
  declare readonly checksum: pulumi.Output<string>;
  /** The `iso` disk holding the image (what a VM's CD-ROM names). */
  declare readonly diskId: pulumi.Output<string>;
  declare readonly size: pulumi.Output<number>;
  declare readonly status: pulumi.Output<string>;

  constructor(name: string, args: IsoImageArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      isoImageShim,
      name,
      { checksum: undefined, ...args, diskId: undefined, size: undefined, status: undefined },
      opts,
      "ovirt",
      "IsoImage",
    );
  }
}
