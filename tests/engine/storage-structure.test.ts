// Storage-domain renderings have the shape of captured engine responses: the top-level collection
// (samples/storagedomains.xml), an attached domain at the top level (storage_domain_attached_toplevel.xml)
// and the per-data-center view (datacenter_storagedomains.xml from 4.3, _el8.xml from a 4.4+ engine).
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, sample, startInProcess, tempStateDir } from "./support/engine";
import { compareShapes, jsonShape, subShape, xmlShape } from "./support/structure";
import { addHost, dataPlaneOf, statusIs, until } from "./storage-fixtures";

const nfs = (name: string, exportPath: string, type: string) =>
  `<storage_domain><name>${name}</name><type>${type}</type><host><name>h1</name></host>` +
  `<storage><type>nfs</type><address>depot.lab</address><path>${exportPath}</path></storage></storage_domain>`;

describe.each(["4.3", "4.4"] as const)("%s engine storage domains render like a real engine", (version) => {
  let engine: RunningEngine;
  let api: ApiClient;
  let dcId: string;
  let dataId: string;

  beforeAll(async () => {
    const stateDir = tempStateDir(`sds-${version}`);
    engine = await startInProcess(version, stateDir);
    api = await ApiClient.connect(engine);
    const dc = await api.post(
      "datacenters",
      "<data_center><name>depot</name><local>false</local></data_center>",
    );
    dcId = String(entityOf(dc, "data_center").id);
    const cl = await api.post(
      "clusters",
      `<cluster><name>depot-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
    );
    await addHost(api, dataPlaneOf(stateDir), "h1", String(entityOf(cl, "cluster").id));
    for (const [name, p, type] of [
      ["depot-data1", "/exports/data1", "data"],
      ["iso", "/exports/ISO", "iso"],
    ]) {
      const res = await api.post("storagedomains", nfs(name, p, type));
      expect(res.status).toBe(201);
      const id = String(entityOf(res, "storage_domain").id);
      if (type === "data") dataId = id;
      expect(
        (await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${id}"/>`)).status,
      ).toBe(201);
      await until(api, `datacenters/${dcId}/storagedomains/${id}`, statusIs("active"));
    }
  });

  afterAll(async () => {
    await engine?.close();
  });

  test("an attached domain at the top level has the shape of storage_domain_attached_toplevel.xml", async () => {
    const res = await api.get(`storagedomains/${dataId}`);
    expect(
      compareShapes(xmlShape(sample("storage_domain_attached_toplevel.xml")), xmlShape(res.body)),
    ).toEqual({
      missing: [],
      extra: [],
    });
  });

  test("the collection has the shape of storagedomains.xml (data and ISO domains)", async () => {
    const res = await api.get("storagedomains");
    const expected = subShape(xmlShape(sample("storagedomains.xml")), "storage_domain");
    const actual = subShape(xmlShape(res.body), "storage_domain");
    expect(compareShapes(expected, actual)).toEqual({ missing: [], extra: [] });
  });

  test.each(["datacenter_storagedomains.xml", "datacenter_storagedomains_el8.xml"])(
    "the data center's view has the shape of %s",
    async (file) => {
      const res = await api.get(`datacenters/${dcId}/storagedomains`);
      const expected = subShape(xmlShape(sample(file)), "storage_domain");
      expect(compareShapes(expected, subShape(xmlShape(res.body), "storage_domain"))).toEqual({
        missing: [],
        extra: [],
      });
    },
  );

  test("JSON has the same paths as XML", async () => {
    const xml = await api.get(`datacenters/${dcId}/storagedomains/${dataId}`);
    const json = await api.as("json").get(`datacenters/${dcId}/storagedomains/${dataId}`);
    expect(compareShapes(xmlShape(xml.body), jsonShape(json.body))).toEqual({ missing: [], extra: [] });
  });
});
