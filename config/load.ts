// Reads the stack config and returns the validated lab model, or throws one ConfigError that lists
// every problem. Runs before any resource is declared, so nothing reaches an engine on bad input.
import { EnginesSpec } from "./engines";
import { planMigration, type MigrationPlan } from "./migration";
import { LabSpec } from "./schema";
import { SecretsSpec } from "./secrets";
import { ConfigError, parseOrThrow } from "./validate";

export interface StackConfig {
  lab: LabSpec;
  secrets: SecretsSpec;
  engineNames: string[];
  /** What each engine's lab declares once moves are taken into account (config/migration.ts). */
  migration: MigrationPlan;
}

/** `raw` is what `new pulumi.Config("ovirt-lab").getObject(key)` returns for each key. */
export function loadStackConfig(raw: {
  lab: unknown;
  engines: unknown;
  secrets?: unknown;
  /** `ovirt-lab:legacy`: the legacy engine's lab as `discover` wrote it. */
  legacy?: unknown;
}): StackConfig {
  if (raw.engines === undefined) {
    throw new ConfigError([
      "ovirt-lab:engines: missing (set each engine's url, username, caFile and, as a secret, password)",
    ]);
  }
  if (raw.lab === undefined) throw new ConfigError(["ovirt-lab:lab: missing (the lab description)"]);
  const engines = parseOrThrow(EnginesSpec, raw.engines, "engines");
  const lab = parseOrThrow(LabSpec, raw.lab, "lab");
  const secrets = parseOrThrow(SecretsSpec, raw.secrets ?? {}, "secrets");
  const legacy = raw.legacy === undefined ? undefined : parseOrThrow(LabSpec, raw.legacy, "legacy");
  const problems: string[] = [];
  const engineNames = Object.keys(engines);
  const knownEngine = (name: string, path: string) => {
    if (!engineNames.includes(name)) {
      problems.push(
        `${path}: no engine named "${name}" in ovirt-lab:engines (have: ${engineNames.join(", ")})`,
      );
    }
  };
  knownEngine(lab.engine, "lab.engine");
  if (legacy) knownEngine(legacy.engine, "legacy.engine");
  lab.hosts.forEach((h, i) => h.move && knownEngine(h.move.from, `lab.hosts[${i}].move.from`));
  lab.storageDomains.forEach(
    (d, i) => d.move && knownEngine(d.move.from, `lab.storageDomains[${i}].move.from`),
  );
  const migration = planMigration(lab, legacy);
  problems.push(...migration.problems);
  lab.hosts.forEach((h, i) => {
    const s = secrets.hosts[h.name];
    if (!s?.rootPassword && !h.sshPublicKey) {
      problems.push(
        `lab.hosts[${i}]: host "${h.name}" has neither sshPublicKey nor a root password ` +
          `(pulumi config set --secret --path 'secrets.hosts.${h.name}.rootPassword' ...)`,
      );
    }
    if (h.powerManagement && !s?.powerManagementPassword) {
      problems.push(
        `lab.hosts[${i}].powerManagement: host "${h.name}" has no power management password ` +
          `(pulumi config set --secret --path 'secrets.hosts.${h.name}.powerManagementPassword' ...)`,
      );
    }
  });
  const hostNames = new Set(lab.hosts.map((h) => h.name));
  for (const name of Object.keys(secrets.hosts)) {
    if (!hostNames.has(name)) problems.push(`secrets.hosts.${name}: no host named "${name}" in lab.hosts`);
  }
  const vmNames = new Set(migration.target.vms.map((v) => v.name));
  for (const g of lab.vmGroups) vmNames.add(g.name);
  for (const name of Object.keys(secrets.vms)) {
    if (!vmNames.has(name)) problems.push(`secrets.vms.${name}: no VM or VM group named "${name}" in lab`);
  }
  const g = lab.gluster;
  if (g.manageVolumes && g.volumes.length > 0) {
    if (!g.ssh.privateKeyPath && !secrets.gluster.sshPrivateKey && !secrets.gluster.sshPassword) {
      problems.push(
        "lab.gluster.ssh.privateKeyPath: the stack manages Gluster volumes but has no way to log in to the " +
          "servers (set privateKeyPath, or the secret secrets.gluster.sshPrivateKey or sshPassword, or " +
          "manageVolumes: false when the volumes exist already)",
      );
    }
    const unchecked = g.servers.filter((s) => !s.hostKeyFingerprint).map((s) => s.name);
    if (!g.ssh.knownHostsFile && unchecked.length) {
      problems.push(
        `lab.gluster.ssh.knownHostsFile: missing, and servers ${unchecked.join(", ")} have no ` +
          "hostKeyFingerprint (host keys are always checked)",
      );
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return { lab, secrets, engineNames, migration };
}

/** The environment variable that overrides `lab.gluster.manageVolumes` (the demo sets it). */
export const MANAGE_VOLUMES_ENV = "OVIRT_LAB_GLUSTER_MANAGE_VOLUMES";

/**
 * The raw `ovirt-lab:lab` with the overrides the environment asks for, applied before validation:
 * OVIRT_LAB_GLUSTER_MANAGE_VOLUMES=true|false replaces `gluster.manageVolumes` for one run without
 * editing the stack file (the demo uses it). Returns notes telling the user what was overridden.
 */
export function withEnvOverrides(
  lab: unknown,
  env: Record<string, string | undefined>,
): { lab: unknown; notes: string[] } {
  const value = env[MANAGE_VOLUMES_ENV];
  if (value === undefined || value === "") return { lab, notes: [] };
  if (value !== "true" && value !== "false") {
    throw new ConfigError([
      `${MANAGE_VOLUMES_ENV}: must be "true" or "false" (got ${JSON.stringify(value)})`,
    ]);
  }
  if (typeof lab !== "object" || lab === null) return { lab, notes: [] };
  const raw = lab as { gluster?: unknown };
  const gluster = typeof raw.gluster === "object" && raw.gluster !== null ? raw.gluster : {};
  return {
    lab: { ...raw, gluster: { ...gluster, manageVolumes: value === "true" } },
    notes: [`${MANAGE_VOLUMES_ENV}=${value}: lab.gluster.manageVolumes is ${value} for this run`],
  };
}
