// `adopt: true` on every engine kind, through the providers' methods against a fresh embedded engine:
// objects made beforehand through the API are taken over by name with zero write requests (even when
// fields differ: the outputs hold the engine's values and the next diff shows what `up` would change),
// `adopted: true` is an output, a missing object fails naming kind, name and engine, and toggling
// `adopt` later is not a change.
import type { KindProvider } from "../../providers/core/base";
import { setLogger } from "../../providers/ovirt/log";
import { resetRegistry } from "../../providers/ovirt/registry";
import { configure, provider } from "../../providers/runtime";
import { ApiClient, entityOf } from "../engine/support/engine";
import { seedHost, statusIs, until } from "../engine/storage-fixtures";
import { writesSince } from "../helpers/engine-api";
import {
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  rejection,
  requestsSince,
  type Engine,
} from "./support";

type Obj = Record<string, unknown>;
const log = captureLogger();
let engine: Engine;
let api: ApiClient;
const ids: Record<string, string> = {};

async function check(p: KindProvider, news: Obj): Promise<Obj> {
  const checked = await p.check({}, news);
  expect(checked.failures).toBeUndefined();
  return checked.inputs as Obj;
}

/** create with `adopt: true`; returns what it made and the write requests the engine saw meanwhile. */
async function adopt(kind: string, news: Obj) {
  const p = provider(kind);
  const inputs = await check(p, { engine: "target", adopt: true, ...news });
  const from = engine.requests().length;
  const created = await p.create(inputs);
  return { p, inputs, id: created.id, outs: created.outs as Obj, writes: writesSince(engine, from) };
}

beforeAll(async () => {
  engine = await freshEngine("4.4");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(log);
  api = await ApiClient.connect({
    url: engine.url,
    caPem: engine.caPem,
    adminPassword: engine.adminPassword,
  });
  const post = async (path: string, xml: string, element: string) =>
    String(entityOf(await api.post(path, xml), element).id);
  ids.dc = await post(
    "datacenters",
    "<data_center><name>ad_dc</name><description>made by hand</description><local>false</local></data_center>",
    "data_center",
  );
  ids.cluster = await post(
    "clusters",
    `<cluster><name>ad_cl</name><description>made by hand</description><data_center id="${ids.dc}"/>` +
      "<cpu><type>Intel Nehalem Family</type></cpu></cluster>",
    "cluster",
  );
  ids.host = seedHost(engine.stateDir, "calvin", ids.cluster, "up");
  ids.sd = await post(
    "storagedomains",
    "<storage_domain><name>ad_data</name><type>data</type><host><name>calvin</name></host>" +
      "<storage><type>nfs</type><address>depot.lab</address><path>/exports/ad</path></storage></storage_domain>",
    "storage_domain",
  );
  await api.post(`datacenters/${ids.dc}/storagedomains`, `<storage_domain id="${ids.sd}"/>`);
  await until(api, `datacenters/${ids.dc}/storagedomains/${ids.sd}`, statusIs("active"));
  ids.network = await post(
    "networks",
    `<network><name>ad_net</name><description>made by hand</description><data_center id="${ids.dc}"/></network>`,
    "network",
  );
  ids.profile = await post(
    "vnicprofiles",
    `<vnic_profile><name>ad_prof</name><description>made by hand</description><network id="${ids.network}"/></vnic_profile>`,
    "vnic_profile",
  );
  ids.vm = await post(
    "vms",
    `<vm><name>ad_vm</name><description>made by hand</description><memory>1073741824</memory>` +
      `<cluster id="${ids.cluster}"/><template><name>Blank</name></template></vm>`,
    "vm",
  );
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
});

describe("adopt takes over what exists with zero write requests", () => {
  test("data center: id, engine's values in the outputs, adopted: true, said in the log", async () => {
    const r = await adopt("datacenter", {
      name: "ad_dc",
      description: "wanted",
      compatibilityVersion: "4.4",
    });
    expect(r.writes).toEqual([]);
    expect(r.id).toBe(ids.dc);
    expect(r.outs).toMatchObject({ adopted: true, adopt: true, description: "made by hand" });
    expect(log.infos.some((l) => l.includes(`adopting existing data center ${ids.dc}`))).toBe(true);
    // The next preview shows what `up` would change: the description.
    const d = await r.p.diff(r.id, r.outs, r.inputs);
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([]);
  });

  test("cluster: differing fields are not written; the next update writes them and keeps adopted", async () => {
    const r = await adopt("cluster", { name: "ad_cl", dataCenterId: ids.dc, description: "wanted" });
    expect(r.writes).toEqual([]);
    expect(r.id).toBe(ids.cluster);
    expect(r.outs).toMatchObject({ adopted: true, description: "made by hand" });
    const read = await r.p.read(r.id, r.outs);
    expect(read.props).toMatchObject({ adopted: true, description: "made by hand" });
    const from = engine.requests().length;
    const updated = await r.p.update(r.id, r.outs, r.inputs);
    expect(writesSince(engine, from).map((w) => w.method)).toEqual(["PUT"]);
    expect(updated.outs).toMatchObject({ adopted: true, description: "wanted" });
  });

  test("host: taken over whatever its status, no activate or reinstall", async () => {
    const r = await adopt("host", {
      name: "calvin",
      address: "calvin.lab",
      clusterId: ids.cluster,
      rootPassword: "unused-pw",
      comment: "wanted",
    });
    expect(r.writes).toEqual([]);
    expect(r.id).toBe(ids.host);
    expect(r.outs.adopted).toBe(true);
  });

  test("storage domain, network and vNIC profile", async () => {
    const sd = await adopt("storagedomain", {
      name: "ad_data",
      type: "data",
      storage: { type: "nfs", address: "depot.lab", path: "/exports/ad" },
      hostName: "calvin",
      dataCenterId: ids.dc,
      warningLowSpace: 25,
    });
    expect(sd.writes).toEqual([]);
    expect(sd.id).toBe(ids.sd);
    expect(sd.outs).toMatchObject({ adopted: true, status: "active" });
    const net = await adopt("network", {
      name: "ad_net",
      dataCenterId: ids.dc,
      description: "wanted",
      mtu: 9000,
    });
    expect(net.writes).toEqual([]);
    expect(net.id).toBe(ids.network);
    expect(net.outs).toMatchObject({ adopted: true, description: "made by hand" });
    expect((await net.p.diff(net.id, net.outs, net.inputs)).changes).toBe(true);
    const prof = await adopt("vnicprofile", {
      name: "ad_prof",
      networkId: ids.network,
      description: "wanted",
    });
    expect(prof.writes).toEqual([]);
    expect(prof.id).toBe(ids.profile);
    expect(prof.outs).toMatchObject({ adopted: true, description: "made by hand" });
  });

  test("VM: stopped VM stays stopped, memory is the engine's, no NIC or disk is added", async () => {
    const r = await adopt("vm", {
      name: "ad_vm",
      clusterId: ids.cluster,
      memoryMiB: 2048,
      description: "wanted",
      runState: "running",
    });
    expect(r.writes).toEqual([]);
    expect(r.id).toBe(ids.vm);
    expect(r.outs).toMatchObject({ adopted: true, memoryMiB: 1024, runState: "stopped", status: "down" });
    const d = await r.p.diff(r.id, r.outs, r.inputs);
    expect(d.changes).toBe(true);
    expect(d.replaces).toEqual([]);
  });
});

describe("around adopt", () => {
  test("a missing object fails naming kind, name and engine, and nothing is created", async () => {
    const from = engine.requests().length;
    const err = await rejection(adopt("cluster", { name: "no_such_cl", dataCenterId: ids.dc }));
    expect(err.message).toContain('adopt: no cluster named no_such_cl on engine "target"');
    const vmErr = await rejection(adopt("vm", { name: "no_such_vm", clusterId: ids.cluster }));
    expect(vmErr.message).toContain('adopt: no VM named no_such_vm on engine "target"');
    expect(writesSince(engine, from)).toEqual([]);
    const posts = requestsSince(engine, from).filter((r) => r.method === "POST" && r.path.includes("/api/"));
    expect(posts).toEqual([]);
  });

  test("check refuses a non-boolean adopt naming the field; toggling adopt later is not a change", async () => {
    const p = provider("network");
    const bad = await p.check({}, { engine: "target", name: "x", dataCenterId: ids.dc, adopt: "yes" });
    expect(bad.failures).toEqual([
      { property: "adopt", reason: 'network "x": adopt "yes" must be true or false' },
    ]);
    const olds = { engine: "target", name: "ad_net", dataCenterId: ids.dc, adopt: true, adopted: true };
    const { adopt: _a, ...without } = olds;
    for (const news of [without, { ...without, adopt: false }]) {
      const d = await p.diff(ids.network, olds, news);
      expect(d.changes).toBe(false);
    }
  });

  test("deleting an adopted object removes it like any other", async () => {
    const r = await adopt("vnicprofile", { name: "ad_prof", networkId: ids.network });
    await r.p.delete(r.id, r.outs);
    expect((await api.get(`vnicprofiles/${ids.profile}`)).status).toBe(404);
  });
});
