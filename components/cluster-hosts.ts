// A cluster's hosts: one component per cluster that has hosts, holding a Host per machine. Root and
// power-management passwords come from `ovirt-lab:secrets.hosts.<host>` and are passed as Pulumi
// secrets, so they are encrypted in state and masked in previews.
import * as pulumi from "@pulumi/pulumi";
import type { HostSpec } from "../config/schema";
import type { SecretsSpec } from "../config/secrets";
import type { Cluster } from "../providers/cluster/resource";
import { Host } from "../providers/host/resource";

export interface ClusterHostsArgs {
  engine: string;
  cluster: Cluster;
  hosts: HostSpec[];
  secrets: SecretsSpec["hosts"];
}

export class ClusterHosts extends pulumi.ComponentResource {
  readonly hosts: Record<string, Host> = {};

  /** `name` is the cluster's name. */
  constructor(name: string, args: ClusterHostsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ovirt-lab:index:ClusterHosts", name, {}, opts);
    for (const h of args.hosts) {
      const s = args.secrets[h.name] ?? {};
      const pm = h.powerManagement;
      this.hosts[h.name] = new Host(
        h.name,
        {
          engine: args.engine,
          name: h.name,
          address: h.address,
          clusterId: args.cluster.id,
          sshPort: h.sshPort,
          spmPriority: h.spmPriority,
          description: h.description,
          sshPublicKey: h.sshPublicKey,
          rootPassword: s.rootPassword === undefined ? undefined : pulumi.secret(s.rootPassword),
          powerManagement:
            pm === undefined
              ? undefined
              : pulumi.secret({
                  type: pm.type,
                  address: pm.address,
                  username: pm.username,
                  // load.ts refuses power management without its password.
                  password: s.powerManagementPassword ?? "",
                }),
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
