// One provider process, two engines (the legacy 4.3 and the target 4.4), as a stack spanning the
// migration has them: each resource goes to the engine it names, with that engine's rules.
import { setLogger } from "../../providers/ovirt/log";
import { clientFor, resetRegistry } from "../../providers/ovirt/registry";
import { newOperation } from "../../providers/ovirt/context";
import { configure, provider } from "../../providers/runtime";
import { list } from "../helpers/engine-api";
import {
  access,
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  rejection,
  uniqueName,
  type Engine,
} from "./support";

const dcs = provider("datacenter");
const clusters = provider("cluster");
let legacy: Engine;
let target: Engine;

beforeAll(async () => {
  [legacy, target] = await Promise.all([freshEngine("4.3"), freshEngine("4.4")]);
  await configure(configureRequest({ legacy: engineEntry(legacy), target: engineEntry(target) }));
  setLogger(captureLogger());
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await Promise.allSettled([legacy?.stop(), target?.stop()]);
});

test("each engine reports its own product version", async () => {
  const ctx = newOperation("test", 20_000);
  expect(await clientFor("legacy").api.productVersion(ctx)).toMatchObject({ major: 4, minor: 3 });
  expect(await clientFor("target").api.productVersion(ctx)).toMatchObject({ major: 4, minor: 4 });
});

test("the same names on both engines are two objects, each where it was declared", async () => {
  const name = uniqueName("dc");
  const onLegacy = await dcs.create({ engine: "legacy", name, local: false, compatibilityVersion: "4.3" });
  const onTarget = await dcs.create({ engine: "target", name, local: false, compatibilityVersion: "4.4" });
  expect(onLegacy.id).not.toBe(onTarget.id);
  expect(
    (await list(access(legacy), "datacenters", "data_center"))
      .filter((d) => d.name === name)
      .map((d) => d.id),
  ).toEqual([onLegacy.id]);
  expect(
    (await list(access(target), "datacenters", "data_center"))
      .filter((d) => d.name === name)
      .map((d) => d.id),
  ).toEqual([onTarget.id]);
  const c = await clusters.create({
    engine: "legacy",
    name: uniqueName("c"),
    dataCenterId: onLegacy.id,
    cpuArchitecture: "x86_64",
    compatibilityVersion: "4.3",
  });
  expect((await clusters.read(c.id, c.outs)).id).toBe(c.id);
});

test("the legacy engine refuses level 4.4 with its own text", async () => {
  const err = await rejection(
    dcs.create({ engine: "legacy", name: uniqueName("dc"), local: false, compatibilityVersion: "4.4" }),
  );
  expect(err.message).toContain(
    'engine "legacy": POST /datacenters failed: [Cannot create Data Center. Selected Compatibility Version is not supported.]',
  );
  expect(err.kind).toBe("validation");
});

test("moving a data center to the other engine is a replacement that may coexist", async () => {
  const outs = { engine: "legacy", name: "lab", local: false };
  expect(await dcs.diff("id", outs, { ...outs, engine: "target" })).toEqual({
    changes: true,
    replaces: ["engine"],
    deleteBeforeReplace: false,
  });
});
