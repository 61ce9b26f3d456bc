// Clusters over HTTP in XML and JSON: CRUD (top level and under a data center), per-personality
// levels, and the engine's exact faults, including the remove rules for hosts and VMs.
import path from "node:path";
import Database from "better-sqlite3";
import type { RunningEngine } from "../../simulator/engine";
import { SETUP_IDS } from "../../simulator/setup";
import {
  ApiClient,
  entityOf,
  faultOf,
  refId,
  startInProcess,
  tempStateDir,
  type Format,
} from "./support/engine";

type Obj = Record<string, unknown>;

/** A cluster body in either format from a few common members. */
function clusterBody(
  format: Format,
  f: { name?: string; dc?: { id?: string; name?: string }; level?: string; description?: string },
) {
  const [major, minor] = f.level?.split(".") ?? [];
  if (format === "json") {
    return JSON.stringify({
      ...(f.name !== undefined ? { name: f.name } : {}),
      ...(f.description !== undefined ? { description: f.description } : {}),
      ...(f.dc ? { data_center: f.dc } : {}),
      ...(f.level ? { version: { major, minor } } : {}),
    });
  }
  return (
    "<cluster>" +
    (f.name !== undefined ? `<name>${f.name}</name>` : "") +
    (f.description !== undefined ? `<description>${f.description}</description>` : "") +
    (f.dc?.id
      ? `<data_center id="${f.dc.id}"/>`
      : f.dc?.name
        ? `<data_center><name>${f.dc.name}</name></data_center>`
        : "") +
    (f.level ? `<version><major>${major}</major><minor>${minor}</minor></version>` : "") +
    "</cluster>"
  );
}

describe.each(["xml", "json"] as const)("clusters in %s", (format) => {
  let engine: RunningEngine;
  let api: ApiClient;
  const stateDir = tempStateDir(`clusters-${format}`);
  const body = (f: Parameters<typeof clusterBody>[1]) => clusterBody(format, f);

  beforeAll(async () => {
    engine = await startInProcess("4.4", stateDir);
    api = await ApiClient.connect(engine, format);
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("add (data center by name), get, update, remove", async () => {
    const created = await api.post(
      "clusters",
      body({ name: `cl-${format}`, dc: { name: "Default" }, description: "a" }),
    );
    expect(created.status).toBe(201);
    const cl = entityOf(created, "cluster");
    expect(refId(cl.data_center)).toBe(SETUP_IDS.defaultDataCenter);
    expect(cl.comment).toBe("");
    // Without a version the cluster takes its data center's level.
    expect(String((cl.version as Obj).minor)).toBe("6");

    const updated = await api.put(`clusters/${String(cl.id)}`, body({ description: "b" }));
    expect(updated.status).toBe(200);
    const after = entityOf(updated, "cluster");
    expect(after.description).toBe("b");
    expect(after.name).toBe(`cl-${format}`);
    expect(after.bios_type).toBe("q35_sea_bios");

    const lower = await api.put(`clusters/${String(cl.id)}`, body({ level: "4.5" }));
    expect(lower.status).toBe(400);
    expect(faultOf(lower).detail).toBe(
      "[Cannot decrease cluster compatibility version beneath data center compatibility version.]",
    );

    expect((await api.delete(`clusters/${String(cl.id)}`)).status).toBe(200);
    const gone = await api.get(`clusters/${String(cl.id)}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toBe("");
  });

  test("under /datacenters/{id}/clusters, hrefs point under the data center", async () => {
    const dc = entityOf(
      await api.post(
        "datacenters",
        format === "xml"
          ? `<data_center><name>sub-${format}</name><local>false</local></data_center>`
          : JSON.stringify({ name: `sub-${format}`, local: false }),
      ),
      "data_center",
    );
    const dcId = String(dc.id);
    const created = await api.post(`datacenters/${dcId}/clusters`, body({ name: `sub-cl-${format}` }));
    expect(created.status).toBe(201);
    const clId = String(entityOf(created, "cluster").id);
    const listed = await api.get(`datacenters/${dcId}/clusters`);
    const items = listed.parsed();
    const one = (format === "xml" ? (items.clusters as Obj).cluster : (items.cluster as Obj[])[0]) as Obj;
    expect(one[format === "xml" ? "@href" : "href"]).toBe(
      `/ovirt-engine/api/datacenters/${dcId}/clusters/${clId}`,
    );
    expect((await api.get(`datacenters/${dcId}/clusters/${clId}`)).status).toBe(200);
    // A cluster is not found under a data center it does not belong to.
    expect((await api.get(`datacenters/${SETUP_IDS.defaultDataCenter}/clusters/${clId}`)).status).toBe(404);
    expect(
      (await api.get(`datacenters/${SETUP_IDS.defaultDataCenter}/clusters/${SETUP_IDS.defaultCluster}`))
        .status,
    ).toBe(200);
  });

  test("mandatory fields", async () => {
    let res = await api.post("clusters", body({ dc: { name: "Default" } }));
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Input validation failed.",
      detail: "Parameter 'cluster.name' is mandatory but was not provided.",
    });
    res = await api.post("clusters", body({ name: `nodc-${format}` }));
    expect(faultOf(res)).toEqual({
      reason: "Input validation failed.",
      detail:
        "Parameters 'cluster.data_center.id' or 'cluster.data_center.name' are mandatory but both were not provided.",
    });
  });

  test("duplicate name on create and on rename (case-insensitive)", async () => {
    let res = await api.post("clusters", body({ name: "DEFAULT", dc: { name: "Default" } }));
    expect(res.status).toBe(409);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot create Cluster. Cluster name is already in use.]",
    });
    const cl = entityOf(
      await api.post("clusters", body({ name: `ren-${format}`, dc: { name: "Default" } })),
      "cluster",
    );
    res = await api.put(`clusters/${String(cl.id)}`, body({ name: "Default" }));
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Cannot edit Cluster. Cluster name is already in use.]");
  });

  test("references that resolve to nothing", async () => {
    let res = await api.post("clusters", body({ name: `x-${format}`, dc: { name: "nope" } }));
    expect(res.status).toBe(404);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "Entity not found: Datacenter: name=nope",
    });
    res = await api.post("clusters", body({ name: `x-${format}`, dc: { id: "123" } }));
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({ reason: "Operation failed", detail: "Invalid UUID string: 123" });
  });

  test("levels outside the 4.4 engine's 4.2-4.6, or below the data center's, are refused", async () => {
    let res = await api.post(
      "clusters",
      body({ name: `l41-${format}`, dc: { name: "Default" }, level: "4.1" }),
    );
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe(
      "[Cannot create Cluster. Selected Compatibility Version is not supported.]",
    );
    res = await api.post("clusters", body({ name: `l47-${format}`, dc: { name: "Default" }, level: "4.7" }));
    expect(faultOf(res).detail).toBe(
      "[Cannot create Cluster. Selected Compatibility Version is not supported.]",
    );
    res = await api.post("clusters", body({ name: `l42-${format}`, dc: { name: "Default" }, level: "4.2" }));
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe(
      "[Cannot add Cluster with Compatibility Version that is lower than the Data Center Compatibility Version.\n-Please upgrade your Cluster to a later Compatibility version first.]",
    );
  });

  test("the Default cluster cannot be removed", async () => {
    const res = await api.delete(`clusters/${SETUP_IDS.defaultCluster}`);
    expect(res.status).toBe(409);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot remove default Host Cluster.]",
    });
  });

  test("a cluster with hosts or VMs cannot be removed; every reason is reported", async () => {
    const cl = entityOf(
      await api.post("clusters", body({ name: `busy-${format}`, dc: { name: "Default" } })),
      "cluster",
    );
    const id = String(cl.id);
    // Hosts and VMs have no API yet: put them in the engine's database the way those areas will.
    const db = new Database(path.join(stateDir, "engine.db"));
    const insert = db.prepare("INSERT INTO entities (kind, id, json) VALUES (?, ?, ?)");
    insert.run("host", `h-${format}`, JSON.stringify({ id: `h-${format}`, name: "h1", cluster: { id } }));
    insert.run("vm", `v-${format}`, JSON.stringify({ id: `v-${format}`, name: "v1", cluster: { id } }));
    insert.run(
      "host",
      `d-${format}`,
      JSON.stringify({ id: `d-${format}`, name: "h2", cluster: { id: SETUP_IDS.defaultCluster } }),
    );
    db.close();

    let res = await api.delete(`clusters/${id}`);
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe(
      "[Cannot remove Cluster. Cluster contains one or more Hosts, Cannot remove Cluster. One or more VMs are still assigned to the Cluster]",
    );
    res = await api.delete(`clusters/${SETUP_IDS.defaultCluster}`);
    expect(faultOf(res).detail).toBe(
      "[Cannot remove default Host Cluster., Cannot remove Cluster. Cluster contains one or more Hosts]",
    );
    expect((await api.get(`clusters/${id}`)).status).toBe(200);
  });

  test("moving a cluster to another data center is refused", async () => {
    const other = entityOf(
      await api.post(
        "datacenters",
        format === "xml"
          ? `<data_center><name>mv-${format}</name><local>false</local></data_center>`
          : JSON.stringify({ name: `mv-${format}`, local: false }),
      ),
      "data_center",
    );
    const res = await api.put(`clusters/${SETUP_IDS.defaultCluster}`, body({ dc: { id: String(other.id) } }));
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Cannot change Data Center association when editing a Cluster.]");
  });

  test("management network only with All-Content", async () => {
    const plain = entityOf(await api.get(`clusters/${SETUP_IDS.defaultCluster}`), "cluster");
    expect(plain.management_network).toBeUndefined();
    const full = entityOf(
      await api.get(`clusters/${SETUP_IDS.defaultCluster}`, { "all-content": "true" }),
      "cluster",
    );
    expect(refId(full.management_network)).toBe(SETUP_IDS.defaultManagementNetwork);
  });

  test("search by data center and name", async () => {
    const names = async (query: string) => {
      const res = await api.get(`clusters?search=${encodeURIComponent(query)}`);
      expect(res.status).toBe(200);
      const b = res.parsed();
      const list =
        format === "xml"
          ? [((b.clusters as Obj).cluster ?? []) as Obj | Obj[]].flat()
          : ((b.cluster ?? []) as Obj[]);
      return list.map((c) => c.name);
    };
    expect(await names("datacenter=default and name=Default")).toEqual(["Default"]);
    expect(await names("datacenter=nowhere")).toEqual([]);
    expect(await names("compatibility_level=4.6 and name=default")).toEqual(["Default"]);
  });
});

describe("cluster levels of the 4.3 engine", () => {
  let engine: RunningEngine;
  let api: ApiClient;

  beforeAll(async () => {
    engine = await startInProcess("4.3");
    api = await ApiClient.connect(engine);
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("4.1 to 4.3 exist, 4.4 does not", async () => {
    const dc = entityOf(
      await api.post(
        "datacenters",
        "<data_center><name>old</name><local>false</local><version><major>4</major><minor>1</minor></version></data_center>",
      ),
      "data_center",
    );
    for (const minor of [1, 2, 3]) {
      const res = await api.post(
        "clusters",
        clusterBody("xml", { name: `c4${minor}`, dc: { id: String(dc.id) }, level: `4.${minor}` }),
      );
      expect(res.status).toBe(201);
    }
    const res = await api.post(
      "clusters",
      clusterBody("xml", { name: "c44", dc: { id: String(dc.id) }, level: "4.4" }),
    );
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe(
      "[Cannot create Cluster. Selected Compatibility Version is not supported.]",
    );
  });

  test("the 4.3 model has no 4.4 members", async () => {
    const cl = entityOf(await api.get(`clusters/${SETUP_IDS.defaultCluster}`), "cluster");
    expect(cl.bios_type).toBeUndefined();
    expect(cl.vnc_encryption).toBeUndefined();
    expect(String((cl.version as Obj).minor)).toBe("3");
  });
});
