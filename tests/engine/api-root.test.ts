// The API root per personality, and the request handling every API call shares: Version,
// Accept / ?accept=, the v4 URL prefix, Correlation-Id, HEAD and the Link header.
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, originOf, startInProcess } from "./support/engine";
import { httpsRequest } from "./support/http";

type Obj = Record<string, unknown>;

const SEARCHABLE = [
  "clusters",
  "datacenters",
  "hosts",
  "networks",
  "storagedomains",
  "templates",
  "instancetypes",
  "users",
  "groups",
  "vmpools",
  "vms",
  "disks",
];

describe.each([
  ["4.3", "4.3.10.4-1.el7", { major: "4", minor: "3", build: "10", revision: "4" }],
  ["4.4", "4.4.10.7-1.el8", { major: "4", minor: "4", build: "10", revision: "7" }],
] as const)("API root of the %s engine", (version, fullVersion, numbers) => {
  let engine: RunningEngine;
  let api: ApiClient;

  beforeAll(async () => {
    engine = await startInProcess(version);
    api = await ApiClient.connect(engine, "json");
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("product_info, special_objects, summary, time, users", async () => {
    const root = (await api.get("")).parsed();
    const info = root.product_info as Obj;
    expect(info.name).toBe("oVirt Engine");
    expect(info.vendor).toBe("ovirt.org");
    expect(info.version).toEqual({ ...numbers, full_version: fullVersion });
    if (version === "4.4") expect(info.instance_id).toMatch(/^[0-9a-f-]{36}$/);
    else expect(info).not.toHaveProperty("instance_id");
    expect(root.special_objects).toEqual({
      blank_template: {
        href: "/ovirt-engine/api/templates/00000000-0000-0000-0000-000000000000",
        id: "00000000-0000-0000-0000-000000000000",
      },
      root_tag: {
        href: "/ovirt-engine/api/tags/00000000-0000-0000-0000-000000000000",
        id: "00000000-0000-0000-0000-000000000000",
      },
    });
    expect(root.summary).toEqual({
      hosts: { active: "0", total: "0" },
      storage_domains: { active: "0", total: "0" },
      users: { active: expect.stringMatching(/^\d+$/) as string, total: "1" },
      vms: { active: "0", total: "0" },
    });
    expect(Math.abs((root.time as number) - Date.now())).toBeLessThan(60_000);
    expect((root.authenticated_user as Obj).href).toMatch(/^\/ovirt-engine\/api\/users\/[0-9a-f-]{36}$/);
    expect(root.effective_user).toEqual(root.authenticated_user);
  });

  test("root links in the engine's order, each searchable one followed by its search link", async () => {
    const links = (await api.get("")).parsed().link as Array<{ rel: string; href: string }>;
    const rels = links.map((l) => l.rel);
    expect(rels.slice(0, 7)).toEqual([
      "clusters",
      "clusters/search",
      "datacenters",
      "datacenters/search",
      "events",
      "events/search",
      "hosts",
    ]);
    for (const rel of SEARCHABLE) {
      expect(links[rels.indexOf(rel) + 1]).toEqual({
        rel: `${rel}/search`,
        href: `/ovirt-engine/api/${rel}?search={query}`,
      });
    }
    expect(links.find((l) => l.rel === "events/search")!.href).toBe(
      "/ovirt-engine/api/events;from={event_id}?search={query}",
    );
    expect(rels.at(-1)).toBe(version === "4.4" ? "externaltemplateimports" : "externalvmimports");
    // 39 collections in 4.4 (38 in 4.3), 13 of them searchable.
    expect(rels).toHaveLength(version === "4.4" ? 52 : 51);
  });

  test("GET and HEAD carry the links, sorted, in a Link header; HEAD has no body", async () => {
    const get = await api.get("");
    const head = await api.call("HEAD", "");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    const header = String(head.headers.link);
    expect(header).toBe(String(get.headers.link));
    const parts = header.split(",");
    expect(parts).toEqual([...parts].sort());
    expect(parts).toContain(`<${originOf(engine)}/ovirt-engine/api/vms?search={query}>; rel=vms/search`);
  });

  test("the non-admin view (Filter: true) has no summary", async () => {
    const root = (await api.get("", { filter: "true" })).parsed();
    expect(root).not.toHaveProperty("summary");
  });
});

describe("request handling shared by every API call", () => {
  let engine: RunningEngine;
  let api: ApiClient;

  beforeAll(async () => {
    engine = await startInProcess("4.4");
    api = await ApiClient.connect(engine);
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("XML by default, JSON on Accept or ?accept=", async () => {
    const plain = await httpsRequest(`${engine.url}/datacenters`, {
      ca: engine.caPem,
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(plain.headers["content-type"]).toBe("application/xml;charset=UTF-8");
    expect(
      plain.body.startsWith(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<data_centers>\n    <data_center ',
      ),
    ).toBe(true);
    const byParam = await api.get("datacenters?accept=application/json");
    expect(byParam.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(byParam.body)).toHaveProperty("data_center");
  });

  test("Version: only 4 is served; /v4 URLs render /v4 hrefs", async () => {
    const v3 = await api.get("datacenters", { version: "3" });
    expect(v3.status).toBe(400);
    expect(v3.body).toBe("");
    const url3 = await httpsRequest(`${originOf(engine)}/ovirt-engine/api/v3/datacenters`, {
      ca: engine.caPem,
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(url3.status).toBe(400);
    const v4 = await api.as("json").get("v4/datacenters");
    expect(v4.status).toBe(200);
    const dc = (v4.parsed().data_center as Obj[])[0];
    expect(dc.href).toMatch(/^\/ovirt-engine\/api\/v4\/datacenters\//);
  });

  test("Correlation-Id is echoed (cleaned, at most 36 characters) or generated", async () => {
    expect((await api.get("datacenters", { "correlation-id": "abc-123" })).headers["correlation-id"]).toBe(
      "abc-123",
    );
    expect((await api.get("datacenters", { "correlation-id": "a b/c!d" })).headers["correlation-id"]).toBe(
      "abcd",
    );
    expect((await api.get("datacenters?correlation_id=from-query")).headers["correlation-id"]).toBe(
      "from-query",
    );
    const long = "x".repeat(50);
    expect((await api.get("datacenters", { "correlation-id": long })).headers["correlation-id"]).toBe(
      "x".repeat(36),
    );
    expect((await api.get("datacenters")).headers["correlation-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("unknown API paths are a bare 404", async () => {
    const res = await api.get("nosuchcollection");
    expect(res.status).toBe(404);
    expect(res.body).toBe("");
  });

  test("a body the engine cannot read points to the usage documentation", async () => {
    const res = await api.post("datacenters", "<data_center><name>x</name");
    expect(res.status).toBe(400);
    const fault = res.parsed().fault as Obj;
    expect(fault.reason).toBe("Request syntactically incorrect.");
    expect(fault.detail).toBe(
      `For correct usage, see: ${originOf(engine)}/ovirt-engine/apidoc#services/data_centers/methods/add`,
    );
  });

  test("remove with ?async=true answers 202 in_progress", async () => {
    const created = await api.post(
      "datacenters",
      "<data_center><name>async-dc</name><local>false</local></data_center>",
    );
    const id = (created.parsed().data_center as Obj)["@id"] as string;
    const res = await api.delete(`datacenters/${id}?async=true`);
    expect(res.status).toBe(202);
    expect(res.parsed().action).toEqual({ status: "in_progress" });
  });
});
