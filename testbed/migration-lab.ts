// The 4.3 -> 4.4 move of the seed lab, set up for the migration demo (`make demo DEMO=migration`)
// and its end-to-end tests: two embedded engines on one data plane (4.3 seeded with the seed post's
// lab, 4.4 empty), a stack whose target lab is the 4.4 side at level 4.3, and the edits of
// docs/migration.md as functions.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { unmountAll } from "../simulator/dataplane/mounts";
import { diskImageFiles, sparseSha256 } from "./disk-images";
import { storageDir } from "../simulator/dataplane/storage";
import { startEngine, type EngineProcess, type StartEngineOptions } from "./engine-process";
import { lockHypervisors } from "./hosts/exclusive";
import { ensureTestbed, releaseTestbed, rootPassword } from "./hosts/testbed";
import {
  createSeedVolumes,
  deleteSeedVolumes,
  reprovisionCommand,
  reprovisionForLegacy,
  restoreDefaultOs,
  writeTestbedSeed,
} from "./migration-real";
import { repoRoot as ROOT } from "./paths";
import { labStack, type TestStack } from "./lab-stack";

/** The stack of a move (testbed/lab-stack.ts). */
export type MoveStack = TestStack;
const SEED = path.join(ROOT, "simulator/seeds/seed-lab-4.3.yaml");
const NEW_ROOT_PASSWORD = "el8-root-pw";

export type Obj = Record<string, unknown>;
export type Lab = Obj & {
  hosts?: Obj[];
  storageDomains?: Obj[];
  clusters?: Obj[];
  vms?: Obj[];
  dataCenter?: Obj;
};

export interface MoveLab {
  dataPlane: string;
  legacy: EngineProcess;
  target: EngineProcess;
  t: MoveStack;
  /** The stack file's `ovirt-lab:legacy` / `ovirt-lab:lab`. */
  legacyLab(): Lab;
  lab(): Lab;
  discover(): string;
  /** A legacy host's entry with `move` (reprovisioned to EL8 by the data plane's tool). */
  movedHost(name: string, vms?: "migrate" | "stop"): Obj;
  /** Root (and LOM) password secrets for hosts joining the target. */
  setHostSecrets(names: string[]): Promise<void>;
  /** Every legacy storage domain and VM, with `move` (the domains through `host`). */
  movedStorage(host: string): { storageDomains: Obj[]; vms: Obj[] };
  /**
   * Where a legacy NFS domain's export is mounted on the machine that runs Pulumi: its directory on
   * the shared data plane (what `mount server:/path` shows). A discovered `isoFiles[].path` is
   * relative to it.
   */
  mountedExport(domain: string): string;
  /** Replaces an engine after kill -9 (same state, port and password). */
  restart(which: "legacy" | "target"): Promise<void>;
  close(): Promise<void>;
}

export interface MoveLabOptions {
  /** The engines' time scale (0: instant, the tests; the demo watches it happen). */
  timeScale?: number;
  /**
   * The real data plane (testbed/migration-real.ts, needs root): hosts are the testbed's namespaces,
   * installed over SSH and reprovisioned by the testbed; the Gluster volumes are real and mounted.
   */
  realDataPlane?: boolean;
}

/** What the real data plane adds to a move: set up before the engines, undone by close(). */
async function realPlane(who: string): Promise<{ seed: string; dir: string; undo: () => Promise<void> }> {
  const lock = await lockHypervisors(who);
  const undo: Array<() => Promise<unknown>> = [() => lock.release()];
  const undoAll = async () => {
    for (const f of undo.reverse())
      await f().catch((err: unknown) => console.error(`${who}: cleanup: ${String(err)}`));
  };
  try {
    await ensureTestbed(who);
    undo.push(() => releaseTestbed(who));
    undo.push(() => restoreDefaultOs());
    await reprovisionForLegacy();
    undo.push(() => deleteSeedVolumes());
    await createSeedVolumes();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-move-seed-"));
    undo.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    return { seed: writeTestbedSeed(SEED, dir), dir, undo: undoAll };
  } catch (err) {
    await undoAll();
    throw err;
  }
}

export async function moveLab(opts: MoveLabOptions = {}): Promise<MoveLab> {
  const timeScale = opts.timeScale ?? 0;
  const dataPlane = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-move-dp-"));
  const real = opts.realDataPlane ? await realPlane("migration") : undefined;
  // On the real data plane both engines install hosts over SSH and mount the Gluster volumes.
  const mode: Partial<StartEngineOptions> = real ? { hostDeploy: "ssh", glusterStorage: "mount" } : {};
  const engines = {
    legacy: await startEngine({ version: "4.3", timeScale, dataPlane, seed: real?.seed ?? SEED, ...mode }),
    target: await startEngine({ version: "4.4", timeScale, dataPlane, ...mode }),
  };
  const t = await labStack(engines, {
    engine: "target",
    dataCenter: { name: "oVirt_DC", description: "The 4.4 lab", compatibilityVersion: "4.3" },
    clusters: [
      {
        name: "oVirt_Cluster",
        cpuType: "Intel Broadwell Family",
        threadsAsCores: true,
        compatibilityVersion: "4.3",
      },
      {
        name: "ocpcluster",
        cpuType: "Intel Skylake Server Family",
        threadsAsCores: true,
        compatibilityVersion: "4.3",
      },
    ],
    networks: [{ name: "lab_vms", vlan: 20, clusters: [{ name: "oVirt_Cluster" }, { name: "ocpcluster" }] }],
  });
  const config = () => (YAML.parse(fs.readFileSync(t.configFile, "utf8")) as { config: Obj }).config;
  const legacyLab = () => config()["ovirt-lab:legacy"] as Lab;
  const reprovision = real
    ? reprovisionCommand
    : `node ${path.join(ROOT, "dist/simulator/dataplane/reprovision.js")} --data-plane ${dataPlane} ` +
      `--address "$OVIRT_LAB_ADDRESS" --os el8 --root-password "$OVIRT_LAB_ROOT_PASSWORD"`;
  // A reinstalled testbed host keeps the testbed's root password.
  const newRootPassword = real ? rootPassword() : NEW_ROOT_PASSWORD;
  const m: MoveLab = {
    dataPlane,
    get legacy() {
      return engines.legacy;
    },
    get target() {
      return engines.target;
    },
    t,
    legacyLab,
    lab: () => config()["ovirt-lab:lab"] as Lab,
    discover() {
      const env = { ...process.env, ...t.env };
      return execFileSync(
        process.execPath,
        [
          path.join(ROOT, "dist/tools/discover.js"),
          "--engine",
          "legacy",
          "--stack",
          "e2e",
          "--cwd",
          t.workDir,
        ],
        { env, encoding: "utf8" },
      );
    },
    movedHost(name, vms = "migrate") {
      const h = legacyLab().hosts!.find((x) => x.name === name)!;
      return { ...h, move: { from: "legacy", vms, reprovision } };
    },
    async setHostSecrets(names) {
      for (const name of names) {
        const secret = (key: string, value: string) =>
          t.stack.setConfig(`ovirt-lab:secrets.hosts.${name}.${key}`, { value, secret: true }, true);
        await secret("rootPassword", newRootPassword);
        if (legacyLab().hosts!.find((x) => x.name === name)?.powerManagement) {
          await secret("powerManagementPassword", "lom-pw");
        }
      }
    },
    movedStorage(host) {
      const l = legacyLab();
      return {
        storageDomains: l.storageDomains!.map((d) => ({ ...d, host, move: { from: "legacy" } })),
        vms: (l.vms ?? []).map((v) => ({ ...v, move: { from: "legacy" } })),
      };
    },
    mountedExport(domain) {
      const d = legacyLab().storageDomains?.find((x) => x.name === domain);
      const nfs = d?.nfs as { address: string; path: string } | undefined;
      if (!nfs) throw new Error(`the legacy lab has no NFS storage domain named ${domain}`);
      return storageDir(dataPlane, `${nfs.address}:${nfs.path}`);
    },
    async restart(which) {
      const old = engines[which];
      engines[which] = await startEngine({
        version: which === "legacy" ? "4.3" : "4.4",
        timeScale,
        dataPlane,
        stateDir: old.stateDir,
        port: Number(new URL(old.url).port),
        adminPassword: old.adminPassword,
        ...mode,
      });
    },
    async close() {
      await engines.legacy.stop();
      await engines.target.stop();
      // Mounts first: the data plane holds the mount points.
      if (real) unmountAll(dataPlane);
      fs.rmSync(t.workDir, { recursive: true, force: true });
      fs.rmSync(dataPlane, { recursive: true, force: true });
      await real?.undo();
    },
  };
  return m;
}

/** The sha256 of every disk image file on the shared storage, by path relative to the data plane. */
export function imageFingerprints(dataPlane: string): Record<string, string> {
  const sums = sparseSha256(diskImageFiles(path.join(dataPlane, "storage")));
  return Object.fromEntries(Object.entries(sums).map(([p, sum]) => [path.relative(dataPlane, p), sum]));
}

export const names = (xs: Obj[]) => xs.map((x) => String(x.name)).sort();
