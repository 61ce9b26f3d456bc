// The VM provider's read (refresh) from one listing per run: `GET /vms?follow=nics,
// disk_attachments.disk,cdroms`, a page at a time, shared by every read of the provider process
// (providers/ovirt/collection.ts readCached). Proven with the engine's request log: N VMs with a NIC,
// a disk and a CD-ROM each cost a constant number of requests, not five or more per VM; what read
// returns is what the per-VM GETs returned (no drift right after create, drift through the API
// still shows); only a VM with a pending next-run configuration gets its own `?next_run=true` GET.
import { OvirtClient } from "../../providers/ovirt/client";
import type { Connection } from "../../providers/ovirt/connection";
import { newOperation } from "../../providers/ovirt/context";
import { setLogger } from "../../providers/ovirt/log";
import { clientFor, resetRegistry } from "../../providers/ovirt/registry";
import { VM_READ_PAGE_SIZE, VmsService, type VmId } from "../../providers/ovirt/vms";
import { configure, provider } from "../../providers/runtime";
import { ApiClient, entityOf } from "../engine/support/engine";
import { seedHost, statusIs, until } from "../engine/storage-fixtures";
import {
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  uniqueName,
  type Engine,
} from "./support";

type Obj = Record<string, unknown>;
const vms = provider("vm");
const N = 40;
let engine: Engine;
let api: ApiClient;
const made: Array<{ id: string; inputs: Obj; outs: Obj }> = [];

beforeAll(async () => {
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
    "<data_center><name>rvm-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>rvm-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  const clusterId = String(entityOf(cl, "cluster").id);
  seedHost(engine.stateDir, "rosalyn", clusterId, "up");
  const sd = await api.post(
    "storagedomains",
    `<storage_domain><name>rvm-data</name><type>data</type><host><name>rosalyn</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/rvm</path></storage></storage_domain>`,
  );
  const sdId = String(entityOf(sd, "storage_domain").id);
  await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));
  const profiles = (await api.as("json").get("vnicprofiles")).parsed().vnic_profile as Obj[];
  for (let i = 0; i < N; i++) {
    const name = uniqueName("rvm");
    const news: Obj = {
      engine: "target",
      name,
      clusterId,
      memoryMiB: 1024,
      description: `vm ${i}`,
      runState: i === 0 ? "running" : "stopped",
      disks: [{ name: `${name}_os`, sizeGiB: 5, storageDomainId: sdId, bootable: true }],
      nics: [{ name: "nic1", vnicProfileId: String(profiles[0].id) }],
      cdrom: "",
      cloudInit: { hostname: `${name}.lab`, user: "cloud" },
    };
    const checked = await vms.check({}, news);
    expect(checked.failures).toBeUndefined();
    const r = await vms.create(checked.inputs);
    made.push({ id: r.id, inputs: checked.inputs as Obj, outs: r.outs as Obj });
  }
}, 300_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
});

/** A fresh provider process: no client, no cache (what every `pulumi refresh` starts with). */
async function newProcess(): Promise<void> {
  await resetRegistry();
  await configure(configureRequest({ target: engineEntry(engine) }));
}

const apiGets = (from: number) =>
  engine
    .requests()
    .slice(from)
    .filter((r) => r.method === "GET" && r.path.includes("/ovirt-engine/api"));

test(`a refresh of ${N} VMs with NICs, disks and CD-ROMs costs a constant number of requests, and reads what create stored`, async () => {
  await newProcess();
  const from = engine.requests().length;
  const reads = await Promise.all(made.map((m) => vms.read(m.id, m.outs)));
  const sent = engine.requests().slice(from); // SSO login included
  expect(sent.length).toBeLessThanOrEqual(N / 50 + 10);
  // One listing with the devices inlined (one page holds them all), and nothing per VM.
  const gets = apiGets(from);
  expect(gets).toHaveLength(1);
  const q = new URL(gets[0].path, engine.url).searchParams;
  expect(q.get("follow")).toBe("nics,disk_attachments.disk,cdroms");
  expect(q.get("search")).toBe("page 1");
  expect(q.get("max")).toBe(String(VM_READ_PAGE_SIZE));
  // Right after create there is no drift: read returns the stored outputs and inputs.
  reads.forEach((r, i) => {
    expect(r.id).toBe(made[i].id);
    expect(r.props).toEqual(made[i].outs);
    const { cloudInit: _c, ...plain } = made[i].inputs;
    expect(r.inputs).toMatchObject(plain);
  });
  expect(Object.keys(made[1].outs.diskIds as Obj)).toHaveLength(1);
  expect(Object.keys(made[1].outs.macAddresses as Obj)).toEqual(["nic1"]);
});

test("drift through the API shows in the listing's read; a pending next-run configuration costs that VM one GET", async () => {
  const [running, stopped, other] = made;
  // A running VM's memory change waits for its next boot (next_run); a stopped VM's is applied.
  expect((await api.as("json").put(`vms/${running.id}`, '{"memory": 3221225472}')).status).toBe(200);
  expect((await api.as("json").put(`vms/${stopped.id}`, '{"memory": 2147483648}')).status).toBe(200);
  const nics = (await api.as("json").get(`vms/${other.id}/nics`)).parsed().nic as Obj[];
  expect((await api.delete(`vms/${other.id}/nics/${String(nics[0].id)}`)).status).toBe(200);
  await newProcess();
  const from = engine.requests().length;
  const reads = await Promise.all(made.map((m) => vms.read(m.id, m.outs)));
  const gets = apiGets(from).map((r) => r.path.replace(/^.*\/ovirt-engine\/api/, ""));
  expect(gets).toHaveLength(2);
  expect(gets).toContain(`/vms/${running.id}?next_run=true`);
  expect(reads[0].inputs!.memoryMiB).toBe(3072);
  expect((reads[0].props as Obj).pendingReboot).toBe(true);
  expect(reads[1].inputs!.memoryMiB).toBe(2048);
  expect((reads[1].props as Obj).pendingReboot).toBe(false);
  expect(reads[2].inputs!.nics).toEqual([]);
  expect((reads[2].props as Obj).macAddresses).toEqual({});
  // The others are unchanged.
  reads.slice(3).forEach((r, i) => expect(r.props).toEqual(made[i + 3].outs));
});

test("a VM removed outside Pulumi is gone; the others are still read from the listing", async () => {
  const victim = made.pop()!;
  const other = new OvirtClient({
    url: engine.url,
    caPem: engine.caPem,
    username: "admin@internal",
    password: engine.adminPassword,
  });
  await other.vms.remove(newOperation("test", 60_000), victim.id as VmId);
  await other.close();
  await newProcess();
  const from = engine.requests().length;
  const reads = await Promise.all([victim, ...made.slice(3)].map((m) => vms.read(m.id, m.outs)));
  expect(reads[0].id).toBe("");
  expect(reads.slice(1).map((r) => r.id)).toEqual(made.slice(3).map((m) => m.id));
  // The listing, then one GET by id for the one missing from it (404).
  expect(
    apiGets(from)
      .map((r) => r.status)
      .sort(),
  ).toEqual([200, 404]);
});

test("the listing is read in pages until a short page, and a write to /vms drops it", async () => {
  await newProcess();
  class SmallPages extends VmsService {
    protected override readonly readPageSize = 7;
  }
  const conn: Connection = clientFor("target").conn;
  const svc = new SmallPages(conn);
  const ctx = newOperation("test", 60_000);
  const count = ((await api.as("json").get("vms")).parsed().vm as Obj[]).length;
  expect(count).toBeGreaterThan(4 * 7);
  const pages = Math.floor(count / 7) + 1;
  const from = engine.requests().length;
  const got = await Promise.all(made.map((m) => svc.readCached(ctx, m.id as VmId)));
  expect(got.map((v) => v?.id)).toEqual(made.map((m) => m.id));
  expect(got.every((v) => v?.nics?.length === (v === got[2] ? 0 : 1))).toBe(true);
  const listings = apiGets(from);
  expect(listings.map((r) => new URL(r.path, engine.url).searchParams.get("search"))).toEqual(
    Array.from({ length: pages }, (_, i) => `page ${i + 1}`),
  );
  // Served from the listing until a write to the kind, then listed again.
  await svc.readCached(ctx, made[5].id as VmId);
  expect(apiGets(from)).toHaveLength(pages);
  await svc.update(ctx, made[5].id as VmId, { description: "changed by the read-cache test" });
  const after = await svc.readCached(ctx, made[5].id as VmId);
  expect(after?.description).toBe("changed by the read-cache test");
  expect(apiGets(from)).toHaveLength(2 * pages);
});
