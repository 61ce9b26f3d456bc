// Issue 10 end to end: the seed lab's legacy NFS ISO domain moved to a 4.4 data domain as IsoImage
// resources, through the real Pulumi CLI, the way docs/migration.md ("ISO images") tells an admin to
// do it. `discover` lists the ISO domain's files in its entry (`isoFiles`, paths relative to the
// export); after the hosts and the storage domains have moved, each file becomes a `lab.isoImages`
// entry whose source is the file on the mounted export and whose domain is a moved data domain.
// The uploaded disks are `iso` disks holding exactly the legacy files' bytes, a VM's CD-ROM takes
// one of them, and a further `up` changes nothing.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { getJson, list } from "../helpers/engine-api";
import { moveLab, names, type MoveLab, type Obj } from "../../testbed/migration-lab";

const ISO_GROUP = "11111111-1111-1111-1111-111111111111";
const SEEDED = ["CentOS-8.2.2004-x86_64-minimal.iso", "virtio-win-0.1.185.iso"];

let m: MoveLab;

async function up(what: string) {
  const r = await m.t.stack.up().catch((err: Error) => {
    throw new Error(`${what}: pulumi up failed: ${err.message.slice(-3000)}`);
  });
  expect([what, r.summary.result]).toEqual([what, "succeeded"]);
  return r.summary;
}

async function sha256(file: string): Promise<string> {
  const h = crypto.createHash("sha256");
  for await (const c of fs.createReadStream(file)) h.update(c as Buffer);
  return h.digest("hex");
}

/** A disk's image file on the shared storage (`<export>/<domain id>/images/<disk id>/<image id>`). */
function imageFile(sdId: string, diskId: string, imageId: string): string {
  const storage = path.join(m.dataPlane, "storage");
  const found = fs
    .readdirSync(storage)
    .map((mount) => path.join(storage, mount, sdId, "images", diskId, imageId))
    .filter((p) => fs.existsSync(p));
  expect([diskId, found.length]).toEqual([diskId, 1]);
  return found[0];
}

beforeAll(async () => {
  m = await moveLab();
}, 300_000);

afterAll(async () => {
  await m?.close();
});

test("the legacy ISO domain's files become IsoImages on a moved 4.4 data domain, byte for byte", async () => {
  const { legacy, target, t } = m;

  // 1. discover lists the ISO domain's files in its entry, relative to its export.
  m.discover();
  const isoSd = (await list(legacy, "storagedomains", "storage_domain")).find((d) => d.name === "iso")!;
  const discovered = m.legacyLab();
  const isoEntry = discovered.storageDomains!.find((d) => d.name === "iso")!;
  const isoFiles = isoEntry.isoFiles as Array<{ name: string; path: string }>;
  expect(isoFiles).toEqual(
    SEEDED.map((name) => ({ name, path: `${String(isoSd.id)}/images/${ISO_GROUP}/${name}` })),
  );
  // The seeded files are ISO-like (a primary volume descriptor) and differ.
  const mount = m.mountedExport("iso");
  const sources = isoFiles.map((f) => path.join(mount, f.path));
  for (const file of sources) {
    const head = Buffer.alloc(6);
    const fd = fs.openSync(file, "r");
    fs.readSync(fd, head, 0, 6, 16 * 2048);
    fs.closeSync(fd);
    expect([file, head.toString("latin1")]).toEqual([file, "\x01CD001"]);
  }
  const legacySums = await Promise.all(sources.map(sha256));
  expect(new Set(legacySums).size).toBe(SEEDED.length);

  // 2. adopt, 3. one host per cluster, 4. every storage domain with its VMs (the ISO domain too:
  // the 4.3 data center lets its master go only last), as docs/migration.md.
  await up("adopt");
  await m.setHostSecrets(["calvin", "rhvnode5"]);
  t.setLab({
    ...m.lab(),
    gluster: discovered.gluster,
    hosts: [m.movedHost("calvin"), m.movedHost("rhvnode5")],
  });
  await up("first hosts");
  const { storageDomains, vms } = m.movedStorage("calvin");
  t.setLab({ ...m.lab(), storageDomains, vms });
  await up("storage domains");
  const domains44 = await list(target, "storagedomains", "storage_domain");
  expect(names(domains44)).toEqual(["export", "iso", "rhv4vol_data", "rhvquick_data"]);
  // The files stay on the export: the legacy path still leads to them, and 4.4 lists them too.
  expect(await Promise.all(sources.map(sha256))).toEqual(legacySums);
  const iso44 = domains44.find((d) => d.name === "iso")!;
  expect(iso44.id).toBe(isoSd.id);
  expect(names(await list(target, `storagedomains/${String(iso44.id)}/files`, "file"))).toEqual(SEEDED);

  // 5. The ISO images: one isoImages entry per discovered file, from the mounted export, onto a
  // moved data domain; a stopped VM boots from one.
  const isoImages = isoFiles.map((f) => ({
    name: f.name,
    source: path.join(mount, f.path),
    storageDomain: "rhvquick_data",
  }));
  t.setLab({
    ...m.lab(),
    isoImages,
    vms: m.lab().vms!.map((v) => (v.name === "fedora-ws" ? { ...v, cdrom: SEEDED[0] } : v)),
  });
  const uploaded = await up("ISO images");
  expect(uploaded.resourceChanges?.create).toBe(SEEDED.length);
  const quick = domains44.find((d) => d.name === "rhvquick_data")!;
  const disks = (await list(target, "disks", "disk")).filter((d) => d.content_type === "iso");
  expect(disks.map((d) => String(d.alias)).sort()).toEqual(SEEDED);
  for (const [i, name] of SEEDED.entries()) {
    const disk = disks.find((d) => d.alias === name)!;
    const sd = (disk.storage_domains as { storage_domain: Obj[] }).storage_domain[0];
    expect([name, disk.status, sd.id]).toEqual([name, "ok", quick.id]);
    const stored = imageFile(String(quick.id), String(disk.id), String(disk.image_id));
    expect([name, await sha256(stored)]).toEqual([name, legacySums[i]]);
    expect([name, fs.statSync(stored).size]).toEqual([name, fs.statSync(sources[i]).size]);
  }
  const fedora = (await list(target, "vms", "vm")).find((v) => v.name === "fedora-ws")!;
  const cdroms = await list(target, `vms/${String(fedora.id)}/cdroms`, "cdrom");
  const centos = disks.find((d) => d.alias === SEEDED[0])!;
  expect(cdroms.map((c) => (c.file as Obj | undefined)?.id)).toEqual([centos.id]);
  expect((await getJson<Obj>(target, `disks/${String(centos.id)}`))?.content_type).toBe("iso");

  // 6. Settled: nothing left to do.
  const again = await up("after the ISO images");
  expect(Object.keys(again.resourceChanges ?? {})).toEqual(["same"]);
}, 600_000);
