// The GlusterVolume resource components use. Pulumi stores only the shim in state; the implementation
// (provider.ts) is loaded from dist/ when an operation runs.
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../core/shim";
import type { GlusterVolumeInputs } from "./model";

/** The serialized provider of every GlusterVolume. One object, so Pulumi serializes it once. */
export const glusterVolumeShim = makeShim("glustervolume");

export type GlusterVolumeArgs = { [K in keyof GlusterVolumeInputs]: pulumi.Input<GlusterVolumeInputs[K]> };

export class GlusterVolume extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly servers: pulumi.Output<
    Array<{ address: string; sshUser: string; sshPort: number; hostKeyFingerprint?: string }>
  >;
  declare readonly bricks: pulumi.Output<Array<{ server: string; path: string }>>;
  declare readonly replica: pulumi.Output<number>;
  declare readonly options: pulumi.Output<Record<string, string>>;
  declare readonly started: pulumi.Output<boolean>;
  declare readonly protect: pulumi.Output<boolean>;
  /** Gluster's volume id (also the resource's id). */
  declare readonly volumeId: pulumi.Output<string>;
  /** "Started", "Stopped" or "Created". */
  declare readonly status: pulumi.Output<string>;
  /** "Replicate", "Distribute", "Distributed-Replicate"... */
  declare readonly type: pulumi.Output<string>;

  /** True when `adopt` took over an existing object (create changed nothing on the engine). */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: GlusterVolumeArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      glusterVolumeShim,
      name,
      { ...args, adopted: undefined, volumeId: undefined, status: undefined, type: undefined },
      // The SSH credentials are stored with the outputs (read and delete need them): encrypted.
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "ssh"] },
      "ovirt",
      "GlusterVolume",
    );
  }
}
