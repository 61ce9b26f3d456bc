// Reads the stack config and returns the validated lab model, or throws one ConfigError that lists
// every problem. Runs before any resource is declared, so nothing reaches an engine on bad input.
import { EnginesSpec } from "./engines";
import { LabSpec } from "./schema";
import { ConfigError, parseOrThrow } from "./validate";

export interface StackConfig {
  lab: LabSpec;
  engineNames: string[];
}

/** `raw` is what `new pulumi.Config("ovirt-lab").getObject(key)` returns for each key. */
export function loadStackConfig(raw: { lab: unknown; engines: unknown }): StackConfig {
  if (raw.engines === undefined) {
    throw new ConfigError([
      "ovirt-lab:engines: missing (set each engine's url, username, caFile and, as a secret, password)",
    ]);
  }
  if (raw.lab === undefined) throw new ConfigError(["ovirt-lab:lab: missing (the lab description)"]);
  const engines = parseOrThrow(EnginesSpec, raw.engines, "engines");
  const lab = parseOrThrow(LabSpec, raw.lab, "lab");
  const engineNames = Object.keys(engines);
  if (!engineNames.includes(lab.engine)) {
    throw new ConfigError([
      `lab.engine: no engine named "${lab.engine}" in ovirt-lab:engines (have: ${engineNames.join(", ")})`,
    ]);
  }
  return { lab, engineNames };
}
