// An interrupted create through the real Pulumi CLI: `pulumi up` of a Host on an engine whose host
// install takes a while (time scale 0.25: ~10 s), interrupted right after the engine logged the POST
// that added the host: (1) the dynamic-provider process SIGKILLed: the CLI records a failed create,
// no pending operation, and a plain rerun of `up` converges; (2) the CLI itself SIGKILLed: the state
// keeps a pending create, which the rerun handles (docs/recovery.md). Either way exactly one host of
// that name exists afterwards, it is the one the first run added, and a further up is empty.
import * as fs from "fs";
import { startEngine } from "../../testbed/engine-process";
import { list } from "../helpers/engine-api";
import { cliPids, programStack, providerPids, type ProgramStack } from "../helpers/stack";

type Engine = Awaited<ReturnType<typeof startEngine>>;
type Obj = Record<string, unknown>;
const DEFAULT_CLUSTER = "58cfb470-03b9-01d0-03b9-0000000001e7";

// Several CLI runs per test; on a shared, loaded machine each can take tens of seconds.
jest.setTimeout(600_000);

let engine: Engine;
let t: ProgramStack;

beforeAll(async () => {
  engine = await startEngine({ version: "4.4", timeScale: 0.25 });
  t = await programStack({ target: engine }, [host("host", "ic-h1")]);
}, 300_000);

afterAll(async () => {
  await engine?.stop();
  if (t) fs.rmSync(t.workDir, { recursive: true, force: true });
});

function host(resource: string, name: string) {
  return {
    kind: "Host",
    name: resource,
    args: {
      engine: "target",
      name,
      address: `${name}.lab`,
      clusterId: DEFAULT_CLUSTER,
      rootPassword: "root-pw",
    },
  };
}

function pendingOps(): Array<[string, string | undefined]> {
  const state = JSON.parse(fs.readFileSync(t.stateFile, "utf8")) as {
    checkpoint: { latest: { pending_operations?: Array<{ type: string; resource: { urn: string } }> } };
  };
  return (state.checkpoint.latest.pending_operations ?? []).map((p) => [
    p.type,
    p.resource.urn.split("::").pop(),
  ]);
}

/** Starts `pulumi up`, waits until the engine logged the POST adding a host, then kills `victims()`. */
async function interruptedUp(victims: () => number[]): Promise<Error | undefined> {
  const from = engine.requests().length;
  const run = t.stack.up().then(
    () => undefined,
    (err: Error) => err,
  );
  await until("the POST /hosts in the engine's request log", () =>
    engine
      .requests()
      .slice(from)
      .some(
        (r) =>
          r.method === "POST" && /\/ovirt-engine\/api\/hosts$/.test(r.path.split("?")[0]) && r.status < 300,
      ),
  );
  const pids = victims();
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  return run;
}

async function until(what: string, ok: () => boolean, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const hostsNamed = async (name: string) =>
  (await list(engine, "hosts", "host")).filter((h) => h.name === name);

test("provider killed after the engine accepted the add: a plain rerun of up converges with one host", async () => {
  const err = await interruptedUp(() => providerPids(t.workDir));
  expect(err).toBeInstanceOf(Error);
  // The CLI saw the create fail: nothing pending, nothing recorded.
  expect(pendingOps()).toEqual([]);
  const half = await hostsNamed("ic-h1");
  expect(half).toHaveLength(1);
  expect(half[0].status).not.toBe("up");

  let output = "";
  const res = await t.stack.up({ onOutput: (s) => (output += s) });
  expect(res.summary.result).toBe("succeeded");
  expect(output).toContain(`adopting the existing host ${String(half[0].id)}`);
  const after = await hostsNamed("ic-h1");
  expect(after).toHaveLength(1);
  expect(after[0].status).toBe("up");
  expect((res.outputs.resourcesOut.value as Record<string, Obj>).host.id).toBe(half[0].id);
  const again = await t.stack.up();
  expect(Object.keys(again.summary.resourceChanges ?? {})).toEqual(["same"]);
});

test("CLI killed after the engine accepted the add: the pending create is handled, one host", async () => {
  t.setResources([host("host", "ic-h1"), host("host2", "ic-h2")]);
  const err = await interruptedUp(() => [...cliPids(t.workDir), ...providerPids(t.workDir)]);
  expect(err).toBeInstanceOf(Error);
  expect(pendingOps()).toContainEqual(["creating", "host2"]);
  const half = await hostsNamed("ic-h2");
  expect(half).toHaveLength(1);
  // docs/recovery.md: the file backend keeps the dead CLI's lock (`pulumi cancel` removes it); the
  // pending create is dropped by `pulumi refresh --clear-pending-creates`; then `up` creates again,
  // and create finds the half-made host by name.
  await t.stack.cancel();
  await t.stack.refresh({ clearPendingCreates: true });
  expect(pendingOps()).toEqual([]);
  let output = "";
  const res = await t.stack.up({ onOutput: (s) => (output += s) });
  expect(res.summary.result).toBe("succeeded");
  expect(output).toContain(`adopting the existing host ${String(half[0].id)}`);
  expect(pendingOps()).toEqual([]);
  const after = await hostsNamed("ic-h2");
  expect(after).toHaveLength(1);
  expect(after[0].id).toBe(half[0].id);
  expect(after[0].status).toBe("up");
  expect((res.outputs.resourcesOut.value as Record<string, Obj>).host2.id).toBe(half[0].id);
  const again = await t.stack.up();
  expect(Object.keys(again.summary.resourceChanges ?? {})).toEqual(["same"]);
});
