// The migration Step resource (ADR 5). The root password given to a reprovision step is a secret.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { StepInputs } from "./model";

export const stepShim = makeShim("migrationstep");

export type StepResourceArgs = { [K in keyof StepInputs]: pulumi.Input<StepInputs[K]> };

export class MigrationStep extends pulumi.dynamic.Resource {
  /** What the step did, in one line. */
  declare readonly result: pulumi.Output<string>;
  declare readonly doneAt: pulumi.Output<string>;

  constructor(name: string, args: StepResourceArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      stepShim,
      name,
      { ...args, result: undefined, doneAt: undefined },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "rootPassword"] },
      "migration",
      "Step",
    );
  }
}
