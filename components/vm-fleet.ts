// The lab's VMs: the permanent ones (`vms`) and on-demand groups (`vmGroups`, `count` copies named
// `<name>-1` .. `<name>-<count>`, each group its own component so raising a count is N creates).
// Sizes in the config are bytes; the engine takes memory in MiB and disks in GiB (rounded up: a VM
// never gets less than asked). NICs use the lab's vNIC profiles (one per network, plus ovirtmgmt).
// Cloud-init secrets come from `ovirt-lab:secrets.vms.<vm or group>` and make the VM's cloudInit a
// Pulumi secret. A VM waits for its cluster's hosts (to run on) and the data domains (to be made).
import * as pulumi from "@pulumi/pulumi";
import type { VmGroupSpec, VmSpec } from "../config/schema";
import type { SecretsSpec } from "../config/secrets";
import type { Cluster } from "../providers/cluster/resource";
import type { IsoImage } from "../providers/isoimage/resource";
import type { StorageDomain } from "../providers/storagedomain/resource";
import { Vm, type VmArgs } from "../providers/vm/resource";
import type { VnicProfile } from "../providers/vnicprofile/resource";

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** Bytes -> whole MiB, rounded up. */
export const toMiB = (bytes: number): number => Math.ceil(bytes / MIB);
/** Bytes -> whole GiB, rounded up. */
export const toGiB = (bytes: number): number => Math.ceil(bytes / GIB);

export interface VmFleetArgs {
  engine: string;
  vms: VmSpec[];
  vmGroups: VmGroupSpec[];
  secrets: SecretsSpec["vms"];
  clusters: Record<string, Cluster>;
  /** vNIC profiles by network name (incl. ovirtmgmt). */
  profiles: Record<string, VnicProfile>;
  storageDomains: Record<string, StorageDomain>;
  /** ISO images by name (a VM's `cdrom`). */
  isoImages: Record<string, IsoImage>;
  /** What every VM waits for: the data domains. */
  dataDomains: pulumi.Resource[];
  /** Hosts by cluster name. */
  hostsByCluster: Record<string, pulumi.Resource[]>;
  /**
   * The legacy lab: VMs are taken over as they are, and leaving the stack only forgets them (a VM's
   * removal would delete its disks).
   */
  adopt?: true;
}

type Shape = Omit<VmSpec, "name">;

/** The Vm resource arguments of one VM of the config. `member` names a group's copy. */
export function vmArgs(
  args: VmFleetArgs,
  name: string,
  vm: Shape,
  secrets: SecretsSpec["vms"][string] | undefined,
  member = false,
): VmArgs {
  const init = vm.cloudInit;
  const publicInit = init && {
    // A group's copies each get their own host name.
    hostname: member ? name : init.hostname,
    user: init.user,
    sshKeys: init.sshKeys.length ? init.sshKeys : undefined,
  };
  let cloudInit: VmArgs["cloudInit"] = publicInit;
  if (secrets?.rootPassword !== undefined || secrets?.customScript !== undefined) {
    cloudInit = pulumi.secret({
      ...(publicInit ?? { hostname: member ? name : undefined }),
      rootPassword: secrets.rootPassword,
      customScript: secrets.customScript,
    });
  }
  return {
    engine: args.engine,
    name,
    clusterId: args.clusters[vm.cluster].id,
    template: vm.template,
    description: vm.description,
    cpu: vm.cpu,
    memoryMiB: toMiB(vm.memory),
    guaranteedMemoryMiB: vm.guaranteedMemory === undefined ? undefined : toMiB(vm.guaranteedMemory),
    highAvailability: vm.highAvailability,
    disks: pulumi.output(
      vm.disks.map((d) => ({
        // Disk aliases of a group's copies carry the copy's name.
        name: member ? `${name}_${d.name}` : d.name,
        sizeGiB: toGiB(d.size),
        interface: d.interface,
        format: d.format,
        storageDomainId: args.storageDomains[d.storageDomain].id,
        bootable: d.bootable,
      })),
    ),
    nics: pulumi.output(
      vm.nics.map((n) => ({
        name: n.name,
        vnicProfileId: args.profiles[n.network].id,
        mac: member ? undefined : n.mac,
      })),
    ),
    cloudInit,
    cdrom: vm.cdrom === undefined ? undefined : args.isoImages[vm.cdrom].diskId,
    runState: vm.runState,
    destroyDataOnDelete: vm.destroyDataOnDelete,
    adopt: args.adopt,
    registerFrom: vm.move && registerFrom(args, vm),
  };
}

/** A VM that comes with its storage domain: registered from it, NICs mapped to this lab's profiles. */
function registerFrom(args: VmFleetArgs, vm: Shape): VmArgs["registerFrom"] {
  const move = vm.move!;
  const domain = vm.disks[0]?.storageDomain;
  if (!domain) return undefined;
  const profileIds = pulumi.all(vm.nics.map((n) => args.profiles[n.network].id));
  return pulumi.all([args.storageDomains[domain].id, profileIds]).apply(([storageDomainId, ids]) => ({
    storageDomainId,
    profiles: vm.nics.map((n, i) => {
      // Each lab network has one profile of its own name, on both engines.
      const source = move.networks[n.name] ?? n.network;
      return { network: source, profile: source, to: ids[i] };
    }),
  }));
}

function dependencies(args: VmFleetArgs, vm: Shape): pulumi.Resource[] {
  return [...args.dataDomains, ...(args.hostsByCluster[vm.cluster] ?? [])];
}

/** One on-demand group: its copies `<name>-1..count`. */
export class VmGroup extends pulumi.ComponentResource {
  readonly vms: Vm[] = [];

  constructor(name: string, args: VmFleetArgs, group: VmGroupSpec, opts?: pulumi.ComponentResourceOptions) {
    super("ovirt-lab:index:VmGroup", name, {}, opts);
    const { count, name: _name, ...shape } = group;
    for (let i = 1; i <= count; i++) {
      const member = `${group.name}-${i}`;
      this.vms.push(
        new Vm(member, vmArgs(args, member, shape, args.secrets[group.name], true), {
          parent: this,
          dependsOn: dependencies(args, shape),
        }),
      );
    }
    this.registerOutputs({});
  }
}

export class VmFleet extends pulumi.ComponentResource {
  /** Every VM by its name, permanent and on demand. */
  readonly vms: Record<string, Vm> = {};

  constructor(name: string, args: VmFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ovirt-lab:index:VmFleet", name, {}, opts);
    for (const vm of args.vms) {
      const { name: vmName, ...shape } = vm;
      this.vms[vmName] = new Vm(vmName, vmArgs(args, vmName, shape, args.secrets[vmName]), {
        parent: this,
        dependsOn: dependencies(args, shape),
        retainOnDelete: args.adopt,
      });
    }
    for (const g of args.vmGroups) {
      const group = new VmGroup(g.name, args, g, { parent: this });
      group.vms.forEach((v, i) => (this.vms[`${g.name}-${i + 1}`] = v));
    }
    this.registerOutputs({});
  }
}
