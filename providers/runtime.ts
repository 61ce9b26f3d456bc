// The provider process's entry point, loaded by every shim (dist/providers/runtime.js): maps a
// resource kind to its implementation and holds the engines from `configure`.
import type * as pulumi from "@pulumi/pulumi";
import { clusterProvider } from "./cluster/provider";
import type { KindProvider } from "./core/base";
import { ENGINES_KEY, parseEngines } from "./core/engines";
import { dataCenterProvider } from "./datacenter/provider";
import { glusterVolumeProvider } from "./glustervolume/provider";
import { hostProvider } from "./host/provider";
import { networkProvider } from "./network/provider";
import { isoImageProvider } from "./isoimage/provider";
import { stepProvider } from "./migration/provider";
import { installExitHook, setEngines } from "./ovirt/registry";
import { storageDomainProvider } from "./storagedomain/provider";
import { vmProvider } from "./vm/provider";
import { vnicProfileProvider } from "./vnicprofile/provider";

const providers: Readonly<Record<string, KindProvider>> = {
  datacenter: dataCenterProvider,
  cluster: clusterProvider,
  host: hostProvider,
  network: networkProvider,
  vnicprofile: vnicProfileProvider,
  storagedomain: storageDomainProvider,
  vm: vmProvider,
  glustervolume: glusterVolumeProvider,
  isoimage: isoImageProvider,
  migrationstep: stepProvider,
};

export function provider(kind: string): KindProvider {
  const p = providers[kind];
  if (!p) {
    throw new Error(
      `ovirt-lab: no provider for resource kind "${kind}" in ${__filename} (have: ${Object.keys(providers).join(", ")}); ` +
        `is dist/ older than the program? Run \`npm run build\`.`,
    );
  }
  return p;
}

/** Called once per serialized shim: every call gets the same stack config, so this is idempotent. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  setEngines(parseEngines(req.config.get(ENGINES_KEY)));
  installExitHook();
}
