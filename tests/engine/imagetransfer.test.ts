// Image transfers over HTTP, the way the official SDK's upload example drives them: an `iso` disk on
// a data domain, POST /imagetransfers (initializing -> transferring, disk locked), the data endpoint
// at transfer_url (OPTIONS, PUT with Content-Range, PATCH zero/flush, GET), finalize
// (finalizing_success -> finished_success, disk ok) with the bytes in the disk's image file; cancel
// (-> finished_failure, disk illegal), pause/resume, tickets refused outside `transferring`.
import crypto from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import { diskFile } from "../../simulator/api/disks/files";
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, faultOf, refId, startInProcess, tempStateDir } from "./support/engine";
import { dataPlaneOf, seedHost, statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;
const MIB = 1024 * 1024;
const CONNECTION = "depot.lab:/exports/isodata";

let engine: RunningEngine;
let api: ApiClient;
let stateDir: string;
let sdId: string;

function raw(
  url: string,
  method: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Obj; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca: engine.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

function imageOf(disk: Obj): string {
  return diskFile(
    {
      dataPlane: dataPlaneOf(stateDir),
      store: { get: () => ({ id: sdId, connection: CONNECTION }) },
    } as never,
    { id: String(disk.id), image_id: String(disk.image_id), storage_domains: [{ id: sdId }] } as never,
  )!;
}

async function addIsoDisk(name: string, size: number): Promise<Obj> {
  const res = await api.post(
    "disks",
    `<disk><name>${name}</name><content_type>iso</content_type><format>raw</format>` +
      `<provisioned_size>${size}</provisioned_size><sparse>true</sparse>` +
      `<storage_domains><storage_domain id="${sdId}"/></storage_domains></disk>`,
  );
  expect(res.status).toBe(201);
  const disk = entityOf(res, "disk");
  return (await until(api, `disks/${String(disk.id)}`, statusIs("ok")))!;
}

async function startTransfer(diskId: string): Promise<Obj> {
  const res = await api.post(
    "imagetransfers",
    `<image_transfer><disk id="${diskId}"/><direction>upload</direction><format>raw</format></image_transfer>`,
  );
  expect(res.status).toBe(201);
  const t = entityOf(res, "image_transfer");
  expect(t.phase).toBe("initializing");
  return (await until(api, `imagetransfers/${String(t.id)}`, (e) => e?.phase === "transferring"))!;
}

const sha = (b: Buffer) => crypto.createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  stateDir = tempStateDir("imagetransfer");
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
  const dc = await api.post(
    "datacenters",
    "<data_center><name>it-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>it-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  seedHost(stateDir, "hobbes", String(entityOf(cl, "cluster").id), "up");
  const sd = await api.post(
    "storagedomains",
    `<storage_domain><name>isodata</name><type>data</type><host><name>hobbes</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/isodata</path></storage></storage_domain>`,
  );
  sdId = String(entityOf(sd, "storage_domain").id);
  await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));
});

afterAll(async () => {
  await engine?.close();
});

describe("image transfers", () => {
  test("upload in ranged chunks plus a zeroed range: finalize leaves the exact bytes and the disk ok", async () => {
    const size = 3 * MIB;
    const content = Buffer.concat([crypto.randomBytes(MIB), Buffer.alloc(MIB), crypto.randomBytes(MIB)]);
    const disk = await addIsoDisk("upload.iso", size);
    expect(disk.content_type).toBe("iso");
    const t = await startTransfer(String(disk.id));
    const locked = entityOf(await api.get(`disks/${String(disk.id)}`), "disk");
    expect(locked.status).toBe("locked");
    expect(refId(t.disk)).toBe(String(disk.id));
    const url = String(t.transfer_url);
    expect(url).toMatch(/^https:\/\/localhost:\d+\/images\/[0-9a-f-]{36}$/);
    expect(t.proxy_url).toBe(url);

    const opts = await raw(url, "OPTIONS");
    expect(opts.status).toBe(200);
    expect((JSON.parse(opts.body.toString()) as { features: string[] }).features).toEqual([
      "extents",
      "zero",
      "flush",
    ]);

    for (const start of [0, 2 * MIB]) {
      const chunk = content.subarray(start, start + MIB);
      const res = await raw(`${url}?flush=n`, "PUT", chunk, {
        "content-range": `bytes ${start}-${start + MIB - 1}/${size}`,
        "content-length": String(MIB),
      });
      expect(res.status).toBe(200);
    }
    const zero = Buffer.from(JSON.stringify({ op: "zero", offset: MIB, size: MIB, flush: false }));
    expect((await raw(url, "PATCH", zero, { "content-type": "application/json" })).status).toBe(200);
    const flush = Buffer.from(JSON.stringify({ op: "flush" }));
    expect((await raw(url, "PATCH", flush, { "content-type": "application/json" })).status).toBe(200);

    const part = await raw(url, "GET", undefined, { range: `bytes=${2 * MIB}-${2 * MIB + 9}` });
    expect(part.status).toBe(206);
    expect(part.body.equals(content.subarray(2 * MIB, 2 * MIB + 10))).toBe(true);

    const during = entityOf(await api.get(`imagetransfers/${String(t.id)}`), "image_transfer");
    expect(Number(during.transferred)).toBeGreaterThanOrEqual(3 * MIB);

    const fin = await api.post(`imagetransfers/${String(t.id)}/finalize`, "<action/>");
    expect(fin.status).toBe(200);
    const done = await until(api, `imagetransfers/${String(t.id)}`, (e) => e?.phase === "finished_success");
    expect(done!.transfer_url).toBeUndefined();
    const ok = entityOf(await api.get(`disks/${String(disk.id)}`), "disk");
    expect(ok.status).toBe("ok");
    expect(sha(fs.readFileSync(imageOf(disk)))).toBe(sha(content));

    // The ticket is gone once the transfer is over.
    const late = await raw(url, "PUT", Buffer.alloc(10), { "content-range": "bytes 0-9/10" });
    expect(late.status).toBe(403);
    expect(late.body.toString()).toContain("No such ticket");
  });

  test("a second transfer of a locked disk is refused with the engine's 409", async () => {
    const disk = await addIsoDisk("busy.iso", MIB);
    await startTransfer(String(disk.id));
    const res = await api.post(
      "imagetransfers",
      `<image_transfer><disk id="${String(disk.id)}"/><direction>upload</direction></image_transfer>`,
    );
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe(
      "[Cannot transfer Virtual Disk: Disk is locked. Please try again later.]",
    );
  });

  test("writes past the disk's size are refused with 416; bad ranges with 400", async () => {
    const disk = await addIsoDisk("small.iso", MIB);
    const t = await startTransfer(String(disk.id));
    const url = String(t.transfer_url);
    const over = await raw(url, "PUT", Buffer.alloc(10), {
      "content-range": `bytes ${MIB - 5}-${MIB + 4}/*`,
    });
    expect(over.status).toBe(416);
    const bad = await raw(url, "PUT", Buffer.alloc(10), { "content-range": "bytes x-y/z" });
    expect(bad.status).toBe(400);
  });

  test("cancel: cancelled -> finished_failure, the disk illegal (not locked), the ticket refused", async () => {
    const disk = await addIsoDisk("cancel.iso", MIB);
    const t = await startTransfer(String(disk.id));
    const res = await api.post(`imagetransfers/${String(t.id)}/cancel`, "<action/>");
    expect(res.status).toBe(200);
    await until(api, `imagetransfers/${String(t.id)}`, (e) => e?.phase === "finished_failure");
    const d = entityOf(await api.get(`disks/${String(disk.id)}`), "disk");
    expect(d.status).toBe("illegal");
    expect((await raw(String(t.transfer_url), "OPTIONS")).status).toBe(403);
    // An illegal disk can be removed.
    expect((await api.delete(`disks/${String(disk.id)}`)).status).toBe(200);
  });

  test("pause removes the ticket, resume brings it back; finalize from a finished transfer is a 409", async () => {
    const disk = await addIsoDisk("pause.iso", MIB);
    const t = await startTransfer(String(disk.id));
    expect((await api.post(`imagetransfers/${String(t.id)}/pause`, "<action/>")).status).toBe(200);
    const paused = entityOf(await api.get(`imagetransfers/${String(t.id)}`), "image_transfer");
    expect(paused.phase).toBe("paused_user");
    expect((await raw(String(t.transfer_url), "OPTIONS")).status).toBe(403);
    expect((await api.post(`imagetransfers/${String(t.id)}/resume`, "<action/>")).status).toBe(200);
    await until(api, `imagetransfers/${String(t.id)}`, (e) => e?.phase === "transferring");
    expect((await raw(String(t.transfer_url), "OPTIONS")).status).toBe(200);
    await api.post(`imagetransfers/${String(t.id)}/finalize`, "<action/>");
    await until(api, `imagetransfers/${String(t.id)}`, (e) => e?.phase === "finished_success");
    const again = await api.post(`imagetransfers/${String(t.id)}/finalize`, "<action/>");
    expect(again.status).toBe(409);
    // A failed action: the fault nested in <action> with <status>failed</status>.
    const action = again.parsed().action as { fault: { detail: string }; status: string };
    expect(action.status).toBe("failed");
    expect(action.fault.detail).toBe(
      "[Cannot transfer Virtual Disk. The image transfer is in phase finished_success.]",
    );
  });

  test("a transfer needs a disk or an image; an unknown disk is a 404", async () => {
    const none = await api.post(
      "imagetransfers",
      "<image_transfer><direction>upload</direction></image_transfer>",
    );
    expect(none.status).toBe(400);
    expect(faultOf(none).detail).toContain("image_transfer.disk.id");
    const unknown = await api.post(
      "imagetransfers",
      `<image_transfer><disk id="${crypto.randomUUID()}"/></image_transfer>`,
    );
    expect(unknown.status).toBe(404);
  });
});
