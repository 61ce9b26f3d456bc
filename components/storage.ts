// The lab's storage: Gluster volumes (made on the servers over SSH when `gluster.manageVolumes`),
// the data domains on them (`server:/volume`, glusterfs) and NFS domains (ISO, export, data), and
// the ISO images uploaded to data domains.
// Order: a domain needs an up host (the Host resource waits for `up`) and its volume; ISO and
// export domains come after the data domains, because a data center only takes them once a data
// domain has made it up (the master).
import * as pulumi from "@pulumi/pulumi";
import type { LabSpec, StorageDomainSpec } from "../config/schema";
import type { SecretsSpec } from "../config/secrets";
import type { DataCenter } from "../providers/datacenter/resource";
import { GlusterVolume } from "../providers/glustervolume/resource";
import { IsoImage } from "../providers/isoimage/resource";
import type { Host } from "../providers/host/resource";
import { StorageDomain } from "../providers/storagedomain/resource";

export interface StorageArgs {
  spec: LabSpec;
  secrets: SecretsSpec["gluster"];
  dataCenter: DataCenter;
  /** Every host of the lab by name (a domain's `host` is one of them). */
  hosts: Record<string, Host>;
  /** Take the domains over as they are (the legacy lab). */
  adopt?: true;
  /** What each domain waits for, by name (a moved domain: the steps that free it on its old engine). */
  after: Record<string, pulumi.Resource[]>;
}

export class Storage extends pulumi.ComponentResource {
  readonly volumes: Record<string, GlusterVolume> = {};
  readonly domains: Record<string, StorageDomain> = {};
  /** The data domains: what VMs' disks and a running data center need. */
  readonly dataDomains: StorageDomain[] = [];
  /** ISO images on data domains, by name (VMs boot from them). */
  readonly isoImages: Record<string, IsoImage> = {};

  constructor(name: string, args: StorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ovirt-lab:index:Storage", name, {}, opts);
    const { spec } = args;
    const g = spec.gluster;
    const serverAddress = new Map(g.servers.map((s) => [s.name, s.address]));
    if (g.manageVolumes) this.declareVolumes(args);

    const declare = (d: StorageDomainSpec, after: pulumi.Resource[]): StorageDomain => {
      const volume = d.glusterVolume ? g.volumes.find((v) => v.name === d.glusterVolume) : undefined;
      let storage: pulumi.Input<{
        type: "glusterfs" | "nfs";
        address: string;
        path: string;
        mountOptions?: string;
        nfsVersion?: "auto" | "v3" | "v4" | "v4_1" | "v4_2";
      }>;
      if (volume) {
        // Mounted as `first-server:/volume`; the other servers are the fallbacks for fetching the volfile.
        const addresses = [...new Set(volume.bricks.map((b) => serverAddress.get(b.server) ?? b.server))];
        storage = {
          type: "glusterfs",
          address: addresses[0],
          path: `/${volume.name}`,
          mountOptions:
            addresses.length > 1 ? `backup-volfile-servers=${addresses.slice(1).join(":")}` : undefined,
        };
      } else {
        const nfs = d.nfs!;
        storage = { type: "nfs", address: nfs.address, path: nfs.path, nfsVersion: nfs.version };
      }
      // The legacy lab's domain may name a host that has moved away meanwhile.
      const host = args.hosts[d.host] as pulumi.Resource | undefined;
      const dependsOn: pulumi.Resource[] = [...(host ? [host] : []), ...after, ...(args.after[d.name] ?? [])];
      if (volume && this.volumes[volume.name]) dependsOn.push(this.volumes[volume.name]);
      const domain = new StorageDomain(
        d.name,
        {
          engine: spec.engine,
          name: d.name,
          type: d.type,
          storage,
          hostName: d.host,
          dataCenterId: args.dataCenter.id,
          destroyDataOnDelete: d.destroyDataOnDelete,
          adopt: args.adopt,
        },
        // Two domains cannot share the storage: the old one goes first on a replace.
        { parent: this, dependsOn, deleteBeforeReplace: true },
      );
      this.domains[d.name] = domain;
      return domain;
    };

    for (const d of spec.storageDomains.filter((x) => x.type === "data")) {
      this.dataDomains.push(declare(d, []));
    }
    for (const d of spec.storageDomains.filter((x) => x.type !== "data")) declare(d, this.dataDomains);
    for (const iso of spec.isoImages) {
      this.isoImages[iso.name] = new IsoImage(
        iso.name,
        { engine: spec.engine, name: iso.name, source: iso.source, storageDomain: iso.storageDomain },
        { parent: this, dependsOn: [this.domains[iso.storageDomain]] },
      );
    }
    this.registerOutputs({});
  }

  private declareVolumes(args: StorageArgs): void {
    const g = args.spec.gluster;
    const byName = new Map(g.servers.map((s) => [s.name, s]));
    // The SSH credentials travel with the volume's state (read and delete need them): one secret.
    const ssh = pulumi.secret({
      privateKeyPath: g.ssh.privateKeyPath,
      knownHostsFile: g.ssh.knownHostsFile,
      privateKey: args.secrets.sshPrivateKey,
      password: args.secrets.sshPassword,
    });
    for (const v of g.volumes) {
      const servers = [...new Set(v.bricks.map((b) => b.server))].map((n) => byName.get(n)!);
      this.volumes[v.name] = new GlusterVolume(
        v.name,
        {
          name: v.name,
          servers: servers.map((s) => ({
            address: s.address,
            sshUser: s.sshUser,
            sshPort: s.sshPort,
            hostKeyFingerprint: s.hostKeyFingerprint,
          })),
          bricks: v.bricks.map((b) => ({ server: byName.get(b.server)!.address, path: b.path })),
          replica: v.replica,
          options: v.options,
          protect: v.protect,
          ssh,
        },
        // A protected volume outlives the stack: `pulumi destroy` leaves it (and its bricks) in place.
        { parent: this, retainOnDelete: v.protect },
      );
    }
  }
}
