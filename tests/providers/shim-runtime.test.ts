// The shim as the dynamic-provider process runs it: the text Pulumi stores, loaded from a string
// (as require-from-string does in @pulumi/pulumi/cmd/dynamic-provider), delegating to the
// compiled runtime in dist/. Needs `npm run build` first.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { dataCenterShim } from "../../providers/datacenter/resource";
import { getJson } from "../helpers/engine-api";
import { access, configureRequest, engineEntry, freshEngine, uniqueName, type Engine } from "./support";

const runtimeJs = path.resolve("dist/providers/runtime.js");
let engine: Engine;

beforeAll(async () => {
  if (!fs.existsSync(runtimeJs)) {
    throw new Error(`${runtimeJs} is missing: run \`npm run build\` before the provider tests`);
  }
  engine = await freshEngine("4.4");
}, 180_000);

afterAll(async () => {
  const registry = require(
    path.resolve("dist/providers/ovirt/registry.js"),
  ) as typeof import("../../providers/ovirt/registry");
  await registry.resetRegistry();
  await engine?.stop();
});

async function loadShim(): Promise<pulumi.dynamic.ResourceProvider> {
  const sf = await pulumi.runtime.serializeFunction(() => dataCenterShim, { allowSecrets: true });
  const requireFromString = require("require-from-string") as (code: string) => {
    handler: () => pulumi.dynamic.ResourceProvider;
  };
  return requireFromString(sf.text).handler();
}

// Pulumi starts the provider in the directory of `main` (dist/, see Pulumi.yaml); from the project
// root (no `main`) the shim must work as well.
test.each([
  ["the project root", "."],
  ["dist/, where Pulumi starts it", "dist"],
])(
  "the serialized DataCenter provider, started in %s, runs every method through dist/",
  async (_where, dir) => {
    const shim = await loadShim();
    const home = process.cwd();
    process.chdir(path.resolve(dir));
    try {
      await roundTrip(shim);
    } finally {
      process.chdir(home);
    }
  },
);

async function roundTrip(shim: pulumi.dynamic.ResourceProvider): Promise<void> {
  await shim.configure!(configureRequest({ target: engineEntry(engine) }));
  const checked = await shim.check!(
    {},
    { engine: "target", name: uniqueName("shim_dc"), description: "via the shim" },
  );
  expect(checked.failures).toBeUndefined();
  const created = await shim.create(checked.inputs);
  expect(await getJson(access(engine), `datacenters/${created.id}`)).toMatchObject({
    description: "via the shim",
  });
  const read = await shim.read!(created.id, created.outs);
  expect(read.props).toEqual(created.outs);
  await shim.delete!(created.id, created.outs);
  expect(await getJson(access(engine), `datacenters/${created.id}`)).toBeUndefined();
}
