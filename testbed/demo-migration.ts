// `make demo DEMO=migration`: the seed lab's whole 4.3 -> 4.4 move, the way docs/migration.md tells
// an admin to do it, on two embedded engines sharing one data plane (4.3 seeded with the seed post's
// lab, 4.4 empty; the testbed's real hosts and Gluster volumes when it can run here) through the real
// Pulumi CLI: discover, adopt, the first hosts, every storage domain
// with its VMs, the other hosts, the levels, retire. Each edit is shown as its `pulumi preview`, then
// applied with `pulumi up`. The engines run at OVIRT_LAB_TIME_SCALE (default 0.05: hosts install in
// a few seconds, so the whole move takes a few minutes).
import { spawnSync } from "child_process";
import * as fs from "fs";
import YAML from "yaml";
import { moveLab, type MoveLab } from "./migration-lab";

const DEFAULT_TIME_SCALE = 0.05;

function pulumi(m: MoveLab, args: string[]): void {
  const res = spawnSync("pulumi", [...args, "--stack", "e2e", "--non-interactive"], {
    cwd: m.t.workDir,
    env: { ...process.env, ...m.t.env },
    stdio: "inherit",
  });
  if (res.status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (exit ${res.status ?? res.signal})`);
}

function heading(text: string): void {
  console.log(`\n=== ${text} ===\n`);
}

/** Shows the edit's plan, then applies it. */
function previewThenUp(m: MoveLab, what: string): void {
  heading(`${what}: pulumi preview`);
  pulumi(m, ["preview", "--diff"]);
  heading(`${what}: pulumi up`);
  pulumi(m, ["up", "--yes", "--skip-preview"]);
}

/**
 * The real data plane when the testbed can run here (root): hosts installed over SSH into the
 * testbed's namespaces, reinstalled by its "kickstart", and real Gluster volumes on rhvnode3-5
 * mounted by both engines. Otherwise the embedded data plane. Says which, and why.
 */
async function realOrPlain(timeScale: number): Promise<MoveLab> {
  try {
    console.log("data plane: starting the testbed (testbed/hosts, needs root) ...");
    const m = await moveLab({ timeScale, realDataPlane: true });
    console.log(
      "data plane: real. The hypervisors are the testbed's namespaces (198.18.0.21-25), installed over SSH; " +
        "rhv4vol and rhvquick are replica-3 Gluster volumes on rhvnode3-5, FUSE-mounted by both engines",
    );
    return m;
  } catch (err) {
    const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    console.log(`data plane: the testbed is not available (${why})`);
    console.log("data plane: embedded instead (simulated machines, storage in plain directories)");
    return moveLab({ timeScale });
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const timeScale = Number(process.env.OVIRT_LAB_TIME_SCALE ?? DEFAULT_TIME_SCALE);
  if (!Number.isFinite(timeScale) || timeScale < 0) {
    throw new Error(`OVIRT_LAB_TIME_SCALE must be a number >= 0 (got ${process.env.OVIRT_LAB_TIME_SCALE})`);
  }
  heading(`starting a 4.3 engine seeded with the seed lab and an empty 4.4 engine (time scale ${timeScale})`);
  const m = await realOrPlain(timeScale);
  try {
    console.log(`4.3: ${m.legacy.url}\n4.4: ${m.target.url}\nstack file: ${m.t.configFile}`);
    heading("1. discover the 4.3 engine into ovirt-lab:legacy");
    console.log(m.discover());

    const apiWrites = () =>
      m.legacy
        .requests()
        .filter((r) => r.method !== "GET" && r.method !== "HEAD" && r.path.startsWith("/ovirt-engine/api"))
        .length;
    const before = apiWrites();
    previewThenUp(m, "2. adopt every legacy object (no write to 4.3) and make the 4.4 data center");
    console.log(`write requests the 4.3 engine's API saw during adoption: ${apiWrites() - before}`);

    await m.setHostSecrets(["calvin", "rhvnode5"]);
    m.t.setLab({
      ...m.lab(),
      gluster: m.legacyLab().gluster,
      hosts: [m.movedHost("calvin"), m.movedHost("rhvnode5")],
    });
    previewThenUp(m, "3. move calvin and rhvnode5 (one host per cluster)");

    const { storageDomains, vms } = m.movedStorage("calvin");
    m.t.setLab({ ...m.lab(), storageDomains, vms });
    previewThenUp(m, "4. move every storage domain with its VMs");

    await m.setHostSecrets(["dogbert", "rhvnode3", "rhvnode4"]);
    m.t.setLab({
      ...m.lab(),
      hosts: [...m.lab().hosts!, m.movedHost("dogbert"), m.movedHost("rhvnode3"), m.movedHost("rhvnode4")],
    });
    previewThenUp(m, "5. move the other hosts");

    m.t.setLab({
      ...m.lab(),
      clusters: m.lab().clusters!.map((c) => ({ ...c, compatibilityVersion: "4.4" })),
    });
    previewThenUp(m, "6a. raise the clusters to 4.4");
    m.t.setLab({ ...m.lab(), dataCenter: { ...m.lab().dataCenter, compatibilityVersion: "4.4" } });
    previewThenUp(m, "6b. raise the data center to 4.4");

    const doc = YAML.parseDocument(fs.readFileSync(m.t.configFile, "utf8"));
    doc.deleteIn(["config", "ovirt-lab:legacy"]);
    fs.writeFileSync(m.t.configFile, doc.toString());
    previewThenUp(m, "7. retire what is left on 4.3");

    heading("done");
    console.log(
      `the whole move took ${((Date.now() - t0) / 1000).toFixed(0)} s; the stack file was ${m.t.configFile}`,
    );
  } finally {
    await m.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
