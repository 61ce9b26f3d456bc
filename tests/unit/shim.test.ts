// The shim is what Pulumi stores in state for every resource: it must stay tiny and carry no
// implementation (only `require` of the compiled runtime and the resource kind).
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { makeShim, SHIM_PACKAGE, shimModuleText } from "../../providers/core/shim";
import { clusterShim } from "../../providers/cluster/resource";
import { dataCenterShim } from "../../providers/datacenter/resource";

// Serialized exactly as pulumi.dynamic.Resource does it (dynamic/index.js serializeFunctionMaybeSecret).
async function serialized(provider: object): Promise<string> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return sf.text;
}

// Words that only appear in the implementation: client, codec, SSO, validation, base logic.
const IMPLEMENTATION_TEXT = [
  "axios",
  "oauth",
  "sso",
  "Bearer",
  "zod",
  "findByName",
  "decode",
  "encode",
  "withRetry",
  "classify",
  "adopt",
  "ovirt-engine/api",
  "password",
  "safeParse",
];

describe("the serialized provider shim", () => {
  test.each([
    ["DataCenter", dataCenterShim, "datacenter"],
    ["Cluster", clusterShim, "cluster"],
  ])("%s's provider serializes to < 4 KB with no implementation in it", async (_name, shim, kind) => {
    const text = await serialized(shim);
    expect(Buffer.byteLength(text, "utf8")).toBeLessThan(4096);
    expect(text).toContain(`require("${SHIM_PACKAGE}/${kind}.js")`);
    expect(shimModuleText(kind)).toContain("providers/runtime.js");
    for (const word of IMPLEMENTATION_TEXT) expect(text.toLowerCase()).not.toContain(word.toLowerCase());
  });

  test("it is the exports of a generated module under node_modules, written for its kind", () => {
    const file = path.join(__dirname, "../../node_modules", SHIM_PACKAGE, "vm.js");
    const shim = makeShim("vm");
    expect(fs.readFileSync(file, "utf8")).toBe(shimModuleText("vm"));
    expect(Object.keys(shim).sort()).toEqual([
      "check",
      "configure",
      "create",
      "delete",
      "diff",
      "read",
      "update",
    ]);
    expect(shimModuleText("vm")).toContain('const kind = "vm";');
  });

  // Stored twice per resource (inputs and outputs): 3.3 KB of copied closures before; see docs/benchmarks.md.
  test.each(["vm", "datacenter", "storagedomain"])(
    "Pulumi stores the %s provider as a require() of that module: < 400 bytes",
    async (kind) => {
      const text = await serialized(makeShim(kind));
      expect(Buffer.byteLength(text, "utf8")).toBeLessThan(400);
      expect(text).toContain(`require("${SHIM_PACKAGE}/${kind}.js")`);
    },
  );

  test("it delegates every provider method", async () => {
    const text = shimModuleText("datacenter");
    for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
      expect(text).toMatch(new RegExp(`\\b${method}\\b`));
    }
  });

  test("two resources of one kind share one serialized text (one configure per kind)", async () => {
    expect(await serialized(dataCenterShim)).toBe(await serialized(dataCenterShim));
    expect(await serialized(dataCenterShim)).not.toBe(await serialized(clusterShim));
  });
});
