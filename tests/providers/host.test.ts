// The host provider's methods called directly against a fresh embedded engine (a child process with
// its own data plane): check, create (waits for up, the engine's install error), read, diff, update
// via maintenance, delete, and create after a crash adopting the half-made host.
import path from "node:path";
import { readHost, registerHost } from "../../simulator/dataplane/hosts";
import type { KindProvider } from "../../providers/core/base";
import { newOperation } from "../../providers/ovirt/context";
import { clientFor, resetRegistry } from "../../providers/ovirt/registry";
import { setLogger } from "../../providers/ovirt/log";
import { configure, provider } from "../../providers/runtime";
import { getJson, list } from "../helpers/engine-api";
import {
  access,
  captureLogger,
  configureRequest,
  engineEntry,
  freshEngine,
  rejection,
  requestsSince,
  uniqueName,
  type Engine,
} from "./support";

const DEFAULT_CLUSTER = "58cfb470-03b9-01d0-03b9-0000000001e7";
const hosts = provider("host");
const clusters = provider("cluster");
const log = captureLogger();
let engine: Engine;
let dataPlane = "";
let otherCluster = "";

async function up(p: KindProvider, news: Record<string, unknown>) {
  const checked = await p.check({}, news);
  expect(checked.failures).toBeUndefined();
  const inputs = checked.inputs as Record<string, unknown>;
  const created = await p.create(inputs);
  return { ...created, inputs, outs: created.outs as Record<string, unknown> };
}

function hostArgs(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const name = uniqueName("h").replace(/_/g, "-");
  return {
    engine: "target",
    name,
    address: `${name}.lab`,
    clusterId: DEFAULT_CLUSTER,
    rootPassword: "root-pw",
    ...extra,
  };
}

const named = async (name: string) =>
  (await list(access(engine), "hosts", "host")).filter((h) => h.name === name);
const actions = (from: number) =>
  requestsSince(engine, from)
    .filter((r) => r.method !== "GET")
    .map((r) => `${r.method} ${r.path.replace(/\/[0-9a-f-]{36}/g, "/ID").replace(/\?.*$/, "")}`);

beforeAll(async () => {
  engine = await freshEngine("4.4");
  dataPlane = path.join(engine.stateDir, "dataplane");
  await configure(configureRequest({ target: engineEntry(engine) }));
  setLogger(log);
  otherCluster = (
    await up(clusters, {
      engine: "target",
      name: uniqueName("hostcl"),
      dataCenterId: "58cfb470-02f3-03d7-0386-0000000003bc",
    })
  ).id;
}, 180_000);

afterAll(async () => {
  await resetRegistry();
  await engine?.stop();
});

test("check names the field and the value before any request", async () => {
  const from = engine.requests().length;
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...hostArgs(), rootPassword: undefined }, "rootPassword is required unless sshPublicKey is set"],
    [
      hostArgs({ sshPublicKey: "ssh-rsa AAAAB3Nza lab" }),
      'sshPublicKey "ssh-rsa AAAAB3Nza lab" cannot be set together with rootPassword: choose one way to log in',
    ],
    [hostArgs({ address: "not an address" }), 'address "not an address" is not a host name or IP address'],
    [hostArgs({ spmPriority: 11 }), "spmPriority 11 is not an integer between -1 and 10"],
    [hostArgs({ sshPort: 70000 }), "sshPort 70000 is not a port number (1-65535)"],
    [
      hostArgs({ powerManagement: { type: "magic", address: "10.0.0.1", username: "u", password: "p" } }),
      'powerManagement.type "magic" is not one of',
    ],
  ];
  for (const [news, reason] of cases) {
    const r = await hosts.check({}, news);
    expect(r.failures?.map((f) => f.reason).join("\n")).toContain(reason);
  }
  expect(engine.requests().length).toBe(from);
});

test("create waits for up with progress lines, outputs hold inputs plus status and versions", async () => {
  const args = hostArgs({ spmPriority: 7, comment: "rack 1" });
  log.infos.length = 0;
  const res = await up(hosts, args);
  expect(res.outs).toMatchObject({
    ...res.inputs,
    status: "up",
    vdsmVersion: expect.stringMatching(/^vdsm-4\.40/) as string,
  });
  const found = await named(String(args.name));
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ status: "up", spm: { priority: "7" }, comment: "rack 1" });
  expect(log.infos.some((l) => l.includes(`host "${String(args.name)}"`))).toBe(true);
  // The password only under its own key (so Pulumi keeps it secret), nowhere else.
  const { rootPassword, ...rest } = res.outs;
  expect(rootPassword).toBe("root-pw");
  expect(JSON.stringify(rest)).not.toContain("root-pw");
  expect(log.infos.join("\n")).not.toContain("root-pw");
  // The add's job, found by the operation's correlation id, is finished.
  const jobs = await getJson<{ job?: Array<{ status: string; description: string }> }>(
    access(engine),
    "jobs",
  );
  expect(
    jobs?.job?.some(
      (j) =>
        j.description === `Adding new Host ${String(args.name)} to Cluster Default` &&
        j.status === "finished",
    ),
  ).toBe(true);
});

test("read returns what create stored: a refresh shows no change", async () => {
  const res = await up(
    hosts,
    hostArgs({
      powerManagement: { type: "ipmilan", address: "10.1.0.5", username: "lom", password: "lom-pw" },
    }),
  );
  const r = await hosts.read(res.id, { ...res.outs, __provider: "shim" });
  expect(r.props).toEqual(res.outs);
  expect(r.inputs).toEqual(res.inputs);
  expect(await hosts.diff(res.id, r.props, res.inputs)).toMatchObject({ changes: false });
});

test("a wrong root password fails with the engine's install text; fixed, the next create adopts and reinstalls", async () => {
  const args = hostArgs({ rootPassword: "wrong" });
  registerHost(dataPlane, String(args.address), "el8", { rootPassword: "right" });
  const err = await rejection(up(hosts, args));
  expect(err.message).toContain(
    `Host ${String(args.name)} installation failed. SSH authentication to 'root@${String(args.address)}' failed.`,
  );
  expect(err.message).not.toContain("wrong");
  const failed = await named(String(args.name));
  expect(failed).toHaveLength(1);
  expect(failed[0].status).toBe("install_failed");
  const res = await up(hosts, { ...args, rootPassword: "right" });
  expect(res.id).toBe(failed[0].id);
  const after = await named(String(args.name));
  expect(after).toHaveLength(1);
  expect(after[0].status).toBe("up");
});

test("an EL7 machine in a 4.6-level cluster: the engine's non_operational reason", async () => {
  const args = hostArgs();
  registerHost(dataPlane, String(args.address), "el7", { rootPassword: "root-pw" });
  const err = await rejection(up(hosts, args));
  expect(err.message).toContain(
    `Host ${String(args.name)} is compatible with versions (4.1,4.2,4.3) and cannot join Cluster Default which is set to version 4.6.`,
  );
  expect(err.message).toContain("non_operational");
});

test("fields editable while up: one PUT, no maintenance", async () => {
  const res = await up(hosts, hostArgs());
  const news = {
    ...res.inputs,
    spmPriority: 2,
    comment: "moved shelf",
    name: `${String(res.inputs.name)}-r`,
  };
  expect(await hosts.diff(res.id, res.outs, news)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  const from = engine.requests().length;
  const u = await hosts.update(res.id, res.outs, news);
  expect(actions(from)).toEqual(["PUT /ovirt-engine/api/hosts/ID"]);
  expect(u.outs).toMatchObject({ spmPriority: 2, comment: "moved shelf", status: "up" });
});

test("a cluster change is in place: maintenance -> update -> activate, said in the diff", async () => {
  const res = await up(hosts, hostArgs());
  const news = { ...res.inputs, clusterId: otherCluster };
  log.infos.length = 0;
  expect(await hosts.diff(res.id, res.outs, news)).toEqual({
    changes: true,
    replaces: [],
    deleteBeforeReplace: false,
  });
  expect(log.infos.join("\n")).toContain("clusterId changes in place via maintenance -> update -> activate");
  const from = engine.requests().length;
  const u = await hosts.update(res.id, res.outs, news);
  expect(actions(from)).toEqual([
    "POST /ovirt-engine/api/hosts/ID/deactivate",
    "PUT /ovirt-engine/api/hosts/ID",
    "POST /ovirt-engine/api/hosts/ID/activate",
  ]);
  const live = await getJson<{ status: string; cluster: { id: string } }>(access(engine), `hosts/${res.id}`);
  expect(live).toMatchObject({ status: "up", cluster: { id: otherCluster } });
  expect(u.outs).toMatchObject({ clusterId: otherCluster, status: "up" });
});

test("another engine is a replacement, old host removed first", async () => {
  const res = await up(hosts, hostArgs());
  log.infos.length = 0;
  const d = await hosts.diff(res.id, res.outs, { ...res.inputs, engine: "legacy" });
  expect(d).toEqual({ changes: true, replaces: ["engine"], deleteBeforeReplace: true });
  expect(log.infos.join("\n")).toContain("a physical host is managed by one engine at a time");
});

test("delete moves the host to maintenance, removes it and releases the machine; a second delete is fine", async () => {
  const res = await up(hosts, hostArgs());
  const from = engine.requests().length;
  await hosts.delete(res.id, res.outs);
  expect(actions(from)).toEqual([
    "POST /ovirt-engine/api/hosts/ID/deactivate",
    "DELETE /ovirt-engine/api/hosts/ID",
  ]);
  expect(await getJson(access(engine), `hosts/${res.id}`)).toBeUndefined();
  expect(readHost(dataPlane, String(res.inputs.address))?.managedBy).toBeUndefined();
  expect(await hosts.read(res.id, res.outs)).toEqual({ id: "" });
  await expect(hosts.delete(res.id, res.outs)).resolves.toBeUndefined();
});

test("create after a crash adopts the half-made host (still installing or in maintenance) without duplicating", async () => {
  const args = hostArgs();
  const client = clientFor("target");
  // A previous run added the host with activate=false and died before waiting.
  const made = await client.hosts.addHost(
    newOperation("crashed", 30_000),
    {
      name: String(args.name),
      address: String(args.address),
      cluster: { id: DEFAULT_CLUSTER },
      root_password: "root-pw",
    },
    false,
  );
  const res = await up(hosts, args);
  expect(res.id).toBe(made.id);
  const found = await named(String(args.name));
  expect(found).toHaveLength(1);
  expect(found[0].status).toBe("up");
  expect(res.outs.status).toBe("up");
});

describe("the user's create timeout", () => {
  let slow: Engine;
  beforeAll(async () => {
    // Real durations: an install takes the engine 40 s, far beyond the 2 s the resource allows.
    slow = await (await import("../../testbed/engine-process")).startEngine({ version: "4.4", timeScale: 1 });
    await configure(configureRequest({ target: engineEntry(engine), slow: engineEntry(slow) }));
  }, 120_000);
  afterAll(async () => {
    await configure(configureRequest({ target: engineEntry(engine) }));
    await slow?.stop();
  });

  test("create gives up after timeouts.create with the last status seen, and progress lines on the way", async () => {
    const args: Record<string, unknown> = { ...hostArgs(), engine: "slow", timeouts: { create: 2 } };
    log.infos.length = 0;
    const started = Date.now();
    const err = await rejection(up(hosts, args));
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(err.message).toMatch(/timed out after \d+s waiting for host ".+" .*to reach/);
    expect(log.infos.some((l) => l.includes("waiting for host"))).toBe(true);
    // The half-made host is there, installing: the next run adopts it instead of adding another.
    const onSlow = (await list(access(slow), "hosts", "host")).filter((h) => h.name === args.name);
    expect(onSlow).toHaveLength(1);
    expect(onSlow[0].status).toBe("installing");
  }, 60_000);
});
