// The walking skeleton end to end: the toolchain's real Pulumi CLI, through the Automation API,
// converges a fresh embedded 4.4 engine to the lab config and back to nothing.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import * as path from "path";
import { startEngine } from "../../testbed/engine-process";
import { getJson, list } from "../helpers/engine-api";
import { labStack, stepsOf, type TestStack } from "../helpers/stack";

const lab = {
  engine: "target",
  dataCenter: { name: "e2e_dc", description: "end-to-end data center", compatibilityVersion: "4.4" },
  clusters: [
    { name: "oVirt_Cluster", cpuType: "Intel Skylake Family", threadsAsCores: true, ksm: true },
    {
      name: "ocpcluster",
      description: "OpenShift nodes",
      threadsAsCores: true,
      memoryOverCommitPercent: 150,
    },
  ],
  networks: [{ name: "ocp", vlan: 20, clusters: [{ name: "ocpcluster", required: false }] }],
};

type Engine = Awaited<ReturnType<typeof startEngine>>;

describe("lab stack through the real Pulumi CLI against the embedded engine", () => {
  let engine: Engine;
  let t: TestStack;

  beforeAll(async () => {
    engine = await startEngine({ version: "4.4", timeScale: 0 });
    t = await labStack({ target: engine }, lab);
  }, 300_000);

  afterAll(async () => {
    await engine?.stop();
    if (t) fs.rmSync(t.workDir, { recursive: true, force: true });
  });

  const byName = async (collection: string, singular: string, name: string) =>
    (await list(engine, collection, singular)).find((e) => e.name === name);

  test("preview plans exactly the lab's creates and sends no write to the engine", async () => {
    const events: EngineEvent[] = [];
    const before = engine.requests().length;
    await t.stack.preview({ onEvent: (e) => events.push(e) });
    expect(stepsOf(events)).toEqual({
      "Lab:lab": "create",
      "DataCenter:e2e_dc": "create",
      "Cluster:oVirt_Cluster": "create",
      "Cluster:ocpcluster": "create",
      "Network:e2e_dc-ovirtmgmt": "create",
      "VnicProfile:e2e_dc-ovirtmgmt": "create",
      "Network:ocp": "create",
      "VnicProfile:ocp": "create",
    });
    const writes = engine
      .requests()
      .slice(before)
      .filter((r) => r.method !== "GET" && r.method !== "HEAD" && r.path.startsWith("/ovirt-engine/api"));
    expect(writes).toEqual([]);
  });

  test("up creates them on the engine", async () => {
    const res = await t.stack.up();
    expect(res.summary.result).toBe("succeeded");
    const dc = await byName("datacenters", "data_center", "e2e_dc");
    expect(dc).toBeDefined();
    expect(res.outputs.dataCenterId.value).toBe(dc?.id);
    expect(dc?.description).toBe("end-to-end data center");
    for (const name of ["oVirt_Cluster", "ocpcluster"]) {
      const cluster = await byName("clusters", "cluster", name);
      expect(cluster).toBeDefined();
      expect((cluster?.data_center as { id: string }).id).toBe(dc?.id);
      expect(cluster?.threads_as_cores).toBe("true");
    }
    const network = await byName("networks", "network", "ocp");
    expect((network?.vlan as { id: string }).id).toBe("20");
    const ocp = await byName("clusters", "cluster", "ocpcluster");
    const assigned = await list(engine, `clusters/${ocp?.id as string}/networks`, "network");
    expect(assigned.map((n) => n.name).sort()).toEqual(["ocp", "ovirtmgmt"]);
    expect((ocp?.memory_policy as { over_commit: { percent: string } }).over_commit.percent).toBe("150");
  });

  test("state holds the engine password only encrypted, and each resource's state stays small", async () => {
    // The raw checkpoint file (the Automation API's exportStack decrypts secrets).
    const file = path.join(t.workDir, ".backend", ".pulumi", "stacks", "ovirt-lab", "e2e.json");
    const text = fs.readFileSync(file, "utf8");
    expect(text).not.toContain(engine.adminPassword);
    const resources = (
      JSON.parse(text) as {
        checkpoint: { latest: { resources: Array<{ type: string; inputs: { __provider?: string } }> } };
      }
    ).checkpoint.latest.resources;
    const dynamic = resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/"));
    expect(dynamic).toHaveLength(7);
    for (const r of dynamic) expect(Buffer.byteLength(r.inputs.__provider ?? "")).toBeLessThan(4096);
  });

  test("a second up changes nothing", async () => {
    const res = await t.stack.up();
    expect(Object.keys(res.summary.resourceChanges ?? {}).sort()).toEqual(["same"]);
  });

  test("refresh changes nothing", async () => {
    const res = await t.stack.refresh();
    expect(Object.keys(res.summary.resourceChanges ?? {}).sort()).toEqual(["same"]);
  });

  test("editing a cluster's description is an in-place update, not a replace", async () => {
    const id = (await byName("clusters", "cluster", "ocpcluster"))?.id as string;
    const edited = structuredClone(lab);
    edited.clusters[1].description = "OpenShift 4.6 nodes";
    t.setLab(edited);
    const events: EngineEvent[] = [];
    await t.stack.preview({ onEvent: (e) => events.push(e) });
    const steps = stepsOf(events);
    expect(steps["Cluster:ocpcluster"]).toBe("update");
    expect(Object.values(steps).filter((op) => op !== "same")).toEqual(["update"]);
    const res = await t.stack.up();
    expect(res.summary.resourceChanges).toMatchObject({ update: 1 });
    const after = await getJson(engine, `clusters/${id}`);
    expect(after?.description).toBe("OpenShift 4.6 nodes");
  });

  test("destroy removes them from the engine", async () => {
    const res = await t.stack.destroy();
    expect(res.summary.result).toBe("succeeded");
    expect(await byName("datacenters", "data_center", "e2e_dc")).toBeUndefined();
    expect(await byName("clusters", "cluster", "oVirt_Cluster")).toBeUndefined();
    expect(await byName("clusters", "cluster", "ocpcluster")).toBeUndefined();
    expect(await byName("networks", "network", "ocp")).toBeUndefined();
  });
});
