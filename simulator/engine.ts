// Composition root: opens the state, runs engine-setup once, prepares TLS, mounts every endpoint and
// listens on 127.0.0.1. Used by main.ts (the CLI) and by tests that run an engine in-process.
import type { AddressInfo } from "node:net";
import path from "node:path";
import { clusterRoutes } from "./api/clusters/routes";
import { clusterUpgradeRoutes } from "./api/clusters/upgrade";
import { eventRoutes } from "./api/events/routes";
import { hostRoutes } from "./api/hosts/routes";
import { jobRoutes } from "./api/jobs/routes";
import { dataCenterRoutes } from "./api/datacenters/routes";
import { mountApi } from "./api/mount";
import { networkRoutes } from "./api/networks/routes";
import { rootRoutes } from "./api/root/routes";
import { diskRoutes } from "./api/disks/routes";
import { registerImageDataRoutes } from "./api/imagetransfers/data";
import { cdromRoutes } from "./api/imagetransfers/cdroms";
import { isoFileRoutes } from "./api/imagetransfers/isofiles";
import { imageTransferRoutes } from "./api/imagetransfers/routes";
import { templateRoutes } from "./api/templates/routes";
import { vmRoutes } from "./api/vms/routes";
import { vnicProfileRoutes } from "./api/vnicprofiles/routes";
import { storageConnectionRoutes } from "./api/storageconnections/routes";
import { storageDomainRoutes } from "./api/storagedomains/routes";
import { glusterVolumeRoutes } from "./api/glustervolumes/routes";
import { applySeed, type SeedResult } from "./seeds/apply";
import type { GlusterStorageMode } from "./dataplane/mounts";
import { mountStoredDomains } from "./api/storagedomains/mounting";
import type { EngineContext } from "./context";
import { FaultInjector } from "./http/fault-injection";
import { RequestLog } from "./http/request-log";
import { createHttpServer } from "./http/server";
import { personalityFor, type EngineVersion } from "./personality";
import { engineSshKey, prepareTls } from "./pki";
import { Scheduler } from "./scheduler";
import { registerServiceRoutes } from "./services/routes";
import { ensureSetup } from "./setup";
import { registerSsoRoutes } from "./sso/routes";
import { TokenStore } from "./sso/tokens";
import { openDatabase } from "./store/database";
import { EntityStore } from "./store/entities";

export interface EngineOptions {
  version: EngineVersion;
  /** 0 picks a free port. */
  port: number;
  stateDir: string;
  adminPassword: string;
  /** Multiplies every engine duration; 0 makes state transitions instant. */
  timeScale: number;
  /** The name in the API URL and the server certificate (besides localhost and 127.0.0.1). */
  hostname: string;
  /** The shared data plane directory; defaults to `<stateDir>/dataplane`. */
  dataPlane?: string;
  /** Fault injection spec (`http/fault-injection.ts`), e.g. `locked=0.2,seed=42`; off when absent. */
  faults?: string;
  /** A seed file (seeds/*.yaml) loaded into a fresh state before the engine listens (seeds/apply.ts). */
  seed?: string;
  /** How hosts are installed: "simulated" (default) or "ssh" (real host-deploy over SSH, api/hosts/deploy.ts). */
  hostDeploy?: "simulated" | "ssh";
  /** glusterfs domains as data-plane directories ("directory", default) or FUSE mounts ("mount"). */
  glusterStorage?: GlusterStorageMode;
}

export interface RunningEngine {
  url: string;
  port: number;
  caFile: string;
  caPem: string;
  fullVersion: string;
  stateDir: string;
  /** Fault injection, switchable at run time (also over HTTPS at /ovirt-lab/faults). */
  faults: FaultInjector;
  /** What `seed` did: applied now, or found already applied. */
  seed?: SeedResult;
  close(): Promise<void>;
}

/** Every API area, in mounting order. New areas (hosts, storage, VMs, …) are added here. */
const AREAS = [
  rootRoutes,
  dataCenterRoutes,
  clusterRoutes,
  networkRoutes,
  vnicProfileRoutes,
  storageDomainRoutes,
  storageConnectionRoutes,
  glusterVolumeRoutes,
  vmRoutes,
  diskRoutes,
  imageTransferRoutes,
  isoFileRoutes,
  cdromRoutes,
  templateRoutes,
  hostRoutes,
  clusterUpgradeRoutes,
  jobRoutes,
  eventRoutes,
];

export async function launchEngine(opts: EngineOptions): Promise<RunningEngine> {
  const stateDir = path.resolve(opts.stateDir);
  const personality = personalityFor(opts.version);
  const db = openDatabase(stateDir);
  try {
    const store = new EntityStore(db);
    const facts = ensureSetup(db, store, personality);
    const tokens = new TokenStore(db);
    tokens.purgeExpired();
    const scheduler = new Scheduler(db, opts.timeScale);
    const engine: EngineContext = {
      personality,
      store,
      scheduler,
      tokens,
      adminPassword: opts.adminPassword,
      instanceId: facts.instanceId,
      adminUserId: facts.adminUserId,
      dataPlane: path.resolve(opts.dataPlane ?? path.join(stateDir, "dataplane")),
      hostDeploy: opts.hostDeploy ?? "simulated",
      pkiDir: path.join(stateDir, "pki"),
      glusterStorage: opts.glusterStorage ?? "directory",
    };
    mountStoredDomains(engine);
    const tls = prepareTls(stateDir, opts.hostname);
    const app = createHttpServer(tls, new RequestLog(path.join(stateDir, "requests.log")));
    registerServiceRoutes(app, tls.caPem, () => engineSshKey(path.join(stateDir, "pki")).publicKey);
    registerSsoRoutes(app, engine);
    mountApi(app, engine, AREAS);
    const seed = opts.seed === undefined ? undefined : await applySeed(engine, db, AREAS, opts.seed);
    registerImageDataRoutes(app, engine);
    const faults = new FaultInjector(opts.faults);
    faults.install(app, engine);
    await app.listen({ host: "127.0.0.1", port: opts.port });
    scheduler.start();
    const port = (app.server.address() as AddressInfo).port;
    let closed = false;
    return {
      url: `https://${opts.hostname}:${port}/ovirt-engine/api`,
      port,
      caFile: tls.caFile,
      caPem: tls.caPem,
      fullVersion: personality.fullVersion,
      stateDir,
      faults,
      seed,
      close: async () => {
        if (closed) return;
        closed = true;
        scheduler.stop();
        await app.close();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
