// A small Pulumi program for end-to-end tests of the providers through the real CLI: it declares the
// resources listed in the stack config `ovirt-lab:resources`, in order, each as
// `{ kind, name, args, retainOnDelete? }`. A string argument "@other" is the id of the resource named
// "other" declared before it; `dependsOn` lists names to wait for. Exports every resource's id and the outputs tests look at.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../../providers/cluster/resource";
import { DataCenter } from "../../../providers/datacenter/resource";
import { GlusterVolume } from "../../../providers/glustervolume/resource";
import { Host } from "../../../providers/host/resource";
import { Network } from "../../../providers/network/resource";
import { StorageDomain } from "../../../providers/storagedomain/resource";
import { Vm } from "../../../providers/vm/resource";
import { VnicProfile } from "../../../providers/vnicprofile/resource";

export interface ProgramResource {
  kind:
    "DataCenter" | "Cluster" | "Host" | "StorageDomain" | "Network" | "VnicProfile" | "Vm" | "GlusterVolume";
  name: string;
  args: Record<string, unknown>;
  retainOnDelete?: boolean;
  /** Names of resources declared before it that it waits for (when no "@name" argument says so). */
  dependsOn?: string[];
}

type Ctor = new (
  name: string,
  args: never,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource & { adopted: pulumi.Output<boolean | undefined> };

const KINDS: Record<ProgramResource["kind"], Ctor> = {
  DataCenter,
  Cluster,
  Host,
  StorageDomain,
  Network,
  VnicProfile,
  Vm,
  GlusterVolume,
};

const declared = new Map<string, pulumi.CustomResource>();

function resolve(value: unknown): unknown {
  if (typeof value === "string" && value.startsWith("@")) {
    const ref = declared.get(value.slice(1));
    if (!ref) throw new pulumi.RunError(`resources: "${value}" names no resource declared before it`);
    return ref.id;
  }
  if (Array.isArray(value)) return value.map(resolve);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  return value;
}

const resources = new pulumi.Config("ovirt-lab").requireObject<ProgramResource[]>("resources");
const outputs: Record<string, pulumi.Output<unknown>> = {};
for (const r of resources) {
  const Kind = KINDS[r.kind];
  if (!Kind) throw new pulumi.RunError(`resources: unknown kind "${r.kind}"`);
  const res = new Kind(r.name, resolve(r.args) as never, {
    retainOnDelete: r.retainOnDelete,
    dependsOn: (r.dependsOn ?? []).map((d) => {
      const dep = declared.get(d);
      if (!dep) throw new pulumi.RunError(`resources: dependsOn "${d}" names no resource declared before it`);
      return dep;
    }),
  });
  declared.set(r.name, res);
  outputs[r.name] = pulumi
    .all([res.id, res.adopted, (res as unknown as Vm).pendingReboot])
    .apply(([id, adopted, pendingReboot]) => ({ id, adopted: adopted ?? false, pendingReboot }));
}

export const resourcesOut = outputs;
