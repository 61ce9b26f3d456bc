// A stack of the lab program for tests and demos: a scratch copy of the project, a private file
// backend, the lab config written as YAML and each engine's password set as a real Pulumi secret.
import type { Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { offlineEnv, openStack, scratchProject } from "./pulumi";

/** The scratch stacks' secrets passphrase. */
export const PASSPHRASE = "e2e-passphrase";

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
  /** Replaces one key of the stack's config file (comments and the other keys kept). */
  setIn(key: string, value: unknown): void;
  /** The environment of a Pulumi command on this stack (its backend and passphrase). */
  env: Record<string, string>;
}

export interface EngineStackOptions {
  /** The scratch project directory's name prefix. */
  prefix?: string;
  /** Another compiled program than the lab's (scratchProject's `main`). */
  main?: string;
}

/** A scratch stack whose config names `engines` (their passwords as secrets), nothing else yet. */
export async function engineStack(
  engines: Record<string, TestEngine>,
  opts: EngineStackOptions = {},
): Promise<TestStack> {
  const workDir = scratchProject(opts.prefix ?? "ovirt-lab-", { main: opts.main });
  const stackName = "e2e";
  const backendDir = path.join(workDir, ".backend");
  const stack = await openStack({ stackName, workDir, backendDir, passphrase: PASSPHRASE });
  const configFile = path.join(workDir, `Pulumi.${stackName}.yaml`);
  const setIn = (key: string, value: unknown): void => {
    const doc = YAML.parseDocument(fs.existsSync(configFile) ? fs.readFileSync(configFile, "utf8") : "{}");
    doc.setIn(["config", key], doc.createNode(value));
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
  return {
    stack,
    workDir,
    configFile,
    setIn,
    setLab: (lab) => setIn("ovirt-lab:lab", lab),
    env: offlineEnv({ backendDir, passphrase: PASSPHRASE }),
  };
}

/** A scratch stack of the lab program with `lab` as its `ovirt-lab:lab`. */
export async function labStack(
  engines: Record<string, TestEngine>,
  lab: unknown,
  prefix = "ovirt-lab-",
): Promise<TestStack> {
  const t = await engineStack(engines, { prefix });
  t.setLab(lab);
  return t;
}
