// A VM booting from an IsoImage: the VM provider's `cdrom` input (the IsoImage's diskId) puts the
// ISO in the VM's CD-ROM at create, a running VM gets a new one now too (current), "" ejects, and
// read reports the live media (drift shows).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setLogger } from "../../providers/ovirt/log";
import { resetRegistry } from "../../providers/ovirt/registry";
import { configure, provider } from "../../providers/runtime";
import { ApiClient, entityOf } from "../engine/support/engine";
import { seedHost, statusIs, until } from "../engine/storage-fixtures";
import { captureLogger, configureRequest, engineEntry, freshEngine, type Engine } from "./support";

type Obj = Record<string, unknown>;
const NIL = "00000000-0000-0000-0000-000000000000";
const isos = provider("isoimage");
const vms = provider("vm");
let engine: Engine;
let api: ApiClient;
let clusterId = "";
let work = "";

async function cdrom(vmId: string, current = false): Promise<string | undefined> {
  const res = await api.as("json").get(`vms/${vmId}/cdroms/${NIL}${current ? "?current=true" : ""}`);
  return (res.parsed().file as { id: string } | undefined)?.id;
}

async function iso(name: string): Promise<string> {
  const file = path.join(work, name);
  fs.writeFileSync(file, crypto.randomBytes(1024 * 1024));
  const checked = await isos.check({}, { engine: "target", name, source: file, storageDomain: "cdr-data" });
  expect(checked.failures).toBeUndefined();
  return (await isos.create(checked.inputs)).id;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-cdrom-"));
  process.env.OVIRT_LAB_CACHE_DIR = path.join(work, "cache");
  engine = await freshEngine("4.4");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(captureLogger());
  api = await ApiClient.connect({
    url: engine.url,
    caPem: engine.caPem,
    adminPassword: engine.adminPassword,
  });
  const dc = await api.post(
    "datacenters",
    "<data_center><name>cdr-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>cdr-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  clusterId = String(entityOf(cl, "cluster").id);
  seedHost(engine.stateDir, "hobbes", clusterId, "up");
  const sd = await api.post(
    "storagedomains",
    `<storage_domain><name>cdr-data</name><type>data</type><host><name>hobbes</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/cdr</path></storage></storage_domain>`,
  );
  const sdId = String(entityOf(sd, "storage_domain").id);
  await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
  fs.rmSync(work, { recursive: true, force: true });
  delete process.env.OVIRT_LAB_CACHE_DIR;
});

test("a VM declared with cdrom boots with the ISO inserted; change (now too) and eject", async () => {
  const first = await iso("install.iso");
  const second = await iso("tools.iso");
  const news: Obj = { engine: "target", name: "cdvm", clusterId, runState: "running", cdrom: first };
  const checked = await vms.check({}, news);
  expect(checked.failures).toBeUndefined();
  const made = await vms.create(checked.inputs);
  expect(await cdrom(made.id)).toBe(first);
  expect(await cdrom(made.id, true)).toBe(first);

  const changed = (await vms.check({}, { ...news, cdrom: second })).inputs as Obj;
  expect((await vms.diff(made.id, made.outs, changed)).replaces).toEqual([]);
  await vms.update(made.id, made.outs, changed);
  expect(await cdrom(made.id)).toBe(second);
  expect(await cdrom(made.id, true)).toBe(second);

  // Drift: ejected outside Pulumi; read reports it.
  await api.put(`vms/${made.id}/cdroms/${NIL}`, `<cdrom><file id=""/></cdrom>`);
  const read = await vms.read(made.id, { ...made.outs, cdrom: second });
  expect((read.inputs as Obj).cdrom).toBe("");

  const eject = (await vms.check({}, { ...news, cdrom: "" })).inputs as Obj;
  await api.put(`vms/${made.id}/cdroms/${NIL}`, `<cdrom><file id="${first}"/></cdrom>`);
  await vms.update(made.id, changed, eject);
  expect(await cdrom(made.id)).toBeUndefined();
}, 120_000);
