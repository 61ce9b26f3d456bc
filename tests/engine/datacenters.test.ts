// Data centers over HTTP in XML and JSON: CRUD, the engine's exact faults, 404s, search and max.
import type { RunningEngine } from "../../simulator/engine";
import { SETUP_IDS } from "../../simulator/setup";
import { ApiClient, entityOf, faultOf, startInProcess, type Format } from "./support/engine";

type Obj = Record<string, unknown>;

const dcBody: Record<Format, (fields: Obj) => string> = {
  xml: (f) =>
    `<data_center>${Object.entries(f)
      .map(([k, v]) =>
        typeof v === "object" && v !== null
          ? `<${k}>${Object.entries(v as Obj)
              .map(([k2, v2]) => `<${k2}>${String(v2)}</${k2}>`)
              .join("")}</${k}>`
          : `<${k}>${String(v)}</${k}>`,
      )
      .join("")}</data_center>`,
  json: (f) => JSON.stringify(f),
};

describe.each(["xml", "json"] as const)("data centers in %s", (format) => {
  let engine: RunningEngine;
  let api: ApiClient;
  const body = dcBody[format];

  beforeAll(async () => {
    engine = await startInProcess("4.4");
    api = await ApiClient.connect(engine, format);
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("a fresh engine has the Default data center at the personality's top level", async () => {
    const dc = entityOf(await api.get(`datacenters/${SETUP_IDS.defaultDataCenter}`), "data_center");
    expect(dc.name).toBe("Default");
    expect(dc.status).toBe("uninitialized");
    expect(dc.version).toEqual({ major: format === "json" ? "4" : 4, minor: format === "json" ? "6" : 6 });
  });

  test("add, get, update, remove", async () => {
    const created = await api.post(
      "datacenters",
      body({ name: `dc-${format}`, local: false, description: "first" }),
    );
    expect(created.status).toBe(201);
    const dc = entityOf(created, "data_center");
    expect(created.headers.location).toBe(
      `${new URL(engine.url).origin}/ovirt-engine/api/datacenters/${String(dc.id)}`,
    );
    expect(dc.description).toBe("first");
    expect(dc.status).toBe("uninitialized");

    const got = await api.get(`datacenters/${String(dc.id)}`);
    expect(got.status).toBe(200);
    expect(entityOf(got, "data_center").name).toBe(`dc-${format}`);

    const updated = await api.put(
      `datacenters/${String(dc.id)}`,
      body({ description: "second", version: { major: 4, minor: 5 } }),
    );
    expect(updated.status).toBe(200);
    const after = entityOf(updated, "data_center");
    expect(after.description).toBe("second");
    expect(after.name).toBe(`dc-${format}`);
    expect(String((after.version as Obj).minor)).toBe("5");

    const removed = await api.delete(`datacenters/${String(dc.id)}`);
    expect(removed.status).toBe(200);
    expect(entityOf(removed, "action").status).toBe("complete");
    const gone = await api.get(`datacenters/${String(dc.id)}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toBe("");
    expect(gone.headers["content-type"]).toBeUndefined();
  });

  test("mandatory fields, checked in the engine's order", async () => {
    let res = await api.post("datacenters", body({ name: "no-local" }));
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Input validation failed.",
      detail: "Parameter 'data_center.local' is mandatory but was not provided.",
    });
    res = await api.post("datacenters", body({ local: false }));
    expect(faultOf(res)).toEqual({
      reason: "Input validation failed.",
      detail: "Parameter 'data_center.name' is mandatory but was not provided.",
    });
    res = await api.post("datacenters", "");
    expect(faultOf(res).detail).toBe("Parameter 'data_center' is mandatory but was not provided.");
  });

  test("duplicate name: 409 with the engine's text", async () => {
    const res = await api.post("datacenters", body({ name: "Default", local: false }));
    expect(res.status).toBe(409);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot create Data Center. The Data Center name is already in use.]",
    });
  });

  test("rename onto an existing name", async () => {
    const dc = entityOf(
      await api.post("datacenters", body({ name: `ren-${format}`, local: false })),
      "data_center",
    );
    const res = await api.put(`datacenters/${String(dc.id)}`, body({ name: "Default" }));
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Cannot edit Data Center. The Data Center name is already in use.]");
  });

  test("unsupported level", async () => {
    const res = await api.post(
      "datacenters",
      body({ name: `old-${format}`, local: false, version: { major: 4, minor: 1 } }),
    );
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot create Data Center. Selected Compatibility Version is not supported.]",
    });
  });

  test("invalid values", async () => {
    let res = await api.post("datacenters", body({ name: `bad-${format}`, local: "maybe" }));
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Invalid value",
      detail: 'Value "maybe" isn\'t a valid boolean, it should be "true" , "false", "0" or "1"',
    });
    res = await api.post(
      "datacenters",
      body({ name: `bad-${format}`, local: false, quota_mode: "sometimes" }),
    );
    expect(faultOf(res)).toEqual({
      reason: "Invalid value",
      detail: "sometimes is not a member of QuotaModeType",
    });
    res = await api.post("datacenters", body({ name: "has space", local: false }));
    expect(faultOf(res).detail).toBe("[Data Center name may only contain letters, numbers, '-', or '_'.]");
  });

  test("unknown and malformed ids: 404 with an empty body", async () => {
    for (const p of ["datacenters/5ca0335c-be48-4cf4-acd3-283763cb7e04", "datacenters/not-a-uuid"]) {
      for (const res of [
        await api.get(p),
        await api.put(p, body({ description: "x" })),
        await api.delete(p),
      ]) {
        expect(res.status).toBe(404);
        expect(res.body).toBe("");
      }
    }
  });

  test("raising the level above a cluster's is refused", async () => {
    const dc = entityOf(
      await api.post(
        "datacenters",
        body({ name: `lvl-${format}`, local: false, version: { major: 4, minor: 4 } }),
      ),
      "data_center",
    );
    const cl = await api.post(
      "clusters",
      format === "xml"
        ? `<cluster><name>lvl-cl-${format}</name><data_center id="${String(dc.id)}"/></cluster>`
        : JSON.stringify({ name: `lvl-cl-${format}`, data_center: { id: dc.id } }),
    );
    expect(cl.status).toBe(201);
    const res = await api.put(`datacenters/${String(dc.id)}`, body({ version: { major: 4, minor: 6 } }));
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe(
      `[Cannot update Data Center compatibility version to a value that is greater than its cluster's version. The following clusters should be upgraded: lvl-cl-${format}.]`,
    );
  });

  test("removing a data center leaves its clusters, detached", async () => {
    const dc = entityOf(
      await api.post("datacenters", body({ name: `rm-${format}`, local: false })),
      "data_center",
    );
    const cl = entityOf(
      await api.post(
        `datacenters/${String(dc.id)}/clusters`,
        format === "xml"
          ? `<cluster><name>rm-cl-${format}</name></cluster>`
          : JSON.stringify({ name: `rm-cl-${format}` }),
      ),
      "cluster",
    );
    expect((cl.data_center as Obj)[format === "xml" ? "@id" : "id"]).toBe(dc.id);
    expect((await api.delete(`datacenters/${String(dc.id)}?force=true`)).status).toBe(200);
    const after = entityOf(await api.get(`clusters/${String(cl.id)}`), "cluster");
    expect(after.data_center).toBeUndefined();
  });
});

describe("data center search", () => {
  let engine: RunningEngine;
  let api: ApiClient;

  beforeAll(async () => {
    engine = await startInProcess("4.3");
    api = await ApiClient.connect(engine, "json");
    for (const [name, description, local] of [
      ["alpha-dc", "first lab", false],
      ["Beta-DC", "second lab", true],
      ["gamma", "my lab", false],
    ] as const) {
      const res = await api.post("datacenters", JSON.stringify({ name, description, local }));
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await engine?.close();
  });

  const names = async (query: string) => {
    const res = await api.get(`datacenters?${query}`);
    expect(res.status).toBe(200);
    return ((res.parsed().data_center as Obj[] | undefined) ?? []).map((d) => d.name);
  };

  test.each([
    ["search=name%3Dalpha-dc", ["alpha-dc"]],
    ["search=name%3DBETA-dc", ["Beta-DC"]],
    ["search=name%3D*-dc", ["alpha-dc", "Beta-DC"]],
    ['search=name%3D"gamma"', ["gamma"]],
    ['search=description%3D"my lab"', ["gamma"]],
    ["search=local%3Dfalse%20and%20name%3D*a*", ["alpha-dc", "Default", "gamma"]],
    ["search=name%3Dalpha-dc%20or%20name%3Dgamma", ["alpha-dc", "gamma"]],
    ["search=name!%3D*a*", []],
    ["search=status%3Duninitialized%20sortby%20name%20desc", ["gamma", "Default", "Beta-DC", "alpha-dc"]],
    ["search=compatibility_version%3D4.3&max=2", ["alpha-dc", "Beta-DC"]],
    ["search=name%3D*%20page%202&max=2", ["Default", "gamma"]],
    ["max=1", ["alpha-dc"]],
    ["max=oops", ["alpha-dc", "Beta-DC", "Default", "gamma"]],
    ["search=name%3DBETA-dc&case_sensitive=true", []],
  ])("%s", async (query, expected) => {
    expect(await names(query)).toEqual(expected);
  });

  test("a bad search is a 400 marking the offending part", async () => {
    const res = await api.get("datacenters?search=colour%3Dred");
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({ reason: "Operation Failed", detail: "[$colour$=red]" });
  });
});
