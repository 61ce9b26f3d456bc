// The moves of a 4.3 -> 4.4 migration (docs/migration.md, ADR 5): for each storage domain and host
// the target lab lists with `move.from`, the steps that free it on the legacy engine, as resources
// of their own (providers/migration) so `pulumi preview` shows a move step by step and an
// interrupted `up` resumes at the first step not done. The target lab's Host / StorageDomain waits
// for its object's last step (`hostsAfter` / `domainsAfter`), then is created (a host installed, a
// domain imported with its data) and the domain's VMs registered (components/vm-fleet.ts).
//
// Moves run one after the other, storage domains first (their maintenance needs the legacy data
// center's hosts up; ISO and export before data domains), then hosts, each in config order: two
// domains going to maintenance together could leave the data center without a master, two hosts
// evacuating together without room.
import * as pulumi from "@pulumi/pulumi";
import type { MigrationPlan } from "../config/migration";
import type { SecretsSpec } from "../config/secrets";
import { MigrationStep } from "../providers/migration/resource";
import type { StepAction } from "../providers/migration/model";

export class Migration extends pulumi.ComponentResource {
  readonly hostsAfter: Record<string, pulumi.Resource[]> = {};
  readonly domainsAfter: Record<string, pulumi.Resource[]> = {};
  /** Every step in the order they run. */
  readonly steps: MigrationStep[] = [];

  constructor(
    name: string,
    plan: MigrationPlan,
    secrets: SecretsSpec,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("ovirt-lab:index:Migration", name, {}, opts);
    let previous: pulumi.Resource | undefined;
    const step = (
      parent: pulumi.Resource,
      action: StepAction,
      engine: string,
      subject: string,
      extra: Partial<{
        vms: "migrate" | "stop";
        command: string;
        address: string;
        rootPassword: pulumi.Input<string>;
      }> = {},
    ): MigrationStep => {
      const s = new MigrationStep(
        `${subject}-${action.replace(/^(host|domain)-/, "")}`,
        { engine, action, subject, ...extra },
        { parent, dependsOn: previous ? [previous] : [] },
      );
      this.steps.push(s);
      previous = s;
      return s;
    };

    // ISO and export domains first: a data center lets its master (a data domain) go only last.
    const ordered = [
      ...plan.domains.filter((d) => d.spec.type !== "data"),
      ...plan.domains.filter((d) => d.spec.type === "data"),
    ];
    for (const { spec } of ordered) {
      const group = new pulumi.ComponentResource(
        "ovirt-lab:index:DomainMove",
        spec.name,
        {},
        { parent: this },
      );
      for (const action of [
        "domain-stop-vms",
        "domain-maintenance",
        "domain-detach",
        "domain-remove",
      ] as const) {
        step(group, action, spec.move.from, spec.name);
      }
      this.domainsAfter[spec.name] = [previous!];
    }
    for (const host of plan.hosts) {
      const group = new pulumi.ComponentResource("ovirt-lab:index:HostMove", host.name, {}, { parent: this });
      const from = host.move.from;
      step(group, "host-evacuate", from, host.name, { vms: host.move.vms });
      step(group, "host-maintenance", from, host.name);
      step(group, "host-remove", from, host.name);
      if (host.move.reprovision) {
        const password = secrets.hosts[host.name]?.rootPassword;
        step(group, "host-reprovision", from, host.name, {
          command: host.move.reprovision,
          address: host.address,
          rootPassword: password === undefined ? undefined : pulumi.secret(password),
        });
      }
      this.hostsAfter[host.name] = [previous!];
    }
    this.registerOutputs({});
  }
}
