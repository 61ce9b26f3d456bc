// The StorageDomain resource components use. Pulumi stores only the shim in state; the
// implementation (provider.ts) is loaded from dist/ when an operation runs.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { StorageDomainInputs } from "./model";

/** The serialized provider of every StorageDomain. One object, so Pulumi serializes it once. */
export const storageDomainShim = makeShim("storagedomain");

export type StorageDomainArgs = { [K in keyof StorageDomainInputs]: pulumi.Input<StorageDomainInputs[K]> };

export class StorageDomain extends pulumi.dynamic.Resource {
  declare readonly engine: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly type: pulumi.Output<"data" | "iso" | "export">;
  declare readonly storage: pulumi.Output<{
    type: "glusterfs" | "nfs";
    address: string;
    path: string;
    mountOptions?: string;
    nfsVersion?: string;
  }>;
  declare readonly hostName: pulumi.Output<string>;
  declare readonly dataCenterId: pulumi.Output<string>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly comment: pulumi.Output<string | undefined>;
  declare readonly wipeAfterDelete: pulumi.Output<boolean | undefined>;
  declare readonly warningLowSpace: pulumi.Output<number | undefined>;
  declare readonly criticalSpace: pulumi.Output<number | undefined>;
  declare readonly destroyDataOnDelete: pulumi.Output<boolean>;
  declare readonly status: pulumi.Output<string | undefined>;
  declare readonly master: pulumi.Output<boolean | undefined>;
  declare readonly storageFormat: pulumi.Output<string | undefined>;
  declare readonly available: pulumi.Output<number | undefined>;
  declare readonly used: pulumi.Output<number | undefined>;
  declare readonly imported: pulumi.Output<boolean | undefined>;

  /** True when `adopt` took over an existing object (create changed nothing on the engine). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: StorageDomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      storageDomainShim,
      name,
      {
        ...args,
        adopted: undefined,
        status: undefined,
        master: undefined,
        storageFormat: undefined,
        available: undefined,
        used: undefined,
        imported: undefined,
      },
      opts,
      "ovirt",
      "StorageDomain",
    );
  }
}
