// The engine's renderings have the shape of captured engine responses (../shared/ovirt/samples):
// the same element paths and attributes, values aside. Differences a personality is known to have
// (model_4.4 members) are listed exactly, so any other drift fails with the offending paths.
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, sample, startInProcess } from "./support/engine";
import { compareShapes, jsonShape, subShape, xmlShape } from "./support/structure";

const DC_44_EXTRA = ["actions", "actions/link", "actions/link/href", "actions/link/rel"];
const CLUSTER_44_EXTRA = ["bios_type", "fips_mode", "migration/encrypted", "vnc_encryption"];
/** clusters.json is a documentation example; the captured XML (a real 4.3 engine) has these too. */
const CLUSTER_JSON_DOC_LACKS = [
  "comment",
  "log_max_memory_used_threshold",
  "log_max_memory_used_threshold_type",
];

describe("structural comparison helper", () => {
  test("reports missing and extra paths", () => {
    const xml = sample("datacenter.xml");
    const mutated = xml
      .replace("<local>false</local>", "<locale>false</locale>")
      .replace('rel="clusters"', 'role="clusters"');
    const diff = compareShapes(xmlShape(xml), xmlShape(mutated));
    expect(diff.missing).toEqual(["local"]);
    expect(diff.extra).toEqual(["link/role", "locale"]);
  });

  test("maps XML and JSON onto the same paths", () => {
    const xml =
      '<cluster href="/c/1" id="1"><name>a</name><link href="/x" rel="x"/><link href="/y" rel="y"/></cluster>';
    const json = {
      href: "/c/1",
      id: "1",
      name: "a",
      link: [
        { href: "/x", rel: "x" },
        { href: "/y", rel: "y" },
      ],
    };
    expect(compareShapes(xmlShape(xml), jsonShape(json))).toEqual({ missing: [], extra: [] });
  });
});

describe.each(["4.3", "4.4"] as const)("%s engine renders like a real engine", (version) => {
  let engine: RunningEngine;
  let api: ApiClient;
  let dcId: string;
  let clusterId: string;
  const model44 = version === "4.4";

  beforeAll(async () => {
    engine = await startInProcess(version);
    api = await ApiClient.connect(engine);
    const dc = await api.post(
      "datacenters",
      "<data_center><name>depot-dc</name><local>false</local><storage_format>v5</storage_format></data_center>",
    );
    expect(dc.status).toBe(201);
    dcId = (dc.parsed().data_center as Record<string, string>)["@id"];
    const cl = await api.post(
      "clusters",
      `<cluster><name>depot-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
    );
    expect(cl.status).toBe(201);
    clusterId = (cl.parsed().cluster as Record<string, string>)["@id"];
  });

  afterAll(async () => {
    await engine?.close();
  });

  test("data center has the shape of samples/datacenter.xml", async () => {
    const res = await api.get(`datacenters/${dcId}`);
    const diff = compareShapes(xmlShape(sample("datacenter.xml")), xmlShape(res.body));
    expect(diff).toEqual({ missing: [], extra: model44 ? DC_44_EXTRA : [] });
  });

  test("cluster has the shape of samples/cluster.xml", async () => {
    const res = await api.get(`clusters/${clusterId}`);
    const diff = compareShapes(xmlShape(sample("cluster.xml")), xmlShape(res.body));
    expect(diff).toEqual({ missing: [], extra: model44 ? CLUSTER_44_EXTRA : [] });
  });

  test("cluster list in JSON has the shape of samples/clusters.json", async () => {
    const res = await api.as("json").get("clusters?search=name%3Ddepot-cl");
    const diff = compareShapes(jsonShape(sample("clusters.json")), jsonShape(res.body));
    const extra = [...CLUSTER_JSON_DOC_LACKS, ...(model44 ? CLUSTER_44_EXTRA : [])]
      .map((p) => `cluster/${p}`)
      .sort();
    expect(diff).toEqual({ missing: [], extra });
  });

  test.each([
    ["the API root", ""],
    ["a data center", "datacenters/DC"],
    ["a cluster", "clusters/CL"],
    ["the data center collection", "datacenters"],
    ["the cluster collection", "clusters"],
  ])("JSON and XML of %s agree", async (_what, p) => {
    const path = p.replace("DC", dcId).replace("CL", clusterId);
    const xml = await api.get(path);
    const json = await api.as("json").get(path);
    expect(json.status).toBe(200);
    expect(compareShapes(xmlShape(xml.body), jsonShape(json.body))).toEqual({ missing: [], extra: [] });
  });

  test("JSON carries booleans and 32-bit integers as strings, an empty collection as {}", async () => {
    const json = api.as("json");
    const cl = (await json.get(`clusters/${clusterId}`)).parsed();
    expect(cl.ballooning_enabled).toBe("true");
    expect(cl.version).toEqual({
      major: version.split(".")[0],
      minor: expect.stringMatching(/^\d+$/) as string,
    });
    expect((cl.memory_policy as { over_commit: { percent: unknown } }).over_commit.percent).toBe("100");
    const root = (await json.get("")).parsed();
    expect(typeof root.time).toBe("number");
    const empty = await json.get("clusters?search=name%3Dno-such-cluster");
    expect(JSON.parse(empty.body)).toEqual({});
  });

  test("an element's sub-shape is the same in a collection and alone", async () => {
    const alone = xmlShape((await api.get(`clusters/${clusterId}`)).body);
    const inList = subShape(xmlShape((await api.get("clusters?search=name%3Ddepot-cl")).body), "cluster");
    expect(compareShapes(alone, inList)).toEqual({ missing: [], extra: [] });
  });
});
