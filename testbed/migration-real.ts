// The 4.3 -> 4.4 move on real parts (issue 7): the seed lab's hypervisors are the testbed's
// namespaces (sshd, an OS identity the engines read over SSH when they install a host), and its
// Gluster volumes rhv4vol and rhvquick are real replica-3 volumes on rhvnode3-5 (hyperconverged, as
// in the seed post), FUSE-mounted by both engines. testbed/migration-lab.ts uses this when asked for
// the real data plane; the tests then checksum disk images on the bricks themselves.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { shellQuote, withSession } from "../providers/ssh/client";
import { diskImageFiles, sparseSha256 } from "./disk-images";
import {
  defaultOs,
  hostSrvDir,
  hypervisors,
  reprovision,
  rootPassword,
  rootTarget,
  type Hypervisor,
} from "./hosts/testbed";
import { repoRoot } from "./paths";

/** The seed lab's Gluster servers: its three E300 nodes (bricks under their own /srv). */
export const brickHosts = ["rhvnode3", "rhvnode4", "rhvnode5"] as const satisfies readonly Hypervisor[];
/** The seed lab's volumes, as the seed names them. */
export const seedVolumes = ["rhv4vol", "rhvquick"] as const;

/** A brick's directory inside its host (the host's /srv is its own: testbed/hosts/README.md). */
const brickDir = (volume: string) => `/srv/gluster_bricks/${volume}/brick`;

/** What the seed post's 4.3 lab ran: every hypervisor on EL7 (vdsm 4.30). */
const LEGACY_OS: Record<Hypervisor, "el7"> = {
  calvin: "el7",
  dogbert: "el7",
  rhvnode3: "el7",
  rhvnode4: "el7",
  rhvnode5: "el7",
};

type SeedDoc = {
  clusters: Array<{ hosts?: Array<{ name: string; address: string; root_password: string }> }>;
  gluster_volumes: Array<{ name: string; bricks: Array<{ host: string; dir: string }> }>;
};

/**
 * The seed lab as the testbed holds it: host addresses are the testbed's, their root password the
 * testbed's, and the bricks live under each node's own /srv. Written next to `dir`; returns its path.
 */
export function writeTestbedSeed(seedFile: string, dir: string): string {
  const doc = YAML.parse(fs.readFileSync(seedFile, "utf8")) as SeedDoc;
  const password = rootPassword();
  for (const c of doc.clusters) {
    for (const h of c.hosts ?? []) {
      const address = hypervisors[h.name as Hypervisor];
      if (!address) throw new Error(`seed ${seedFile}: host ${h.name} is not a testbed hypervisor`);
      h.address = address;
      h.root_password = password;
    }
  }
  for (const v of doc.gluster_volumes) for (const b of v.bricks) b.dir = brickDir(v.name);
  const out = path.join(dir, "seed-lab-4.3.testbed.yaml");
  fs.writeFileSync(out, YAML.stringify(doc), { mode: 0o600 });
  return out;
}

async function gluster(args: string): Promise<string> {
  return withSession(rootTarget(hypervisors.rhvnode3), (s) =>
    s.run(`gluster --mode=script ${args}`, 120_000),
  );
}

/**
 * The seed's volumes made for real on rhvnode3-5: replica 3, the seed's owner options, started.
 * Whatever an earlier run left (a volume, used brick directories) is removed first.
 */
export async function createSeedVolumes(): Promise<void> {
  await deleteSeedVolumes();
  for (const v of seedVolumes) {
    for (const h of brickHosts) {
      await withSession(rootTarget(hypervisors[h]), (s) =>
        s.run(`mkdir -p ${shellQuote(brickDir(v))}`, 20_000),
      );
    }
    const bricks = brickHosts.map((h) => `${hypervisors[h]}:${brickDir(v)}`).join(" ");
    await gluster(`volume create ${v} replica 3 ${bricks} force`);
    await gluster(`volume set ${v} storage.owner-uid 36`);
    await gluster(`volume set ${v} storage.owner-gid 36`);
    await gluster(`volume start ${v}`);
  }
}

/** Stops and deletes the seed's volumes and their brick directories (Gluster marks used bricks). */
export async function deleteSeedVolumes(): Promise<void> {
  const existing = (await gluster("volume list")).split("\n").map((l) => l.trim());
  for (const v of seedVolumes) {
    if (existing.includes(v)) {
      await gluster(`volume stop ${shellQuote(v)} force`).catch(() => undefined);
      await gluster(`volume delete ${shellQuote(v)}`);
    }
    for (const h of brickHosts) {
      fs.rmSync(path.join(hostSrvDir(h), "gluster_bricks", v), { recursive: true, force: true });
    }
  }
}

/** Puts the hypervisors on the seed lab's OS (EL7) before the 4.3 engine installs them. */
export async function reprovisionForLegacy(): Promise<void> {
  for (const [h, os] of Object.entries(LEGACY_OS)) await reprovision(h as Hypervisor, os);
}

/** Puts the hypervisors back on the testbed's default OS identities. */
export async function restoreDefaultOs(): Promise<void> {
  for (const [h, os] of Object.entries(defaultOs)) await reprovision(h as Hypervisor, os);
}

/** The reprovision command of a moved host: the testbed's own "kickstart to EL8". */
export const reprovisionCommand = `bash ${shellQuote(path.join(repoRoot, "testbed", "hosts", "testbed.sh"))} reprovision "$OVIRT_LAB_HOST" el8`;

/**
 * The sha256 of every disk image on the seed's volumes, read on the bricks themselves (not through a
 * mount), keyed `<volume>/<path in the volume>`. Fails unless all three replicas hold the same bytes.
 */
export function brickFingerprints(): Record<string, string> {
  const perBrick = brickHosts.map((h) => {
    const base = path.join(hostSrvDir(h), "gluster_bricks");
    const sums = sparseSha256(seedVolumes.flatMap((v) => diskImageFiles(path.join(base, v, "brick"))));
    return Object.fromEntries(
      Object.entries(sums).map(([p, sum]) => [path.relative(base, p).replace("/brick/", "/"), sum]),
    );
  });
  const [first, ...others] = perBrick;
  others.forEach((o, i) => {
    const diff = [...new Set([...Object.keys(first), ...Object.keys(o)])].filter((k) => first[k] !== o[k]);
    if (diff.length > 0) {
      throw new Error(
        `the replicas differ between ${brickHosts[0]} and ${brickHosts[i + 1]}: ${diff.slice(0, 5).join(", ")}`,
      );
    }
  });
  return first;
}

/** The plain sha256 (hex) of one small brick file under `key` (a brickFingerprints() key), on rhvnode3. */
export function brickFileSha256(key: string): string {
  const [volume, ...rest] = key.split("/");
  const file = path.join(hostSrvDir("rhvnode3"), "gluster_bricks", volume, "brick", ...rest);
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}
