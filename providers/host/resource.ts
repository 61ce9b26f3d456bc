// The Host resource components use. Pulumi stores only the shim in state; the implementation
// (provider.ts) is loaded from dist/ when an operation runs. The root password and the power
// management (with its password) are secret outputs even when given as plain values.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { HostInputs } from "./model";

/** The serialized provider of every Host. One object, so Pulumi serializes it once. */
export const hostShim = makeShim("host");

export type HostArgs = { [K in keyof HostInputs]: pulumi.Input<HostInputs[K]> };

export class Host extends pulumi.dynamic.Resource {
  declare readonly engine: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly address: pulumi.Output<string>;
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly sshPort: pulumi.Output<number | undefined>;
  declare readonly spmPriority: pulumi.Output<number | undefined>;
  declare readonly comment: pulumi.Output<string | undefined>;
  declare readonly description: pulumi.Output<string | undefined>;
  declare readonly status: pulumi.Output<string | undefined>;
  declare readonly osVersion: pulumi.Output<string | undefined>;
  declare readonly vdsmVersion: pulumi.Output<string | undefined>;

  /** True when `adopt` took over an existing object (create changed nothing on the engine). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: HostArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      hostShim,
      name,
      { ...args, adopted: undefined, status: undefined, osVersion: undefined, vdsmVersion: undefined },
      {
        ...opts,
        additionalSecretOutputs: [
          ...(opts?.additionalSecretOutputs ?? []),
          "rootPassword",
          "powerManagement",
        ],
      },
      "ovirt",
      "Host",
    );
  }
}
