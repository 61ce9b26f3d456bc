// Jobs and events as areas in their own right: external jobs (add, steps, end, clear) as the ANSIBLE
// ovirt_job module uses them, the recordJob/recordEvent API other areas call, search by correlation
// id in XML and JSON, and the faults for unknown ids.
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, faultOf, startInProcess } from "./support/engine";
import { items } from "./hosts-support";

describe("jobs and events", () => {
  let engine: RunningEngine;
  let api: ApiClient;
  beforeAll(async () => {
    engine = await startInProcess("4.4");
    api = await ApiClient.connect(engine);
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("an external job: add (description mandatory), steps, end with succeeded=false, clear", async () => {
    const missing = await api.post("jobs", "<job/>");
    expect({ status: missing.status, ...faultOf(missing) }).toEqual({
      status: 400,
      reason: "Input validation failed.",
      detail: "Parameter 'job.description' is mandatory but was not provided.",
    });
    const res = await api.post(
      "jobs",
      "<job><description>Upgrading cluster oVirt_Cluster</description></job>",
      {
        "correlation-id": "ext-1",
      },
    );
    expect(res.status).toBe(201);
    const job = entityOf(res, "job");
    expect(job).toMatchObject({
      description: "Upgrading cluster oVirt_Cluster",
      status: "started",
      external: true,
    });
    const id = String(job.id);
    expect(items(await api.get("jobs?search=correlation_id%3Dext-1"), "job").map((j) => j["@id"])).toEqual([
      id,
    ]);
    // A running job cannot be cleared.
    await api.post(`jobs/${id}/clear`, "<action/>");
    expect((await api.get(`jobs/${id}`)).status).toBe(200);
    const end = await api.post(`jobs/${id}/end`, "<action><succeeded>false</succeeded></action>");
    expect(end.status).toBe(200);
    expect((end.parsed().action as Record<string, unknown>).status).toBe("complete");
    const ended = entityOf(await api.get(`jobs/${id}`), "job");
    expect(ended.status).toBe("failed");
    expect(ended.end_time).toBeDefined();
    expect((await api.post(`jobs/${id}/clear`, "<action/>")).status).toBe(200);
    expect((await api.get(`jobs/${id}`)).status).toBe(404);
  });

  test("jobs render the shape of samples/job.xml and link their steps", async () => {
    const cl = await api.post(
      "clusters/58cfb470-03b9-01d0-03b9-0000000001e7/upgrade",
      "<action><upgrade_action>start</upgrade_action></action>",
      {
        "correlation-id": "shape-1",
      },
    );
    const jobId = (cl.parsed().action as Record<string, Record<string, string>>).job["@id"];
    const job = await api.get(`jobs/${jobId}`);
    const { compareShapes, xmlShape } = await import("./support/structure");
    const { sample } = await import("./support/engine");
    expect(compareShapes(xmlShape(sample("job.xml")), xmlShape(job.body))).toEqual({
      missing: [],
      extra: [],
    });
    const steps = items(await api.get(`jobs/${jobId}/steps`), "step");
    expect(steps).toHaveLength(1);
    const step = entityOf(
      await api.get(`jobs/${jobId}/steps/${String(steps[0]["@id"] ?? steps[0].id)}`),
      "step",
    );
    expect(step).toMatchObject({
      description: "Executing",
      status: "finished",
      type: "executing",
      number: 0,
    });
    expect((await api.get(`jobs/${jobId}/steps/00000000-0000-0000-0000-000000000001`)).status).toBe(404);
    await api.post(
      "clusters/58cfb470-03b9-01d0-03b9-0000000001e7/upgrade",
      "<action><upgrade_action>finish</upgrade_action></action>",
    );
  });

  test("unknown or malformed ids are a bare 404", async () => {
    for (const p of ["jobs/nope", "jobs/00000000-0000-0000-0000-000000000001", "events/abc", "events/0"]) {
      const res = await api.get(p);
      expect(res.status).toBe(404);
      expect(res.body).toBe("");
    }
  });

  test("events in JSON: newest first, correlation_id search, severity ranks, delete", async () => {
    const json = api.as("json");
    const before = (await json.get("events?max=1")).parsed() as { event?: Array<{ index: string }> };
    const start = before.event ? Number(before.event[0].index) : 0;
    await api.post(
      "clusters/58cfb470-03b9-01d0-03b9-0000000001e7/upgrade",
      "<action><upgrade_action>start</upgrade_action></action>",
      {
        "correlation-id": "ev-json",
      },
    );
    const found = (await json.get("events?search=correlation_id%3Dev-json")).parsed() as {
      event: Array<Record<string, unknown>>;
    };
    expect(found.event).toHaveLength(1);
    const ev = found.event[0];
    expect(ev).toMatchObject({ code: "892", severity: "normal", origin: "oVirt", correlation_id: "ev-json" });
    expect(typeof ev.time).toBe("number");
    expect(Number(ev.index)).toBeGreaterThan(start);
    expect((ev.cluster as { id: string }).id).toBe("58cfb470-03b9-01d0-03b9-0000000001e7");
    const none = await json.get(
      `events?search=${encodeURIComponent("severity>=alert and correlation_id=ev-json")}`,
    );
    expect(JSON.parse(none.body)).toEqual({});
    const bad = await json.get("events?search=nosuchfield%3D1");
    expect(bad.status).toBe(400);
    expect((await json.delete(`events/${String(ev.index)}`)).status).toBe(200);
    expect((await json.get(`events/${String(ev.index)}`)).status).toBe(404);
    await api.post(
      "clusters/58cfb470-03b9-01d0-03b9-0000000001e7/upgrade",
      "<action><upgrade_action>finish</upgrade_action></action>",
    );
  });
});
