// The network and vNIC profile providers' methods called directly against a fresh embedded engine:
// lifecycle, cluster assignment as part of the network, adopt after a crash, refresh drift, checks.
import type { KindProvider } from "../../providers/core/base";
import { clusterId } from "../../providers/ovirt/clusters";
import { newOperation } from "../../providers/ovirt/context";
import { dataCenterId } from "../../providers/ovirt/datacenters";
import { setLogger } from "../../providers/ovirt/log";
import { networkId } from "../../providers/ovirt/networks";
import { clientFor, resetRegistry } from "../../providers/ovirt/registry";
import { vnicProfileId } from "../../providers/ovirt/vnicprofiles";
import { configure, provider } from "../../providers/runtime";
import { getJson, list } from "../helpers/engine-api";
import {
  access,
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  rejection,
  requestsSince,
  uniqueName,
  type Engine,
} from "./support";

type Obj = Record<string, unknown>;

const dcs = provider("datacenter");
const clusters = provider("cluster");
const networks = provider("network");
const profiles = provider("vnicprofile");
const log = captureLogger();
let engine: Engine;
let dc1 = "";
let dc2 = "";
let cl1 = "";
let cl2 = "";

async function up(p: KindProvider, news: Obj) {
  const checked = await p.check({}, news);
  expect(checked.failures).toBeUndefined();
  const inputs = checked.inputs as Obj;
  const created = await p.create(inputs);
  return { ...created, inputs, outs: created.outs as Obj };
}

beforeAll(async () => {
  engine = await freshEngine("4.4");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(log);
  dc1 = (await up(dcs, { engine: "target", name: uniqueName("net_dc") })).id;
  dc2 = (await up(dcs, { engine: "target", name: uniqueName("net_dc") })).id;
  cl1 = (await up(clusters, { engine: "target", name: uniqueName("net_cl"), dataCenterId: dc1 })).id;
  cl2 = (await up(clusters, { engine: "target", name: uniqueName("net_cl"), dataCenterId: dc1 })).id;
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
});

const ctx = () => newOperation("test", 30_000);
const inDc = async (dc: string, name: string) =>
  (await list(access(engine), `datacenters/${dc}/networks`, "network")).filter((n) => n.name === name);
/** The engine's own view of which clusters have a network, and whether it is required there. */
const assigned = async (id: string) => {
  const out: Array<{ clusterId: string; required: string }> = [];
  for (const c of [cl1, cl2]) {
    const n = (await list(access(engine), `clusters/${c}/networks`, "network")).find((x) => x.id === id);
    if (n) out.push({ clusterId: c, required: String(n.required) });
  }
  return out;
};
const sorted = (ids: string[]) => [...ids].sort();

test("create makes one network with every input, its default profile and its cluster assignment", async () => {
  const name = uniqueName("lab");
  const res = await up(networks, {
    engine: "target",
    name,
    dataCenterId: dc1,
    description: "lab VLAN",
    comment: "tagged",
    vlanId: 42,
    mtu: 9000,
    vmNetwork: true,
    stp: true,
    clusters: [{ clusterId: cl1, required: false }],
  });
  const found = await inDc(dc1, name);
  expect(found).toHaveLength(1);
  expect(found[0].id).toBe(res.id);
  expect(found[0]).toMatchObject({
    description: "lab VLAN",
    comment: "tagged",
    vlan: { id: "42" },
    mtu: "9000",
    stp: "true",
    usages: { usage: ["vm"] },
  });
  expect(await assigned(res.id)).toEqual([{ clusterId: cl1, required: "false" }]);
  const profs = await list(access(engine), `networks/${res.id}/vnicprofiles`, "vnic_profile");
  expect(profs.map((p) => p.name)).toEqual([name]);
  expect(res.outs).toMatchObject(res.inputs);
  expect(res.outs.vdsmName).toBeDefined();
});

test("read returns what create stored: a refresh shows no change", async () => {
  const res = await up(networks, {
    engine: "target",
    name: uniqueName("n"),
    dataCenterId: dc1,
    vlanId: 7,
    clusters: [{ clusterId: cl2 }, { clusterId: cl1 }],
  });
  // Defaults filled and the list in one order.
  expect(res.inputs.clusters).toEqual(sorted([cl1, cl2]).map((clusterId) => ({ clusterId, required: true })));
  const r = await networks.read(res.id, { ...res.outs, __provider: "shim" });
  expect(r.id).toBe(res.id);
  expect(r.props).toEqual(res.outs);
  expect(r.inputs).toEqual(res.inputs);
  expect(await networks.diff(res.id, r.props, res.inputs)).toMatchObject({ changes: false });
});

test("cluster assignment is diffed and applied in place: attach, required, detach", async () => {
  const res = await up(networks, {
    engine: "target",
    name: uniqueName("n"),
    dataCenterId: dc1,
    clusters: [{ clusterId: cl1, required: false }],
  });
  let news: Obj = { ...res.inputs, clusters: [{ clusterId: cl1 }, { clusterId: cl2, required: false }] };
  news = (await networks.check({}, news)).inputs as Obj;
  expect(await networks.diff(res.id, res.outs, news)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  const u = await networks.update(res.id, res.outs, news);
  expect(sorted((await assigned(res.id)).map((a) => `${a.clusterId}:${a.required}`))).toEqual(
    sorted([`${cl1}:true`, `${cl2}:false`]),
  );
  expect(u.outs).toMatchObject({ clusters: news.clusters });

  const fewer = (await networks.check({}, { ...news, clusters: [{ clusterId: cl2, required: false }] }))
    .inputs as Obj;
  await networks.update(res.id, u.outs, fewer);
  expect(await assigned(res.id)).toEqual([{ clusterId: cl2, required: "false" }]);
  // The network itself stays.
  expect(await getJson(access(engine), `networks/${res.id}`)).toBeDefined();
});

test("vlan, mtu, description and name change in place with one PUT of the network", async () => {
  const res = await up(networks, { engine: "target", name: uniqueName("n"), dataCenterId: dc1, vlanId: 10 });
  const newName = uniqueName("n_renamed");
  const news = { ...res.inputs, name: newName, vlanId: 11, mtu: 1500, description: "v2" };
  expect(await networks.diff(res.id, res.outs, news)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  const from = engine.requests().length;
  const u = await networks.update(res.id, res.outs, news);
  expect(requestsSince(engine, from).filter((r) => r.method === "PUT")).toHaveLength(1);
  expect(await getJson(access(engine), `networks/${res.id}`)).toMatchObject({
    name: newName,
    vlan: { id: "11" },
    mtu: "1500",
    description: "v2",
  });
  expect(u.outs).toMatchObject({ name: newName, vlanId: 11, mtu: 1500 });
});

test("another data center is a replacement, the old network deleted first", async () => {
  const name = uniqueName("n");
  const res = await up(networks, { engine: "target", name, dataCenterId: dc1 });
  const news = { ...res.inputs, dataCenterId: dc2 };
  expect(await networks.diff(res.id, res.outs, news)).toEqual({
    changes: true,
    replaces: ["dataCenterId"],
    deleteBeforeReplace: true,
  });
  await networks.delete(res.id, res.outs);
  const created = await networks.create(news);
  expect(created.id).not.toBe(res.id);
  expect(await inDc(dc1, name)).toHaveLength(0);
  expect(await inDc(dc2, name)).toHaveLength(1);
});

test("create after a crash adopts the half-made network and attaches its clusters", async () => {
  const name = uniqueName("n");
  // What a crash between the POST and the cluster attachment leaves behind.
  const made = await clientFor("target").networks.add(ctx(), { name, data_center: { id: dc1 }, mtu: 1500 });
  const res = await up(networks, {
    engine: "target",
    name,
    dataCenterId: dc1,
    mtu: 9000,
    clusters: [{ clusterId: cl2 }],
  });
  expect(res.id).toBe(made.id);
  expect(await inDc(dc1, name)).toHaveLength(1);
  expect(await assigned(res.id)).toEqual([{ clusterId: cl2, required: "true" }]);
  expect((await getJson(access(engine), `networks/${res.id}`))?.mtu).toBe("9000");
  expect(log.infos.some((m) => m.includes(`adopting the existing network ${res.id}`))).toBe(true);
});

test("a network of the same name in another data center is another network", async () => {
  const name = uniqueName("n");
  const theirs = await clientFor("target").networks.add(ctx(), { name, data_center: { id: dc2 } });
  const res = await up(networks, { engine: "target", name, dataCenterId: dc1 });
  expect(res.id).not.toBe(theirs.id);
  expect(await inDc(dc1, name)).toHaveLength(1);
  expect(await inDc(dc2, name)).toHaveLength(1);
});

test("refresh after drift made through the API shows it, and the next diff puts it back", async () => {
  const res = await up(networks, {
    engine: "target",
    name: uniqueName("n"),
    dataCenterId: dc1,
    vlanId: 20,
    clusters: [{ clusterId: cl1 }],
  });
  const client = clientFor("target");
  await client.networks.update(ctx(), networkId(res.id), { vlan: { id: 21 }, description: "edited" });
  await client.networks.attachToCluster(ctx(), clusterId(cl2), networkId(res.id), { required: false });
  const r = await networks.read(res.id, res.outs);
  expect(r.props).toMatchObject({
    vlanId: 21,
    clusters: sorted([cl1, cl2]).map((c) => ({ clusterId: c, required: c === cl1 })),
  });
  expect(await networks.diff(res.id, r.props, res.inputs)).toMatchObject({ changes: true, replaces: [] });
  await networks.update(res.id, r.props, res.inputs);
  expect(await assigned(res.id)).toEqual([{ clusterId: cl1, required: "true" }]);
  expect((await getJson(access(engine), `networks/${res.id}`))?.vlan).toEqual({ id: "20" });
});

test("check names the field and the value, before any request", async () => {
  const from = engine.requests().length;
  const bad = await networks.check(
    {},
    {
      engine: "target",
      name: "bond7",
      dataCenterId: dc1,
      vlanId: 4095,
      mtu: 50,
      vmNetwork: false,
      stp: true,
      clusters: [{ clusterId: cl1 }, { clusterId: cl1 }],
    },
  );
  const reasons = (bad.failures ?? []).map((f) => `${f.property}: ${f.reason}`);
  expect(reasons).toEqual(
    expect.arrayContaining([
      `name: network "bond7": name "bond7" must not start with 'bond' (the engine refuses it)`,
      `vlanId: network "bond7": vlanId 4095 is not an integer between 0 and 4094`,
      `mtu: network "bond7": mtu 50 must be 0 (the default) or an integer between 68 and 9000`,
      `clusters.1.clusterId: network "bond7": clusters.1.clusterId "${cl1}" is listed twice`,
    ]),
  );
  const stp = await networks.check(
    {},
    { engine: "target", name: "s", dataCenterId: dc1, vmNetwork: false, stp: true },
  );
  expect(stp.failures?.map((f) => f.reason)).toEqual([
    'network "s": stp true can only be true on a VM network (vmNetwork is false)',
  ]);
  const okMtu = await networks.check(
    {},
    { engine: "target", name: "m", dataCenterId: dc1, mtu: 0, vlanId: 0 },
  );
  expect(okMtu.failures).toBeUndefined();
  expect(requestsSince(engine, from)).toEqual([]);
});

test("delete, then read says gone and a second delete is fine", async () => {
  const res = await up(networks, { engine: "target", name: uniqueName("n"), dataCenterId: dc1 });
  await networks.delete(res.id, res.outs);
  expect(await getJson(access(engine), `networks/${res.id}`)).toBeUndefined();
  expect(await networks.read(res.id, res.outs)).toEqual({ id: "" });
  await expect(networks.delete(res.id, res.outs)).resolves.toBeUndefined();
});

test("the engine's refusal reaches the user with its text (ovirtmgmt's name is taken)", async () => {
  const dcName = (await getJson<Obj>(access(engine), `datacenters/${dc2}`))?.name;
  expect(dcName).toBeDefined();
  // The name is in use in dc2 by ovirtmgmt: create adopts only within its data center, and a rename
  // onto it is refused by the engine.
  const res = await up(networks, { engine: "target", name: uniqueName("n"), dataCenterId: dc2 });
  const err = await rejection(networks.update(res.id, res.outs, { ...res.inputs, name: "ovirtmgmt" }));
  expect(err.message).toContain(
    "The name of the logical network 'ovirtmgmt' is already used by an existing logical network in the same data-center.",
  );
});

describe("vNIC profiles", () => {
  let net = "";
  let netName = "";
  let other = "";

  beforeAll(async () => {
    netName = uniqueName("pnet");
    net = (await up(networks, { engine: "target", name: netName, dataCenterId: dc1 })).id;
    other = (await up(networks, { engine: "target", name: uniqueName("pnet"), dataCenterId: dc1 })).id;
  });

  const onNetwork = async (id: string) => list(access(engine), `networks/${id}/vnicprofiles`, "vnic_profile");

  test("create, read returns the inputs, update in place", async () => {
    const res = await up(profiles, {
      engine: "target",
      name: "mirror",
      networkId: net,
      description: "IDS tap",
      portMirroring: true,
    });
    const live = (await onNetwork(net)).find((p) => p.name === "mirror");
    expect(live).toMatchObject({ id: res.id, description: "IDS tap", port_mirroring: "true" });
    const r = await profiles.read(res.id, res.outs);
    expect(r.props).toEqual(res.outs);
    expect(r.inputs).toEqual(res.inputs);
    const news = { ...res.inputs, portMirroring: false, description: "plain" };
    expect(await profiles.diff(res.id, res.outs, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    await profiles.update(res.id, res.outs, news);
    expect(await getJson(access(engine), `vnicprofiles/${res.id}`)).toMatchObject({
      description: "plain",
      port_mirroring: "false",
    });
  });

  test("another network is a replacement; the same name there is another profile", async () => {
    const res = await up(profiles, { engine: "target", name: "moving", networkId: net });
    const news = { ...res.inputs, networkId: other };
    expect(await profiles.diff(res.id, res.outs, news)).toMatchObject({ replaces: ["networkId"] });
    const created = await profiles.create(news);
    expect(created.id).not.toBe(res.id);
    expect((await onNetwork(other)).filter((p) => p.name === "moving")).toHaveLength(1);
    expect((await onNetwork(net)).filter((p) => p.name === "moving")).toHaveLength(1);
  });

  test("create adopts the profile the engine made with the network, and after a crash", async () => {
    const auto = (await onNetwork(net)).find((p) => p.name === netName);
    expect(auto).toBeDefined();
    const res = await up(profiles, { engine: "target", name: netName, networkId: net, portMirroring: true });
    expect(res.id).toBe(auto!.id);
    expect((await onNetwork(net)).filter((p) => p.name === netName)).toHaveLength(1);
    expect((await getJson(access(engine), `vnicprofiles/${res.id}`))?.port_mirroring).toBe("true");

    const made = await clientFor("target").vnicprofiles.add(ctx(), { name: "half", network: { id: net } });
    const again = await up(profiles, { engine: "target", name: "half", networkId: net, description: "done" });
    expect(again.id).toBe(made.id);
    expect((await getJson(access(engine), `vnicprofiles/${made.id!}`))?.description).toBe("done");
  });

  test("refresh shows drift made through the API", async () => {
    const res = await up(profiles, { engine: "target", name: "drift", networkId: net, portMirroring: false });
    await clientFor("target").vnicprofiles.update(ctx(), vnicProfileId(res.id), { port_mirroring: true });
    const r = await profiles.read(res.id, res.outs);
    expect(r.props?.portMirroring).toBe(true);
    expect(await profiles.diff(res.id, r.props, res.inputs)).toMatchObject({ changes: true });
  });

  test("check refuses pass-through with port mirroring, naming the field", async () => {
    const bad = await profiles.check(
      {},
      { engine: "target", name: "pt", networkId: net, passThrough: true, portMirroring: true },
    );
    expect(bad.failures).toEqual([
      {
        property: "portMirroring",
        reason:
          'vNIC profile "pt": portMirroring true cannot be true on a pass-through profile (passThrough is true)',
      },
    ]);
    const empty = await profiles.check({}, { engine: "target", name: "", networkId: net });
    expect(empty.failures?.map((f) => f.reason)).toEqual(['vNIC profile "": name "" must not be empty']);
  });

  test("a pass-through profile; delete, then gone", async () => {
    const res = await up(profiles, { engine: "target", name: "sriov", networkId: net, passThrough: true });
    expect(await getJson(access(engine), `vnicprofiles/${res.id}`)).toMatchObject({
      pass_through: { mode: "enabled" },
    });
    expect(res.outs.networkFilterId).toBeUndefined();
    await profiles.delete(res.id, res.outs);
    expect(await profiles.read(res.id, res.outs)).toEqual({ id: "" });
  });

  test("the client lists a network's profiles and a data center's networks", async () => {
    const client = clientFor("target");
    expect((await client.vnicprofiles.listForNetwork(ctx(), networkId(net))).map((p) => p.name)).toContain(
      netName,
    );
    expect((await client.networks.listInDataCenter(ctx(), dataCenterId(dc1))).map((n) => n.id)).toContain(
      net,
    );
  });
});

test("a network whose clusters are not managed costs no cluster reads, and refresh does not add them", async () => {
  const res = await up(networks, { engine: "target", name: uniqueName("n"), dataCenterId: dc1 });
  await clientFor("target").networks.attachToCluster(ctx(), clusterId(cl1), networkId(res.id));
  const from = engine.requests().length;
  const r = await networks.read(res.id, res.outs);
  expect(requestsSince(engine, from).map((q) => `${q.method} ${q.path.split("?")[0]}`)).toEqual([
    `GET /ovirt-engine/api/networks/${res.id}`,
  ]);
  expect(r.props).toEqual(res.outs);
  expect(r.props?.clusters).toBeUndefined();
});
