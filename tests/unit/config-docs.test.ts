// The JSON Schema and the configuration reference are generated from the zod schema and committed:
// they must match what the generator makes now.
import * as fs from "fs";
import * as path from "path";
import { configJsonSchema, configReference } from "../../tools/config-docs";
import { repoRoot } from "../../testbed/paths";

test("config/ovirt-lab.schema.json is up to date (node dist/tools/config-docs.js)", () => {
  const committed = fs.readFileSync(path.join(repoRoot, "config", "ovirt-lab.schema.json"), "utf8");
  expect(committed).toBe(JSON.stringify(configJsonSchema(), null, 2) + "\n");
});

test("docs/configuration.md is up to date and documents every lab section", () => {
  const committed = fs.readFileSync(path.join(repoRoot, "docs", "configuration.md"), "utf8");
  expect(committed).toBe(configReference());
  for (const key of [
    "hosts[].cluster",
    "gluster.volumes[].replica",
    "storageDomains[].destroyDataOnDelete",
    "vmGroups[].count",
  ]) {
    expect(committed).toContain(`\`${key}\``);
  }
});

test("the JSON Schema marks the lab's required fields", () => {
  const schema = configJsonSchema() as {
    properties: Record<string, { properties: Record<string, { required?: string[] }> }>;
  };
  expect(schema.properties["ovirt-lab:lab"].properties.dataCenter.required).toEqual(["name"]);
});
