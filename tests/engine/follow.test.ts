// `?follow=` (API-NOTES 1.3): references, lists of references and sub-collection links inlined, on
// an entity and on every entity of a list, nested with dots, the same in XML and JSON; the rest of
// the answer is unchanged.
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, startInProcess } from "./support/engine";

type Obj = Record<string, unknown>;

let engine: RunningEngine;
let api: ApiClient;
let dcId: string;
let clusterId: string;

beforeAll(async () => {
  engine = await startInProcess("4.4");
  api = await ApiClient.connect(engine);
  const dc = await api.post(
    "datacenters",
    "<data_center><name>follow-dc</name><local>false</local><description>followed</description></data_center>",
  );
  dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>follow-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  clusterId = String(entityOf(cl, "cluster").id);
});

afterAll(async () => {
  await engine?.close();
});

const json = async (path: string): Promise<Obj> => {
  const res = await api.as("json").get(path);
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Obj;
};

describe("follow", () => {
  test("a reference is replaced by the object, in JSON", async () => {
    const plain = await json(`clusters/${clusterId}`);
    expect(plain.data_center).toEqual({ href: `/ovirt-engine/api/datacenters/${dcId}`, id: dcId });
    const got = await json(`clusters/${clusterId}?follow=data_center`);
    const dc = got.data_center as Obj;
    expect(dc).toMatchObject({
      id: dcId,
      name: "follow-dc",
      description: "followed",
      status: "uninitialized",
    });
    // Exactly what GET of the href answers.
    expect(dc).toEqual(await json(`datacenters/${dcId}`));
    // Nothing else changes.
    expect({ ...got, data_center: undefined }).toEqual({ ...plain, data_center: undefined });
  });

  test("the same in XML, under the attribute's element name", async () => {
    const res = await api.get(`clusters/${clusterId}?follow=data_center`);
    expect(res.body).toMatch(
      new RegExp(
        `<data_center href="/ovirt-engine/api/datacenters/${dcId}" id="${dcId}">[\\s\\S]*<name>follow-dc</name>`,
      ),
    );
    const plain = await api.get(`clusters/${clusterId}`);
    expect(plain.body).toContain(`<data_center href="/ovirt-engine/api/datacenters/${dcId}" id="${dcId}"/>`);
  });

  test("a sub-collection link is inlined under its attribute name (snake_case), the link stays", async () => {
    const got = await json(`datacenters/${dcId}?follow=clusters,networks`);
    expect(((got.clusters as Obj).cluster as Obj[]).map((c) => c.name)).toEqual(["follow-cl"]);
    expect(((got.networks as Obj).network as Obj[]).map((n) => n.name)).toContain("ovirtmgmt");
    expect((got.link as Obj[]).map((l) => l.rel)).toContain("clusters");
    const xml = (await api.get(`datacenters/${dcId}?follow=clusters`)).body;
    expect(xml).toMatch(/<clusters>\s*<cluster href="[^"]+" id="[^"]+">[\s\S]*<name>follow-cl<\/name>/);
  });

  test("nested paths follow into what was inlined; on a list every item gets it", async () => {
    const got = await json(`datacenters?follow=clusters.data_center&search=name%3Dfollow-dc`);
    const dcs = got.data_center as Obj[];
    expect(dcs).toHaveLength(1);
    const cl = ((dcs[0].clusters as Obj).cluster as Obj[])[0];
    expect((cl.data_center as Obj).name).toBe("follow-dc");
    const all = await json(`clusters?follow=data_center`);
    for (const c of all.cluster as Obj[]) expect((c.data_center as Obj).name).toEqual(expect.any(String));
  });

  test("a list of references is resolved item by item (network_filter-less: networks in a cluster)", async () => {
    const got = await json(`clusters/${clusterId}?follow=networks.data_center`);
    const nets = (got.networks as Obj).network as Obj[];
    expect(nets.map((n) => n.name)).toEqual(["ovirtmgmt"]);
    expect((nets[0].data_center as Obj).name).toBe("follow-dc");
  });

  test("unknown names and a blank follow change nothing", async () => {
    const plain = await json(`clusters/${clusterId}`);
    expect(await json(`clusters/${clusterId}?follow=no_such_thing`)).toEqual(plain);
    expect(await json(`clusters/${clusterId}?follow=`)).toEqual(plain);
  });

  test("v4 URLs inline v4 hrefs", async () => {
    const res = await api.call("GET", `../api/v4/clusters/${clusterId}?follow=data_center`, undefined, {
      accept: "application/json",
    });
    const got = JSON.parse(res.body) as Obj;
    expect((got.data_center as Obj).href).toBe(`/ovirt-engine/api/v4/datacenters/${dcId}`);
    expect((got.data_center as Obj).name).toBe("follow-dc");
  });
});
