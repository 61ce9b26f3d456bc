// The shim is what Pulumi stores in state for every resource: it must stay tiny and carry no
// implementation (only `require` of the compiled runtime and the resource kind).
import * as pulumi from "@pulumi/pulumi";
import { makeShim } from "../../providers/core/shim";
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
    expect(text).toContain("providers/runtime.js");
    expect(text).toContain(`"${kind}"`);
    for (const word of IMPLEMENTATION_TEXT) expect(text.toLowerCase()).not.toContain(word.toLowerCase());
  });

  test("it delegates every provider method", async () => {
    const text = await serialized(makeShim("datacenter"));
    for (const method of ["configure", "check", "diff", "create", "read", "update", "delete"]) {
      expect(text).toMatch(new RegExp(`\\b${method}\\b`));
    }
  });

  test("two resources of one kind share one serialized text (one configure per kind)", async () => {
    expect(await serialized(dataCenterShim)).toBe(await serialized(dataCenterShim));
    expect(await serialized(dataCenterShim)).not.toBe(await serialized(clusterShim));
  });
});
