// The VM provider's methods called directly against an embedded engine process: create running
// with disks, NICs and cloud-init; a config change on a running VM becomes next-run (pendingReboot,
// no stop/start); rebootForChanges; runState; drift through the API; delete; crash-retry of create
// adopts; check refuses what the engine cannot do before any request.
import { setLogger } from "../../providers/ovirt/log";
import { resetRegistry } from "../../providers/ovirt/registry";
import { configure, provider } from "../../providers/runtime";
import { ApiClient, entityOf } from "../engine/support/engine";
import { seedHost, statusIs, until } from "../engine/storage-fixtures";
import {
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  requestsSince,
  uniqueName,
  type Engine,
} from "./support";

type Obj = Record<string, unknown>;
const GIB = 1024 ** 3;
const vms = provider("vm");
const log = captureLogger();
let engine: Engine;
let api: ApiClient;
let clusterId = "";
let otherClusterId = "";
let sdId = "";
let profileId = "";

async function up(news: Obj) {
  const checked = await vms.check({}, news);
  expect(checked.failures).toBeUndefined();
  const inputs = checked.inputs as Obj;
  const created = await vms.create(inputs);
  return { id: created.id, inputs, outs: created.outs as Obj };
}

async function live(id: string): Promise<Obj> {
  return (await api.as("json").get(`vms/${id}`)).parsed();
}

const actionsSince = (from: number) =>
  requestsSince(engine, from)
    .filter(
      (r) => r.method === "POST" && /\/vms\/[^/]+\/(start|stop|shutdown|reboot)$/.test(r.path.split("?")[0]),
    )
    .map((r) => r.path.split("?")[0].split("/").pop());

beforeAll(async () => {
  engine = await freshEngine("4.4");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(log);
  api = await ApiClient.connect({
    url: engine.url,
    caPem: engine.caPem,
    adminPassword: engine.adminPassword,
  });
  const dc = await api.post(
    "datacenters",
    "<data_center><name>pvm-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>pvm-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  clusterId = String(entityOf(cl, "cluster").id);
  const cl2 = await api.post(
    "clusters",
    `<cluster><name>pvm-cl2</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  otherClusterId = String(entityOf(cl2, "cluster").id);
  seedHost(engine.stateDir, "dogbert", otherClusterId, "up");
  seedHost(engine.stateDir, "calvin", clusterId, "up");
  const sd = await api.post(
    "storagedomains",
    `<storage_domain><name>pvm-data</name><type>data</type><host><name>calvin</name></host>` +
      `<storage><type>nfs</type><address>depot.lab</address><path>/exports/pvm</path></storage></storage_domain>`,
  );
  sdId = String(entityOf(sd, "storage_domain").id);
  await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));
  const profiles = (await api.as("json").get("vnicprofiles")).parsed().vnic_profile as Obj[];
  profileId = String(profiles[0].id);
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
});

const base = (name: string): Obj => ({
  engine: "target",
  name,
  clusterId,
  memoryMiB: 2048,
  cpu: { sockets: 2, cores: 1, threads: 1 },
  description: "identity",
  disks: [{ name: `${name}_os`, sizeGiB: 10, storageDomainId: sdId, bootable: true, format: "cow" }],
  nics: [{ name: "nic1", vnicProfileId: profileId }],
  cloudInit: {
    hostname: `${name}.lab`,
    user: "cloud",
    sshKeys: ["ssh-ed25519 AAAAkey"],
    rootPassword: "s3cr3t-pw",
    customScript: "#cloud-config\npassword: also-secret",
  },
});

test("create makes a running VM with its disks, NICs and cloud-init, and no secret in the outputs", async () => {
  const name = uniqueName("idm");
  const res = await up(base(name));
  const vm = await live(res.id);
  expect(vm.status).toBe("up");
  expect(vm.memory).toBe(2 * GIB);
  expect((vm.cpu as { topology: Obj }).topology.sockets).toBe("2");
  expect((vm.initialization as Obj).host_name).toBe(`${name}.lab`);
  const atts = (await api.as("json").get(`vms/${res.id}/diskattachments`)).parsed().disk_attachment as Obj[];
  expect(atts).toHaveLength(1);
  const disk = (await api.as("json").get(`disks/${String((atts[0].disk as Obj).id)}`)).parsed();
  expect(disk).toMatchObject({
    alias: `${name}_os`,
    provisioned_size: 10 * GIB,
    status: "ok",
    format: "cow",
  });
  const nics = (await api.as("json").get(`vms/${res.id}/nics`)).parsed().nic as Obj[];
  expect(nics.map((n) => n.name)).toEqual(["nic1"]);
  expect(res.outs.macAddresses).toEqual({ nic1: (nics[0].mac as Obj).address });
  expect(res.outs.diskIds).toEqual({ [`${name}_os`]: disk.id });
  expect(res.outs.pendingReboot).toBe(false);
  expect(res.outs.runState).toBe("running");
  const text = JSON.stringify(res.outs);
  expect(text).not.toContain("s3cr3t-pw");
  expect(text).not.toContain("also-secret");
  expect(typeof res.outs.cloudInitSecretsDigest).toBe("string");
  expect(log.infos.join("\n")).not.toContain("s3cr3t-pw");
  // read right after create returns the inputs: no refresh noise.
  const read = await vms.read(res.id, res.outs);
  const { cloudInit: _ci, ...plain } = res.inputs;
  expect(read.inputs).toMatchObject(plain);
  expect(read.inputs!.cloudInit).toEqual({
    hostname: `${name}.lab`,
    user: "cloud",
    sshKeys: ["ssh-ed25519 AAAAkey"],
  });
});

test("a config change on a running VM is next-run: pendingReboot, and the VM stays up", async () => {
  const name = uniqueName("nr");
  const res = await up(base(name));
  const news = {
    ...res.inputs,
    memoryMiB: 4096,
    cpu: { sockets: 4, cores: 1, threads: 1 },
    description: "bigger",
  };
  const diff = await vms.diff(res.id, res.outs, news);
  expect(diff).toMatchObject({ changes: true, replaces: [] });
  const from = engine.requests().length;
  const upd = await vms.update(res.id, res.outs, (await vms.check(res.inputs, news)).inputs);
  const outs = upd.outs as Obj;
  expect(outs.pendingReboot).toBe(true);
  expect(actionsSince(from)).toEqual([]);
  const vm = await live(res.id);
  expect(vm.status).toBe("up");
  expect(vm.memory).toBe(2 * GIB);
  expect(vm.description).toBe("bigger");
  expect(vm.next_run_configuration_exists).toBe("true");
  // The pending configuration is what read reports: no drift.
  const read = await vms.read(res.id, outs);
  expect(read.inputs!.memoryMiB).toBe(4096);
  expect((read.props as Obj).pendingReboot).toBe(true);
  // rebootForChanges reboots once and applies it.
  const again = { ...news, rebootForChanges: true };
  const from2 = engine.requests().length;
  const upd2 = await vms.update(res.id, outs, (await vms.check(news, again)).inputs);
  expect(actionsSince(from2)).toEqual(["reboot"]);
  expect((upd2.outs as Obj).pendingReboot).toBe(false);
  const after = await live(res.id);
  expect(after.memory).toBe(4 * GIB);
  expect(after.status).toBe("up");
});

test("runState: stopped shuts the VM down, running starts it; growing a disk is an update", async () => {
  const name = uniqueName("rs");
  const res = await up(base(name));
  const stopped: Obj = { ...res.inputs, runState: "stopped" };
  let from = engine.requests().length;
  let outs = (await vms.update(res.id, res.outs, (await vms.check(res.inputs, stopped)).inputs)).outs as Obj;
  expect(actionsSince(from)).toEqual(["shutdown"]);
  expect((await live(res.id)).status).toBe("down");
  expect(outs.status).toBe("down");
  const grown = {
    ...stopped,
    runState: "running",
    disks: [{ ...(stopped.disks as Obj[])[0], sizeGiB: 20 }],
  };
  from = engine.requests().length;
  outs = (await vms.update(res.id, outs, (await vms.check(stopped, grown)).inputs)).outs as Obj;
  expect(actionsSince(from)).toEqual(["start"]);
  expect((await live(res.id)).status).toBe("up");
  const diskId = String((outs.diskIds as Obj)[`${name}_os`]);
  expect((await api.as("json").get(`disks/${diskId}`)).parsed().provisioned_size).toBe(20 * GIB);
});

test("drift: memory changed through the API shows in read; delete stops and removes", async () => {
  const name = uniqueName("drift");
  const res = await up({ ...base(name), runState: "stopped" });
  expect((await live(res.id)).status).toBe("down");
  const put = await api.as("json").put(`vms/${res.id}`, '{"memory": 3221225472}');
  expect(put.status).toBe(200);
  const read = await vms.read(res.id, res.outs);
  expect(read.inputs!.memoryMiB).toBe(3072);
  const diff = await vms.diff(res.id, read.props, res.inputs);
  expect(diff.changes).toBe(true);
  // Started again and deleted: stop, then remove; the disk stays (storage data is never destroyed
  // by default: DELETE ?detach_only=true).
  await api.post(`vms/${res.id}/start`, "<action/>");
  await until(api, `vms/${res.id}`, statusIs("up"));
  const diskId = String((res.outs.diskIds as Obj)[`${name}_os`]);
  const from = engine.requests().length;
  await vms.delete(res.id, res.outs);
  expect(actionsSince(from)).toEqual(["stop"]);
  expect(
    engine
      .requests()
      .slice(from)
      .filter((r) => r.method === "DELETE")
      .map((r) => r.path),
  ).toEqual([`/ovirt-engine/api/vms/${res.id}?detach_only=true`]);
  expect((await api.get(`vms/${res.id}`)).status).toBe(404);
  expect((await api.get(`disks/${diskId}`)).status).toBe(200);
  const gone = await vms.read(res.id, res.outs);
  expect(gone.id).toBe("");
});

test("delete with destroyDataOnDelete removes the VM's disks too", async () => {
  const name = uniqueName("destroy");
  const res = await up({ ...base(name), runState: "stopped", destroyDataOnDelete: true });
  const diskId = String((res.outs.diskIds as Obj)[`${name}_os`]);
  await vms.delete(res.id, res.outs);
  expect((await api.get(`vms/${res.id}`)).status).toBe(404);
  expect((await api.get(`disks/${diskId}`)).status).toBe(404);
});

test("create after a crash adopts the half-made VM instead of making a second one", async () => {
  const name = uniqueName("crash");
  // A first attempt added the VM and died before its NICs, disks and start.
  const first = await api.post(
    "vms",
    `<vm><name>${name}</name><cluster id="${clusterId}"/><template><name>Blank</name></template></vm>`,
  );
  const firstId = String(entityOf(first, "vm").id);
  const res = await up(base(name));
  expect(res.id).toBe(firstId);
  const same = (await api.as("json").get(`vms?search=${encodeURIComponent(`name=${name}`)}`)).parsed()
    .vm as Obj[];
  expect(same).toHaveLength(1);
  const vm = await live(firstId);
  expect(vm.status).toBe("up");
  expect(vm.memory).toBe(2 * GIB);
  expect(((await api.as("json").get(`vms/${firstId}/nics`)).parsed().nic as Obj[]).length).toBe(1);
  expect(log.infos.some((l) => l.includes(`adopting the existing VM ${firstId}`))).toBe(true);
  await vms.delete(res.id, res.outs);
});

test("clusterId changes only while stopped: refused on a running VM, applied in place when stopped", async () => {
  const name = uniqueName("mv");
  const res = await up({ ...base(name), disks: [], nics: [] });
  const moved = { ...res.inputs, clusterId: otherClusterId };
  expect((await vms.diff(res.id, res.outs, moved)).replaces).toEqual([]);
  const err = await vms.update(res.id, res.outs, moved).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(err?.message).toBe(
    `VM "${name}": clusterId cannot change while the VM is running (the engine moves only Down VMs ` +
      `between clusters); set runState "stopped" first, then change clusterId`,
  );
  expect((await live(res.id)).status).toBe("up");
  const stopped = { ...moved, runState: "stopped" };
  const outs = (await vms.update(res.id, res.outs, stopped)).outs as Obj;
  expect(outs.status).toBe("down");
  const vm = await live(res.id);
  expect((vm.cluster as Obj).id).toBe(otherClusterId);
  expect(vm.status).toBe("down");
  await vms.delete(res.id, outs);
});

describe("check and diff, before any request", () => {
  test("shrinking, converting or dropping a disk is refused naming the field", async () => {
    const olds = (await vms.check({}, base("chk"))).inputs as Obj;
    const disk = (olds.disks as Obj[])[0];
    const from = engine.requests().length;
    let r = await vms.check(olds, { ...olds, disks: [{ ...disk, sizeGiB: 5 }] });
    expect(r.failures).toEqual([
      {
        property: "disks[0].sizeGiB",
        reason: 'VM "chk": disks[0].sizeGiB 5 is smaller than the current 10: disks can only grow',
      },
    ]);
    r = await vms.check(olds, { ...olds, disks: [{ ...disk, format: "raw" }] });
    expect(r.failures?.[0].property).toBe("disks[0].format");
    r = await vms.check(olds, { ...olds, disks: [] });
    expect(r.failures?.[0].reason).toContain('disk "chk_os" was removed from disks');
    r = await vms.check({}, { ...olds, guaranteedMemoryMiB: 4096 });
    expect(r.failures).toEqual([
      {
        property: "guaranteedMemoryMiB",
        reason: 'VM "chk": guaranteedMemoryMiB 4096 cannot exceed memoryMiB (2048)',
      },
    ]);
    r = await vms.check({}, { ...olds, nics: [{ name: "a", mac: "zz" }] });
    expect(r.failures?.[0].property).toBe("nics.0.mac");
    r = await vms.check({}, { ...olds, runState: "paused" });
    expect(r.failures?.[0].reason).toBe('VM "chk": runState "paused" is not one of "running", "stopped"');
    expect(engine.requests().length).toBe(from);
  });

  test("a template change replaces; a secret change is a change without showing the secret", async () => {
    const id = "00000000-0000-0000-0000-0000000000aa";
    const inputs = (await vms.check({}, base("d"))).inputs as Obj;
    const outs = {
      ...inputs,
      cloudInit: { hostname: "d.lab", user: "cloud", sshKeys: ["ssh-ed25519 AAAAkey"] },
    };
    const { secretsDigest } = await import("../../providers/vm/model");
    (outs as Obj).cloudInitSecretsDigest = secretsDigest(id, inputs.cloudInit as never);
    expect((await vms.diff(id, outs, inputs)).changes).toBe(false);
    const pw = { ...inputs, cloudInit: { ...(inputs.cloudInit as Obj), rootPassword: "changed" } };
    expect(await vms.diff(id, outs, pw)).toMatchObject({ changes: true, replaces: [] });
    expect(await vms.diff(id, outs, { ...inputs, template: "golden" })).toMatchObject({
      changes: true,
      replaces: ["template"],
      deleteBeforeReplace: true,
    });
  });
});
