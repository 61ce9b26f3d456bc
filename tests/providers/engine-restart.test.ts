// An engine that dies (kill -9) and comes back while an operation runs: refused connections are
// retried with backoff and the operation completes against the restarted engine.
import { startEngine } from "../../testbed/engine-process";
import { setLogger } from "../../providers/ovirt/log";
import { resetRegistry } from "../../providers/ovirt/registry";
import { configure, provider } from "../../providers/runtime";
import { captureLogger, configureRequest, engineEntry, uniqueName, type Engine } from "./support";

const dcs = provider("datacenter");
const log = captureLogger();
let first: Engine | undefined;
let second: Engine | undefined;

afterAll(async () => {
  await resetRegistry();
  await Promise.allSettled([first?.stop(), second?.stop()]);
});

test("a read started while the engine is down finishes once it is back", async () => {
  first = await startEngine({ version: "4.4", timeScale: 0 });
  await configure(configureRequest({ target: engineEntry(first) }));
  setLogger(log);
  const created = await dcs.create({
    engine: "target",
    name: uniqueName("dc"),
    local: false,
    description: "survives",
  });

  first.kill9();
  const reading = dcs.read(created.id, created.outs);
  await new Promise((r) => setTimeout(r, 1_500));
  second = await startEngine({
    version: "4.4",
    timeScale: 0,
    stateDir: first.stateDir,
    port: Number(new URL(first.url).port),
    adminPassword: first.adminPassword,
  });

  const r = await reading;
  expect(r.id).toBe(created.id);
  expect(r.props).toEqual(created.outs);
  // The refused attempts were logged as retries, not failures.
  expect(log.infos.some((l) => /ECONNREFUSED.*; retry \d+ in/.test(l))).toBe(true);
}, 120_000);
