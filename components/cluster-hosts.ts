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
  /** Take the hosts over as they are (the legacy lab). */
  adopt?: true;
  /** What each host waits for, by name (a moved host: its reprovision step). */
  after: Record<string, pulumi.Resource[]>;
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
          // An adopted host keeps its power management as the engine has it (its password is not
          // readable, and nothing is installed).
          powerManagement:
            pm === undefined || args.adopt
              ? undefined
              : pulumi.secret({
                  type: pm.type,
                  address: pm.address,
                  username: pm.username,
                  // load.ts refuses power management without its password.
                  password: s.powerManagementPassword ?? "",
                }),
          adopt: args.adopt,
        },
        { parent: this, dependsOn: args.after[h.name] ?? [] },
      );
    }
    this.registerOutputs({});
  }
}
