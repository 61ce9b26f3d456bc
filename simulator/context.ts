// What every part of a running engine may use. Built once by engine.ts and handed to each area.
import type { GlusterStorageMode } from "./dataplane/mounts";
import type { Personality } from "./personality";
import type { Scheduler } from "./scheduler";
import type { EntityStore } from "./store/entities";
import type { TokenStore } from "./sso/tokens";

export interface EngineContext {
  readonly personality: Personality;
  readonly store: EntityStore;
  readonly scheduler: Scheduler;
  readonly tokens: TokenStore;
  /** admin@internal's password (given on the command line at every start). */
  readonly adminPassword: string;
  /** Generated once per state directory (config InstanceId); shown by 4.4 engines. */
  readonly instanceId: string;
  /** The id of admin@internal, generated once per state directory. */
  readonly adminUserId: string;
  /** The shared data plane (storage, physical hosts): `--data-plane`, default `<state>/dataplane`. */
  readonly dataPlane: string;
  /** How hosts are installed: "simulated" (the data plane's records, the default) or "ssh" (api/hosts/deploy.ts). */
  readonly hostDeploy?: "simulated" | "ssh";
  /** The engine's PKI directory (`<state>/pki`): CA, and the SSH key host-deploy uses (pki.ts). */
  readonly pkiDir?: string;
  /** Where glusterfs domains live: data-plane directories, or real FUSE mounts (dataplane/mounts.ts). */
  readonly glusterStorage: GlusterStorageMode;
}
