// ISO images through the real Pulumi CLI against an embedded 4.4 engine process: a generated 1 GiB
// sparse ISO uploaded (the stored image's sha256 = the source's), a second `up` that transfers
// nothing, a changed file previewed as a replace whose upload is killed halfway (the provider
// process SIGKILLed: disk locked, transfer live), and the next `up` that cleans up and finishes
// (one disk of that name, none locked, the new content stored), then nothing left to do.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { domainDir } from "../../simulator/dataplane/storage";
import { startEngine } from "../../testbed/engine-process";
import { openStack, scratchProject } from "../../testbed/pulumi";
import { ApiClient, entityOf } from "../engine/support/engine";
import { dataPlaneOf, seedHost, statusIs, until } from "../engine/storage-fixtures";
import { providerPids, stepsOf } from "../helpers/stack";

type Engine = Awaited<ReturnType<typeof startEngine>>;
type Obj = Record<string, unknown>;
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const CONNECTION = "depot.lab:/exports/e2eiso";

let engine: Engine;
let api: ApiClient;
let sdId = "";
let work = "";
let workDir = "";
let stack: Awaited<ReturnType<typeof openStack>>;
const iso = () => path.join(work, "lab.iso");

function writeIso(seed: string): void {
  const fd = fs.openSync(iso(), "w");
  try {
    fs.ftruncateSync(fd, GIB);
    // Data in a few places, 24 MiB of it around the middle so the upload has real bytes to send.
    for (const [at, len] of [
      [0, MIB],
      [GIB / 2, 24 * MIB],
      [GIB - MIB, MIB],
    ]) {
      const block = crypto.createHash("sha512").update(`${seed}:${at}`).digest();
      fs.writeSync(fd, Buffer.concat(Array.from({ length: len / 64 }, () => block)), 0, len, at);
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

async function disks(): Promise<Obj[]> {
  return ((await api.as("json").get("disks")).parsed().disk as Obj[] | undefined) ?? [];
}

async function imageOf(disk: Obj): Promise<string> {
  return path.join(
    domainDir(dataPlaneOf(engine.stateDir), { connection: CONNECTION }, sdId),
    "images",
    String(disk.id),
    String(disk.image_id),
  );
}

const transferPosts = (from: number) =>
  engine
    .requests()
    .slice(from)
    .filter((r) => r.method === "POST" && /\/imagetransfers$/.test(r.path.split("?")[0]));

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-e2eiso-"));
  process.env.OVIRT_LAB_CACHE_DIR = path.join(work, "cache");
  engine = await startEngine({ version: "4.4", timeScale: 0 });
  api = await ApiClient.connect({
    url: engine.url,
    caPem: engine.caPem,
    adminPassword: engine.adminPassword,
  });
  const dc = await api.post(
    "datacenters",
    "<data_center><name>e2eiso-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>e2eiso-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  seedHost(engine.stateDir, "wormwood", String(entityOf(cl, "cluster").id), "up");
  const sd = await api.post(
    "storagedomains",
    `<storage_domain><name>e2eiso</name><type>data</type><host><name>wormwood</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/e2eiso</path></storage></storage_domain>`,
  );
  sdId = String(entityOf(sd, "storage_domain").id);
  await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));

  workDir = scratchProject("ovirt-lab-iso-", { main: "dist/tests/e2e/programs/iso.js" });
  stack = await openStack({
    stackName: "e2e",
    workDir,
    backendDir: path.join(workDir, ".backend"),
    passphrase: "e2e-passphrase",
  });
  await stack.setConfig("ovirt-lab:engines.target.url", { value: engine.url }, true);
  await stack.setConfig("ovirt-lab:engines.target.caFile", { value: engine.caFile }, true);
  await stack.setConfig(
    "ovirt-lab:engines.target.password",
    { value: engine.adminPassword, secret: true },
    true,
  );
  const configFile = path.join(workDir, "Pulumi.e2e.yaml");
  const doc = YAML.parseDocument(fs.readFileSync(configFile, "utf8"));
  doc.setIn(
    ["config", "ovirt-lab:isos"],
    doc.createNode([
      {
        name: "lab-iso",
        args: { engine: "target", name: "lab.iso", source: iso(), storageDomain: "e2eiso" },
      },
    ]),
  );
  fs.writeFileSync(configFile, doc.toString());
}, 300_000);

afterAll(async () => {
  await engine?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
  delete process.env.OVIRT_LAB_CACHE_DIR;
});

describe("IsoImage through the real Pulumi CLI", () => {
  test("up uploads a 1 GiB sparse ISO; the stored image has the source's checksum", async () => {
    writeIso("first");
    const from = engine.requests().length;
    const started = Date.now();
    const res = await stack.up();
    process.stdout.write(
      `iso e2e: first up (1 GiB sparse, checksum + upload) ${((Date.now() - started) / 1000).toFixed(1)}s\n`,
    );
    expect(res.summary.result).toBe("succeeded");
    expect(transferPosts(from)).toHaveLength(1);
    const out = (res.outputs.isoImages.value as Record<string, Obj>)["lab-iso"];
    expect(out.size).toBe(GIB);
    const disk = (await disks()).find((d) => d.alias === "lab.iso")!;
    expect(disk.status).toBe("ok");
    expect(await sha256File(await imageOf(disk))).toBe(await sha256File(iso()));
    expect(out.checksum).toBe(await sha256File(iso()));
  }, 300_000);

  test("a second up transfers nothing", async () => {
    const from = engine.requests().length;
    const res = await stack.up();
    expect(res.summary.resourceChanges).toEqual({ same: 2 });
    expect(transferPosts(from)).toHaveLength(0);
    expect(
      engine
        .requests()
        .slice(from)
        .filter((r) => r.path.startsWith("/images/")),
    ).toHaveLength(0);
  }, 300_000);

  test("a changed file previews as a replace; its upload killed halfway is finished by the next up", async () => {
    writeIso("second");
    const events: EngineEvent[] = [];
    await stack.preview({ onEvent: (e) => events.push(e) });
    const ops = events
      .map((e) => e.resourcePreEvent?.metadata)
      .filter((m) => m?.urn.endsWith("::lab-iso"))
      .map((m) => m!.op);
    expect(ops).toContain("replace");
    expect(ops).toContain("delete-replaced");
    expect(Object.keys(stepsOf(events))).toEqual(["IsoImage:lab-iso"]);

    const from = engine.requests().length;
    const up = stack.up().then(
      () => "finished",
      (err: Error) => err.message,
    );
    // Kill the provider once the new transfer has sent some data requests but not all.
    const deadline = Date.now() + 120_000;
    let killed = false;
    while (Date.now() < deadline && !killed) {
      const dataReqs = engine
        .requests()
        .slice(from)
        .filter((r) => r.path.startsWith("/images/")).length;
      if (dataReqs >= 20) {
        for (const pid of providerPids(workDir)) process.kill(pid, "SIGKILL");
        killed = true;
      } else await new Promise((r) => setTimeout(r, 20));
    }
    expect(killed).toBe(true);
    const outcome = await up;
    expect(outcome).not.toBe("finished");
    const half = (await disks()).filter((d) => d.alias === "lab.iso");
    expect(half).toHaveLength(1);
    expect(half[0].status).toBe("locked");

    const res = await stack.up();
    expect(res.summary.result).toBe("succeeded");
    const after = (await disks()).filter((d) => d.alias === "lab.iso");
    expect(after).toHaveLength(1);
    expect(after[0].status).toBe("ok");
    expect((await disks()).filter((d) => d.status === "locked")).toHaveLength(0);
    expect(await sha256File(await imageOf(after[0]))).toBe(await sha256File(iso()));

    const again = await stack.up();
    expect(again.summary.resourceChanges).toEqual({ same: 2 });
  }, 600_000);
});
