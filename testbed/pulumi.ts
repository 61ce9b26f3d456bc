// Every Pulumi invocation the project makes (demo, tests, benchmarks) goes through here: the
// toolchain's CLI, a local file backend, and an environment that never reaches the network.
import { LocalWorkspace, PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiBin, pulumiHome, pulumiRoot, repoRoot } from "./paths";

export interface PulumiEnvOptions {
  /** Directory of the file state backend (created if missing). */
  backendDir: string;
  /** Passphrase of the stack's secrets provider. */
  passphrase: string;
}

export function offlineEnv(opts: PulumiEnvOptions): Record<string, string> {
  fs.mkdirSync(opts.backendDir, { recursive: true });
  return {
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_DISABLE_REGISTRY_RESOLVE: "true",
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: `file://${path.resolve(opts.backendDir)}`,
    PULUMI_CONFIG_PASSPHRASE: opts.passphrase,
    PATH: `${pulumiBin}${path.delimiter}${process.env.PATH ?? ""}`,
  };
}

export async function pulumiCommand(): Promise<PulumiCommand> {
  if (!fs.existsSync(path.join(pulumiBin, "pulumi"))) {
    throw new Error(
      `the Pulumi CLI is not built: ${pulumiBin}/pulumi is missing. Run \`bash testbed/toolchain/build.sh\` (or \`make setup\`).`,
    );
  }
  return PulumiCommand.get({ root: pulumiRoot });
}

export interface ScratchOptions {
  /**
   * Another compiled program instead of the lab's `dist/index.js`, relative to the repository
   * (e.g. "dist/tests/e2e/programs/providers.js"). It runs through `program/index.js`, next to a
   * `dist` link: the provider process runs in the directory of `main` and loads dist/ from there
   * (providers/core/shim.ts).
   */
  main?: string;
}

/**
 * A throw-away copy of the Pulumi project for one test: Pulumi.yaml and package.json copied,
 * dist/ and node_modules/ linked, so stack config files and state stay out of the repository.
 */
export function scratchProject(prefix = "ovirt-lab-", opts: ScratchOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const f of ["Pulumi.yaml", "package.json"]) fs.copyFileSync(path.join(repoRoot, f), path.join(dir, f));
  for (const d of ["dist", "node_modules"]) fs.symlinkSync(path.join(repoRoot, d), path.join(dir, d), "dir");
  if (opts.main) {
    const program = path.resolve(repoRoot, opts.main);
    if (!fs.existsSync(program))
      throw new Error(`scratchProject: ${program} does not exist; run \`npm run build\``);
    fs.mkdirSync(path.join(dir, "program"));
    fs.symlinkSync(path.join(repoRoot, "dist"), path.join(dir, "program", "dist"), "dir");
    fs.writeFileSync(
      path.join(dir, "program", "index.js"),
      `module.exports = require(${JSON.stringify(program)});\n`,
    );
    const yaml = path.join(dir, "Pulumi.yaml");
    const text = fs.readFileSync(yaml, "utf8");
    if (!/^main: .*$/m.test(text)) throw new Error(`scratchProject: ${yaml} has no \`main:\` line`);
    fs.writeFileSync(yaml, text.replace(/^main: .*$/m, "main: program/index.js"));
  }
  return dir;
}

export interface StackOptions extends PulumiEnvOptions {
  stackName: string;
  workDir: string;
}

export async function openStack(opts: StackOptions): Promise<Stack> {
  return LocalWorkspace.createOrSelectStack(
    { stackName: opts.stackName, workDir: opts.workDir },
    { pulumiCommand: await pulumiCommand(), envVars: offlineEnv(opts) },
  );
}
