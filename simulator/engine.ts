// Composition root: opens the state, runs engine-setup once, prepares TLS, mounts every endpoint and
// listens on 127.0.0.1. Used by main.ts (the CLI) and by tests that run an engine in-process.
import type { AddressInfo } from "node:net";
import path from "node:path";
import { clusterRoutes } from "./api/clusters/routes";
import { dataCenterRoutes } from "./api/datacenters/routes";
import { mountApi } from "./api/mount";
import { rootRoutes } from "./api/root/routes";
import type { EngineContext } from "./context";
import { RequestLog } from "./http/request-log";
import { createHttpServer } from "./http/server";
import { personalityFor, type EngineVersion } from "./personality";
import { prepareTls } from "./pki";
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
}

export interface RunningEngine {
  url: string;
  port: number;
  caFile: string;
  caPem: string;
  fullVersion: string;
  stateDir: string;
  close(): Promise<void>;
}

/** Every API area, in mounting order. New areas (hosts, storage, VMs, …) are added here. */
const AREAS = [rootRoutes, dataCenterRoutes, clusterRoutes];

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
    };
    const tls = prepareTls(stateDir, opts.hostname);
    const app = createHttpServer(tls, new RequestLog(path.join(stateDir, "requests.log")));
    registerServiceRoutes(app, tls.caPem);
    registerSsoRoutes(app, engine);
    mountApi(app, engine, AREAS);
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
