// Stacks for end-to-end tests: a scratch copy of the project, a private file backend, the lab
// config written as YAML and the engine password set as a real Pulumi secret.
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { openStack, scratchProject } from "../../testbed/pulumi";

export interface TestEngine {
  url: string;
  caFile: string;
  adminPassword: string;
}

export interface TestStack {
  stack: Stack;
  workDir: string;
  configFile: string;
  /** Replaces `ovirt-lab:lab` in the stack's config file. */
  setLab(lab: unknown): void;
}

export async function labStack(engines: Record<string, TestEngine>, lab: unknown): Promise<TestStack> {
  const workDir = scratchProject();
  const stackName = "e2e";
  const stack = await openStack({
    stackName,
    workDir,
    backendDir: path.join(workDir, ".backend"),
    passphrase: "e2e-passphrase",
  });
  const configFile = path.join(workDir, `Pulumi.${stackName}.yaml`);
  const setLab = (value: unknown): void => {
    const doc = YAML.parseDocument(fs.existsSync(configFile) ? fs.readFileSync(configFile, "utf8") : "{}");
    doc.setIn(["config", "ovirt-lab:lab"], doc.createNode(value));
    fs.writeFileSync(configFile, doc.toString());
  };
  for (const [name, e] of Object.entries(engines)) {
    await stack.setConfig(`ovirt-lab:engines.${name}.url`, { value: e.url }, true);
    await stack.setConfig(`ovirt-lab:engines.${name}.caFile`, { value: e.caFile }, true);
    await stack.setConfig(
      `ovirt-lab:engines.${name}.password`,
      { value: e.adminPassword, secret: true },
      true,
    );
  }
  setLab(lab);
  return { stack, workDir, configFile, setLab };
}

/** What a preview/up plans, as `Kind:name -> op` for every resource that is not Pulumi's own. */
export function stepsOf(events: EngineEvent[]): Record<string, string> {
  const steps: Record<string, string> = {};
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (!m || m.type.startsWith("pulumi:")) continue;
    const name = m.urn.split("::").pop() ?? m.urn;
    steps[`${m.type.slice(m.type.lastIndexOf(":") + 1)}:${name}`] = m.op;
  }
  return steps;
}
