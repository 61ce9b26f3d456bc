// The lab stack: validate the whole config first (nothing is declared on bad input), then build it.
import * as pulumi from "@pulumi/pulumi";
import { Lab } from "./components/lab";
import { Migration } from "./components/migration";
import { loadStackConfig, withEnvOverrides } from "./config/load";
import { ConfigError } from "./config/validate";
import { useLeanStackTraces } from "./providers/core/stack-traces";

useLeanStackTraces();

function load() {
  const config = new pulumi.Config("ovirt-lab");
  try {
    // OVIRT_LAB_GLUSTER_MANAGE_VOLUMES=true|false overrides lab.gluster.manageVolumes (the demo's switch).
    const { lab, notes } = withEnvOverrides(config.getObject("lab"), process.env);
    for (const note of notes) void pulumi.log.info(note);
    return loadStackConfig({
      lab,
      engines: config.getObject("engines"),
      secrets: config.getObject("secrets"),
      legacy: config.getObject("legacy"),
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

const { secrets, migration } = load();
// During a 4.3 -> 4.4 move (docs/migration.md): the legacy engine's lab, adopted as it is, and the
// steps of each move; the target lab's moved objects wait for their steps.
if (migration.legacy) new Lab("legacy", migration.legacy, undefined, undefined, { legacy: true });
const moves =
  migration.hosts.length || migration.domains.length
    ? new Migration("migration", migration, secrets)
    : undefined;
const built = new Lab("lab", migration.target, secrets, undefined, {
  hostsAfter: moves?.hostsAfter,
  domainsAfter: moves?.domainsAfter,
});

export const dataCenterId = built.dataCenter.id;
export const clusterIds = built.clusterIds();
export const hostIds = built.hostIds();
export const storageDomainIds = built.storageDomainIds();
export const vmIds = built.vmIds();
