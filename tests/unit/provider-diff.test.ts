// `diff` of each provider, called directly: field-by-field, in-place update vs replace, and
// delete-before-replace when the replacement would clash with the old object's name.
import { unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { clusterProvider } from "../../providers/cluster/provider";
import { dataCenterProvider } from "../../providers/datacenter/provider";

const dcOuts = {
  engine: "target",
  name: "lab_dc",
  description: "the lab",
  local: false,
  compatibilityVersion: "4.3",
  status: "uninitialized",
  supportedVersions: ["4.2", "4.3", "4.4"],
  __provider: "shim text",
};
const dcIn = {
  engine: "target",
  name: "lab_dc",
  description: "the lab",
  local: false,
  compatibilityVersion: "4.3",
  __provider: "shim text",
};

const clOuts = {
  engine: "target",
  name: "ocpcluster",
  dataCenterId: "dc-1",
  description: "OpenShift nodes",
  cpuArchitecture: "x86_64",
  cpuType: "Intel Skylake Family",
  threadsAsCores: true,
  ksm: { enabled: true, mergeAcrossNodes: true },
  memoryOverCommitPercent: 150,
  supportedVersions: ["4.4"],
};
const clIn = {
  engine: "target",
  name: "ocpcluster",
  dataCenterId: "dc-1",
  description: "OpenShift nodes",
  cpuArchitecture: "x86_64",
  cpuType: "Intel Skylake Family",
  threadsAsCores: true,
  ksm: { enabled: true, mergeAcrossNodes: true },
  memoryOverCommitPercent: 150,
};

describe("data center diff", () => {
  test("nothing changed", async () => {
    expect(await dataCenterProvider.diff("id", dcOuts, dcIn)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test.each([
    ["name", { name: "lab_dc2" }],
    ["description", { description: "edited" }],
    ["comment", { comment: "new" }],
    ["compatibilityVersion", { compatibilityVersion: "4.4" }],
    ["local", { local: true }],
    ["quotaMode", { quotaMode: "audit" }],
    ["timeouts", { timeouts: { create: 10 } }],
  ])("%s is updated in place", async (_f, change) => {
    expect(await dataCenterProvider.diff("id", dcOuts, { ...dcIn, ...change })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("another engine is a replacement, made before the old one goes (they can coexist)", async () => {
    expect(await dataCenterProvider.diff("id", dcOuts, { ...dcIn, engine: "legacy" })).toEqual({
      changes: true,
      replaces: ["engine"],
      deleteBeforeReplace: false,
    });
  });

  test("an input removed from the program is no longer managed: no change", async () => {
    const { description: _d, ...without } = dcIn;
    expect((await dataCenterProvider.diff("id", dcOuts, without)).changes).toBe(false);
  });
});

describe("cluster diff", () => {
  test("nothing changed", async () => {
    expect(await clusterProvider.diff("id", clOuts, clIn)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test.each([
    ["name", { name: "ocp2" }],
    ["description", { description: "edited" }],
    ["comment", { comment: "c" }],
    ["compatibilityVersion", { compatibilityVersion: "4.5" }],
    ["cpuType", { cpuType: "Intel Icelake Server Family" }],
    ["threadsAsCores", { threadsAsCores: false }],
    ["ksm", { ksm: { enabled: false } }],
    ["memoryOverCommitPercent", { memoryOverCommitPercent: 200 }],
    ["ballooning", { ballooning: true }],
    ["virtService", { virtService: true }],
    ["glusterService", { glusterService: true }],
  ])("%s is updated in place", async (_f, change) => {
    expect(await clusterProvider.diff("id", clOuts, { ...clIn, ...change })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test.each([
    ["dataCenterId", { dataCenterId: "dc-2" }],
    ["cpuArchitecture", { cpuArchitecture: "ppc64" }],
  ])("%s is a replacement; same name on the same engine: delete first", async (field, change) => {
    expect(await clusterProvider.diff("id", clOuts, { ...clIn, ...change })).toEqual({
      changes: true,
      replaces: [field],
      deleteBeforeReplace: true,
    });
  });

  test("a replacement under a new name can be made before the old one is deleted", async () => {
    expect(await clusterProvider.diff("id", clOuts, { ...clIn, dataCenterId: "dc-2", name: "ocp2" })).toEqual(
      {
        changes: true,
        replaces: ["dataCenterId"],
        deleteBeforeReplace: false,
      },
    );
  });

  test("another engine is a replacement that can coexist with the old cluster", async () => {
    expect(await clusterProvider.diff("id", clOuts, { ...clIn, engine: "legacy" })).toEqual({
      changes: true,
      replaces: ["engine"],
      deleteBeforeReplace: false,
    });
  });

  test("a data center id not known yet (its data center is being replaced) means replace", async () => {
    expect(await clusterProvider.diff("id", clOuts, { ...clIn, dataCenterId: unknownValue })).toEqual({
      changes: true,
      replaces: ["dataCenterId"],
      deleteBeforeReplace: true,
    });
  });

  test("nested inputs compare only the keys that are set", async () => {
    expect((await clusterProvider.diff("id", clOuts, { ...clIn, ksm: { enabled: true } })).changes).toBe(
      false,
    );
    expect(
      (await clusterProvider.diff("id", clOuts, { ...clIn, ksm: { enabled: true, mergeAcrossNodes: false } }))
        .changes,
    ).toBe(true);
  });

  test("several changes at once: replace wins, every replacing field is named", async () => {
    const d = await clusterProvider.diff("id", clOuts, {
      ...clIn,
      description: "x",
      dataCenterId: "dc-2",
      cpuArchitecture: "s390x",
    });
    expect(d.changes).toBe(true);
    expect(d.replaces?.sort()).toEqual(["cpuArchitecture", "dataCenterId"]);
  });
});
