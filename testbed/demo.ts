// `make demo`: start the embedded 4.4 engine with the demo lab's state, then run the real Pulumi CLI
// on the `lab` stack so the user watches it converge, and print the stack's outputs.
import { spawnSync } from "child_process";
import * as path from "path";
import { startEngine } from "./engine-process";
import { repoRoot } from "./paths";
import { offlineEnv } from "./pulumi";

// The demo engine's address, admin password and CA path are what Pulumi.lab.yaml points at.
const DEMO_PORT = 18443;
const DEMO_ADMIN_PASSWORD = "ovirt-lab-demo-admin";
// The lab stack's secrets passphrase: a demo value; a real lab sets its own (docs/tutorial.md).
const DEMO_PASSPHRASE = process.env.PULUMI_CONFIG_PASSPHRASE ?? "ovirt-lab-demo";

function pulumi(args: string[], env: Record<string, string>): void {
  const res = spawnSync("pulumi", args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: "inherit" });
  if (res.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${res.status ?? res.signal})`);
}

async function main(): Promise<void> {
  const timeScale = Number(process.env.OVIRT_LAB_TIME_SCALE ?? "1");
  const engine = await startEngine({
    version: "4.4",
    port: DEMO_PORT,
    stateDir: path.join(repoRoot, ".state", "demo", "engine-4.4"),
    adminPassword: DEMO_ADMIN_PASSWORD,
    timeScale,
  });
  console.log(`embedded oVirt 4.4 engine: ${engine.url} (CA ${engine.caFile}, time scale ${timeScale})`);
  const env = offlineEnv({
    backendDir: path.join(repoRoot, ".state", "backend"),
    passphrase: DEMO_PASSPHRASE,
  });
  try {
    pulumi(["stack", "select", "--create", "lab", "--non-interactive"], env);
    pulumi(["up", "--yes", "--stack", "lab", "--non-interactive"], env);
    pulumi(["stack", "output", "--stack", "lab", "--json"], env);
  } finally {
    await engine.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
