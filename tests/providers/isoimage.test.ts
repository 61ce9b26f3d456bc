// The IsoImage provider's methods against an embedded engine process: a generated 1 GiB sparse ISO
// uploaded through image transfers (stored image's sha256 = the source's; zero ranges not sent as
// bytes), a second create transfers nothing, the checksum cached by size and mtime (not re-read), an
// upload interrupted halfway (transfer left `transferring`, disk locked, like a killed process)
// cleaned up and redone, a changed file diffs as a replace, check errors naming the field, read of a
// disk removed outside, delete.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sourceInfo } from "../../providers/isoimage/checksum";
import { OvirtClient } from "../../providers/ovirt/client";
import { newOperation } from "../../providers/ovirt/context";
import { diskId } from "../../providers/ovirt/disks";
import { setLogger } from "../../providers/ovirt/log";
import { resetRegistry } from "../../providers/ovirt/registry";
import { configure, provider } from "../../providers/runtime";
import { domainDir } from "../../simulator/dataplane/storage";
import { ApiClient, entityOf } from "../engine/support/engine";
import { dataPlaneOf, seedHost, statusIs, until } from "../engine/storage-fixtures";
import {
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  requestsSince,
  type Engine,
} from "./support";

type Obj = Record<string, unknown>;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const CONNECTION = "depot.lab:/exports/isos";
const isos = provider("isoimage");
const log = captureLogger();
let engine: Engine;
let api: ApiClient;
let client: OvirtClient;
let sdId = "";
let work = "";

/** A sparse file of `size` bytes with random data at a few places (so holes and data both matter). */
function sparseIso(file: string, size: number, seed: string): void {
  const fd = fs.openSync(file, "w");
  try {
    fs.ftruncateSync(fd, size);
    for (const at of [0, Math.floor(size / 2), size - 64 * 1024]) {
      const block = crypto.createHash("sha512").update(`${seed}:${at}`).digest();
      const data = Buffer.concat(Array.from({ length: 1024 }, () => block)); // 64 KiB
      fs.writeSync(fd, data, 0, data.length, at);
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function sha256File(file: string): Promise<string> {
  const h = crypto.createHash("sha256");
  for await (const c of fs.createReadStream(file, { highWaterMark: 8 * MIB })) h.update(c as Buffer);
  return `sha256:${h.digest("hex")}`;
}

async function imageFile(id: string): Promise<string> {
  const disk = (await api.as("json").get(`disks/${id}`)).parsed();
  return path.join(
    domainDir(dataPlaneOf(engine.stateDir), { connection: CONNECTION }, sdId),
    "images",
    id,
    String(disk.image_id),
  );
}

async function checked(news: Obj): Promise<Obj> {
  const r = await isos.check({}, news);
  expect(r.failures).toBeUndefined();
  return r.inputs as Obj;
}

const transfersSince = (from: number) =>
  requestsSince(engine, from).filter(
    (r) => r.method === "POST" && /\/imagetransfers$/.test(r.path.split("?")[0]),
  );
const dataPutsSince = (from: number) =>
  requestsSince(engine, from).filter((r) => r.path.startsWith("/images/"));

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-iso-"));
  process.env.OVIRT_LAB_CACHE_DIR = path.join(work, "cache");
  engine = await freshEngine("4.4");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(log);
  api = await ApiClient.connect({
    url: engine.url,
    caPem: engine.caPem,
    adminPassword: engine.adminPassword,
  });
  client = new OvirtClient({
    url: engine.url,
    caPem: engine.caPem,
    username: "admin@internal",
    password: engine.adminPassword,
  });
  const dc = await api.post(
    "datacenters",
    "<data_center><name>iso-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>iso-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  seedHost(engine.stateDir, "susie", String(entityOf(cl, "cluster").id), "up");
  const sd = await api.post(
    "storagedomains",
    `<storage_domain><name>isos</name><type>data</type><host><name>susie</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/isos</path></storage></storage_domain>`,
  );
  sdId = String(entityOf(sd, "storage_domain").id);
  await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));
}, 180_000);

afterAll(async () => {
  await client?.close();
  await resetRegistry();
  await engine?.stop();
  fs.rmSync(work, { recursive: true, force: true });
  delete process.env.OVIRT_LAB_CACHE_DIR;
});

describe("IsoImage provider", () => {
  let bigId = "";
  let bigInputs: Obj = {};
  const big = () => path.join(work, "big.iso");

  test("a 1 GiB sparse ISO uploads with the source's checksum; zero ranges are not sent as bytes", async () => {
    sparseIso(big(), GIB, "one");
    const started = Date.now();
    bigInputs = await checked({ engine: "target", name: "big.iso", source: big(), storageDomain: "isos" });
    const checkSeconds = (Date.now() - started) / 1000;
    expect(bigInputs.checksum).toBe(await sha256File(big()));
    const from = engine.requests().length;
    const created = await isos.create(bigInputs);
    const seconds = (Date.now() - started) / 1000;
    bigId = created.id;
    expect(created.outs).toMatchObject({
      size: GIB,
      status: "ok",
      diskId: bigId,
      checksum: bigInputs.checksum,
    });
    const stored = await imageFile(bigId);
    expect(await sha256File(stored)).toBe(bigInputs.checksum);
    // The stored image stays sparse: only the three 8 MiB chunks that carry data are allocated.
    expect(fs.statSync(stored).blocks * 512).toBeLessThan(32 * MIB);
    // 128 chunks of 8 MiB: three carry data (PUT), the others are `zero` requests (PATCH).
    const data = dataPutsSince(from);
    expect(data.filter((r) => r.method === "PUT")).toHaveLength(3);
    expect(data.filter((r) => r.method === "PATCH").length).toBeGreaterThanOrEqual(125);
    const disk = (await api.as("json").get(`disks/${bigId}`)).parsed();
    expect(disk.content_type).toBe("iso");
    expect(disk.status).toBe("ok");
    expect(log.infos.some((l) => /ISO image "big.iso": uploaded 1\.00 GiB in .*\/s\)/.test(l))).toBe(true);
    process.stdout.write(
      `isoimage: 1 GiB sparse ISO: checksum ${checkSeconds.toFixed(1)}s, check+upload ${seconds.toFixed(1)}s\n`,
    );
    // No wall-clock bound: the machine is shared; the cost is bounded by what is sent (above).
  }, 300_000);

  test("the checksum is cached by size and mtime; a second create transfers nothing", async () => {
    const info = await sourceInfo(big());
    expect(info.computed).toBe(false);
    expect(info.checksum).toBe(bigInputs.checksum);
    const again = await checked({ engine: "target", name: "big.iso", source: big(), storageDomain: "isos" });
    expect(again.checksum).toBe(bigInputs.checksum);
    const diff = await isos.diff(bigId, bigInputs, again);
    expect(diff.changes).toBe(false);
    const from = engine.requests().length;
    const created = await isos.create(again);
    expect(created.id).toBe(bigId);
    expect(transfersSince(from)).toHaveLength(0);
    expect(dataPutsSince(from)).toHaveLength(0);
  }, 60_000);

  test("a changed file (same size, new mtime) is re-read and diffs as a replace", async () => {
    const file = path.join(work, "change.iso");
    sparseIso(file, 4 * MIB, "a");
    const first = await checked({
      engine: "target",
      name: "change.iso",
      source: file,
      storageDomain: "isos",
    });
    const made = await isos.create(first);
    sparseIso(file, 4 * MIB, "b");
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await checked({
      engine: "target",
      name: "change.iso",
      source: file,
      storageDomain: "isos",
    });
    expect(second.checksum).not.toBe(first.checksum);
    const diff = await isos.diff(made.id, { ...made.outs }, second);
    expect(diff.replaces).toEqual(["checksum"]);
    expect(diff.deleteBeforeReplace).toBe(true);
    // Same content under another path: an update that sends nothing.
    const copy = path.join(work, "copy.iso");
    fs.copyFileSync(file, copy);
    const moved = await checked({
      engine: "target",
      name: "change.iso",
      source: copy,
      storageDomain: "isos",
    });
    const d2 = await isos.diff(made.id, { ...made.outs, checksum: second.checksum }, moved);
    expect(d2.replaces).toEqual([]);
    // Pulumi deletes the old one, then creates the new one.
    await isos.delete(made.id, made.outs);
    const remade = await isos.create(second);
    expect(await sha256File(await imageFile(remade.id))).toBe(second.checksum);
  }, 60_000);

  test("an upload interrupted halfway (disk locked, transfer live) is cancelled, removed and redone", async () => {
    const file = path.join(work, "half.iso");
    sparseIso(file, 32 * MIB, "half");
    fs.writeFileSync(path.join(work, "rnd"), crypto.randomBytes(16 * MIB));
    const fd = fs.openSync(file, "r+");
    fs.writeSync(fd, fs.readFileSync(path.join(work, "rnd")), 0, 16 * MIB, 8 * MIB);
    fs.closeSync(fd);
    const inputs = await checked({ engine: "target", name: "half.iso", source: file, storageDomain: "isos" });
    // What a killed `pulumi up` leaves: the disk, a transfer in `transferring`, half the bytes sent.
    const ctx = newOperation("test", 60_000);
    const disk = await client.disks.add(ctx, {
      name: "half.iso",
      alias: "half.iso",
      description: String(inputs.checksum),
      content_type: "iso",
      format: "raw",
      provisioned_size: 32 * MIB,
      storage_domains: [{ id: sdId }],
    });
    await until(api, `disks/${disk.id}`, statusIs("ok"));
    const t = await client.imagetransfers.add(ctx, {
      disk: { id: disk.id },
      direction: "upload",
      format: "raw",
    });
    const live = await until(api, `imagetransfers/${t.id}`, (e) => e?.phase === "transferring");
    const half = fs.readFileSync(file).subarray(0, 16 * MIB);
    const { DataEndpoint } = await import("../../providers/ovirt/imagetransfers");
    await new DataEndpoint(String(live!.transfer_url), client.conn.tlsAgent, ctx).put(0, half, 32 * MIB);
    expect((await api.as("json").get(`disks/${disk.id}`)).parsed().status).toBe("locked");

    const created = await isos.create(inputs);
    expect(created.id).not.toBe(disk.id);
    expect(
      log.infos.some((l) => l.includes(`removing disk ${disk.id}`) && l.includes("cancelled 1 interrupted")),
    ).toBe(true);
    expect(await sha256File(await imageFile(created.id))).toBe(inputs.checksum);
    const disks = (await api.as("json").get("disks")).parsed().disk as Obj[];
    expect(disks.filter((d) => d.status === "locked")).toHaveLength(0);
    expect(disks.filter((d) => d.alias === "half.iso")).toHaveLength(1);
    const old = await api.as("json").get(`imagetransfers/${t.id}`);
    expect(old.parsed().phase).toBe("finished_failure");
  }, 60_000);

  test("check names the field and value before any request", async () => {
    const from = engine.requests().length;
    const missing = await isos.check(
      {},
      { engine: "target", name: "x.iso", source: path.join(work, "nope.iso"), storageDomain: "isos" },
    );
    expect(missing.failures?.[0]?.property).toBe("source");
    expect(missing.failures?.[0]?.reason).toContain(
      `ISO image "x.iso": source "${path.join(work, "nope.iso")}" cannot be read`,
    );
    const ftp = await isos.check(
      {},
      { engine: "target", name: "x.iso", source: "ftp://depot/x.iso", storageDomain: "isos" },
    );
    expect(ftp.failures?.[0]).toMatchObject({ property: "source" });
    expect(ftp.failures?.[0]?.reason).toContain("is a URL of a scheme other than http or https");
    const sum = await isos.check(
      {},
      { engine: "target", name: "x.iso", source: big(), storageDomain: "isos", checksum: "md5:1" },
    );
    expect(sum.failures?.[0]?.property).toBe("checksum");
    expect(engine.requests().length).toBe(from);
  });

  test("read of a disk removed outside Pulumi is gone; delete removes the disk", async () => {
    const file = path.join(work, "gone.iso");
    sparseIso(file, MIB, "gone");
    const made = await isos.create(
      await checked({ engine: "target", name: "gone.iso", source: file, storageDomain: "isos" }),
    );
    const read = await isos.read(made.id, made.outs);
    expect(read.inputs).toMatchObject({ name: "gone.iso", checksum: made.outs!.checksum });
    await isos.delete(made.id, made.outs);
    expect((await api.get(`disks/${made.id}`)).status).toBe(404);
    expect((await isos.read(made.id, made.outs)).id).toBe("");
    await isos.delete(made.id, made.outs);
    expect(log.infos.some((l) => l.includes(`disk ${made.id} was already gone`))).toBe(true);
    await client.disks.remove(newOperation("t", 10_000), diskId(bigId));
  });
});
