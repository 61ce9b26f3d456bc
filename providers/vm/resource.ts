// The Vm resource components use. Pulumi stores only the shim in state; the implementation
// (provider.ts) is loaded from dist/ when an operation runs. cloudInit.customScript and
// cloudInit.rootPassword should be given as secrets; they never appear in outputs.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { VmInputs } from "./model";

/** The serialized provider of every Vm. One object, so Pulumi serializes it once. */
export const vmShim = makeShim("vm");

export type VmArgs = { [K in keyof VmInputs]: pulumi.Input<VmInputs[K]> };

export class Vm extends pulumi.dynamic.Resource {
  declare readonly engine: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly clusterId: pulumi.Output<string>;
  declare readonly template: pulumi.Output<string>;
  declare readonly memoryMiB: pulumi.Output<number | undefined>;
  declare readonly runState: pulumi.Output<"running" | "stopped">;
  declare readonly status: pulumi.Output<string | undefined>;
  declare readonly hostId: pulumi.Output<string | undefined>;
  declare readonly pendingReboot: pulumi.Output<boolean>;
  declare readonly macAddresses: pulumi.Output<Record<string, string>>;
  declare readonly diskIds: pulumi.Output<Record<string, string>>;

  /** True when `adopt` took over an existing object (create changed nothing on the engine). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: VmArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      vmShim,
      name,
      {
        ...args,
        adopted: undefined,
        status: undefined,
        hostId: undefined,
        pendingReboot: undefined,
        macAddresses: undefined,
        diskIds: undefined,
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "cloudInitSecretsDigest"],
      },
      "ovirt",
      "Vm",
    );
  }
}
