// `check` of each provider, called directly: every validation, messages that name the resource,
// the property and its value, unknown values tolerated during preview. Nothing reaches an engine.
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { clusterProvider } from "../../providers/cluster/provider";
import { dataCenterProvider } from "../../providers/datacenter/provider";
import { resetRegistry, setEngines } from "../../providers/ovirt/registry";

const dc = { engine: "target", name: "lab_dc" };
const cluster = {
  engine: "target",
  name: "ocpcluster",
  dataCenterId: "5ca0335c-be48-4cf4-acd3-283763cb7e04",
};

async function failures(provider: typeof dataCenterProvider, news: Record<string, unknown>) {
  const r = await provider.check({}, news);
  return r.failures ?? [];
}

async function onlyFailure(provider: typeof dataCenterProvider, news: Record<string, unknown>) {
  const f = await failures(provider, news);
  expect(f).toHaveLength(1);
  return f[0];
}

afterEach(() => resetRegistry());

describe("data center check", () => {
  test("valid inputs pass and get their defaults", async () => {
    const r = await dataCenterProvider.check({}, { ...dc, __provider: "serialized shim" });
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ ...dc, local: false });
  });

  test("every optional input is accepted when valid", async () => {
    const all = {
      ...dc,
      description: "the lab",
      comment: "managed by Pulumi",
      local: true,
      compatibilityVersion: "4.4",
      quotaMode: "audit",
      timeouts: { create: 60, update: 60, delete: 120 },
    };
    expect(await failures(dataCenterProvider, all)).toEqual([]);
  });

  test.each([
    [
      { name: "lab dc" },
      "name",
      `data center "lab dc": name "lab dc" may only contain letters a-z, A-Z, digits, '_' and '-'`,
    ],
    [
      { name: "dc.1" },
      "name",
      `data center "dc.1": name "dc.1" may only contain letters a-z, A-Z, digits, '_' and '-'`,
    ],
    [{ name: "d".repeat(41) }, "name", `name "${"d".repeat(41)}" is longer than 40 characters`],
    [{ name: "" }, "name", `name "" must not be empty`],
    [{ name: 42 }, "name", "name 42 must be a string"],
    [
      { compatibilityVersion: "4.x" },
      "compatibilityVersion",
      `data center "lab_dc": compatibilityVersion "4.x" is not a version like "4.4"`,
    ],
    [
      { compatibilityVersion: "4" },
      "compatibilityVersion",
      `compatibilityVersion "4" is not a version like "4.4"`,
    ],
    [{ description: "Zürich" }, "description", `description "Zürich" may only contain ASCII characters`],
    [{ description: "x".repeat(4001) }, "description", "is longer than 4000 characters"],
    [{ local: "yes" }, "local", `local "yes" must be true or false`],
    [{ quotaMode: "strict" }, "quotaMode", `quotaMode "strict" is not one of "disabled", "audit", "enabled"`],
    [{ engine: "the target" }, "engine", `engine "the target" is not an engine name`],
    [{ timeouts: { create: 0 } }, "timeouts.create", "timeouts.create 0 must be at least 1 second"],
    [
      { timeouts: { create: 1.5 } },
      "timeouts.create",
      "timeouts.create 1.5 must be a whole number of seconds",
    ],
    [{ timeouts: { craete: 10 } }, "timeouts.craete", `unknown property "timeouts.craete"`],
    [{ storageFormat: "v5" }, "storageFormat", `data center "lab_dc": unknown property "storageFormat"`],
  ])("%j fails on %s", async (change, property, reason) => {
    const f = await onlyFailure(dataCenterProvider, { ...dc, ...change });
    expect(f.property).toBe(property);
    expect(f.reason).toContain(reason);
  });

  test("missing required inputs are named", async () => {
    const f = await failures(dataCenterProvider, {});
    expect(f.map((x) => x.property).sort()).toEqual(["engine", "name"]);
    expect(f.find((x) => x.property === "name")?.reason).toBe("data center (no name): name is required");
  });

  test("an engine that is not configured fails, once engines are known", async () => {
    setEngines({ target: { url: "https://e/ovirt-engine/api", username: "admin@internal", password: "p" } });
    const f = await onlyFailure(dataCenterProvider, { ...dc, engine: "legacy" });
    expect(f).toEqual({
      property: "engine",
      reason: 'data center "lab_dc": engine "legacy" is not in ovirt-lab:engines (have: target)',
    });
    expect(await failures(dataCenterProvider, dc)).toEqual([]);
  });
});

describe("cluster check", () => {
  test("valid inputs pass and get their defaults", async () => {
    const r = await clusterProvider.check({}, cluster);
    expect(r.failures).toBeUndefined();
    expect(r.inputs).toEqual({ ...cluster, cpuArchitecture: "x86_64" });
  });

  test("every optional input is accepted when valid", async () => {
    const all = {
      ...cluster,
      name: "oVirt_Cluster.2",
      description: "OpenShift nodes",
      comment: "16 threads each",
      compatibilityVersion: "4.4",
      cpuType: "Intel Skylake Family",
      cpuArchitecture: "ppc64",
      threadsAsCores: true,
      ksm: { enabled: true, mergeAcrossNodes: false },
      memoryOverCommitPercent: 150,
      ballooning: true,
      virtService: true,
      glusterService: true,
      timeouts: { create: 30 },
    };
    expect(await failures(clusterProvider, all)).toEqual([]);
  });

  test("the engine's i18n name rule allows letters of any script and dots", async () => {
    expect(await failures(clusterProvider, { ...cluster, name: "Clúster.Nord-1" })).toEqual([]);
  });

  test.each([
    [
      { compatibilityVersion: "4.x" },
      "compatibilityVersion",
      `cluster "ocpcluster": compatibilityVersion "4.x" is not a version like "4.4"`,
    ],
    [
      { name: "ocp cluster" },
      "name",
      `cluster "ocp cluster": name "ocp cluster" may only contain letters, digits, '.', '_' and '-'`,
    ],
    [{ name: "c".repeat(41) }, "name", "is longer than 40 characters"],
    [
      { memoryOverCommitPercent: 50 },
      "memoryOverCommitPercent",
      `cluster "ocpcluster": memoryOverCommitPercent 50 is not an integer between 100 and 1000`,
    ],
    [
      { memoryOverCommitPercent: 1001 },
      "memoryOverCommitPercent",
      "memoryOverCommitPercent 1001 is not an integer between 100 and 1000",
    ],
    [
      { memoryOverCommitPercent: 150.5 },
      "memoryOverCommitPercent",
      "memoryOverCommitPercent 150.5 is not an integer between 100 and 1000",
    ],
    [
      { memoryOverCommitPercent: "150" },
      "memoryOverCommitPercent",
      `memoryOverCommitPercent "150" must be a number`,
    ],
    [
      { cpuArchitecture: "arm64" },
      "cpuArchitecture",
      `cpuArchitecture "arm64" is not one of "x86_64", "ppc64", "s390x"`,
    ],
    [{ cpuType: "" }, "cpuType", `cpuType "" must not be empty`],
    [{ dataCenterId: "" }, "dataCenterId", `dataCenterId "" must not be empty`],
    [{ dataCenterId: undefined }, "dataCenterId", `cluster "ocpcluster": dataCenterId is required`],
    [{ threadsAsCores: "true" }, "threadsAsCores", `threadsAsCores "true" must be true or false`],
    [{ ksm: { mergeAcrossNodes: true } }, "ksm.enabled", `cluster "ocpcluster": ksm.enabled is required`],
    [{ ksm: { enabled: true, merge: true } }, "ksm.merge", `unknown property "ksm.merge"`],
    [{ ksm: true }, "ksm", "ksm true must be an object"],
    [
      { virtService: false },
      "virtService",
      "virtService false cannot be false unless glusterService is true (a cluster needs at least one service)",
    ],
  ])("%j fails on %s", async (change, property, reason) => {
    const f = await onlyFailure(clusterProvider, { ...cluster, ...change });
    expect(f.property).toBe(property);
    expect(f.reason).toContain(reason);
  });

  test("a gluster-only cluster is valid", async () => {
    expect(await failures(clusterProvider, { ...cluster, virtService: false, glusterService: true })).toEqual(
      [],
    );
  });

  test("several problems are reported together", async () => {
    const f = await failures(clusterProvider, {
      ...cluster,
      compatibilityVersion: "x",
      memoryOverCommitPercent: 5,
      cpuArchitecture: "arm",
    });
    expect(f.map((x) => x.property).sort()).toEqual([
      "compatibilityVersion",
      "cpuArchitecture",
      "memoryOverCommitPercent",
    ]);
  });

  test("values not known yet (preview: the data center is still to be created) are not failures", async () => {
    const r = await clusterProvider.check(
      {},
      { ...cluster, dataCenterId: unknownValue, ksm: { enabled: unknownValue } },
    );
    expect(r.failures).toBeUndefined();
    expect(r.inputs?.dataCenterId).toBe(unknownValue);
  });

  test("an unknown value does not hide a real problem elsewhere", async () => {
    const f = await failures(clusterProvider, {
      ...cluster,
      dataCenterId: unknownValue,
      compatibilityVersion: "4.x",
    });
    expect(f.map((x) => x.property)).toEqual(["compatibilityVersion"]);
  });
});
