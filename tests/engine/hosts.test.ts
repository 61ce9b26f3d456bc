// Hosts over HTTP: the install state machine (time scale 0 and a small non-zero scale), every action,
// the engine's fault texts, search, update/remove rules, and the jobs and events each command leaves.
import fs from "node:fs";
import path from "node:path";
import { readHost, registerHost, updateHost } from "../../simulator/dataplane/hosts";
import type { RunningEngine } from "../../simulator/engine";
import { SETUP_IDS } from "../../simulator/setup";
import { ApiClient, entityOf, faultOf, tempStateDir } from "./support/engine";
import {
  actionFault,
  eventsOf,
  hostXml,
  idOf,
  items,
  jobsOf,
  startWithDataPlane,
  waitStatus,
} from "./hosts-support";

const DEFAULT_CLUSTER = SETUP_IDS.defaultCluster;

describe("hosts on a 4.4 engine (time scale 0)", () => {
  let engine: RunningEngine;
  let api: ApiClient;
  const dataPlane = tempStateDir("dp44");
  let n = 0;
  const unique = (p: string) => `${p}${++n}`;

  /** Adds a host and waits until it settles; returns its id and the add's correlation id. */
  async function addHost(f: { name?: string; address?: string; password?: string; query?: string } = {}) {
    const name = f.name ?? unique("h");
    const cid = unique("add-");
    const res = await api.post(
      `hosts${f.query ?? ""}`,
      hostXml({
        name,
        address: f.address ?? `${name}.lab`,
        cluster: DEFAULT_CLUSTER,
        password: f.password ?? "pw",
      }),
      { "correlation-id": cid },
    );
    expect(res.status).toBe(201);
    const id = idOf(res);
    return { id, name, cid, res };
  }

  beforeAll(async () => {
    engine = await startWithDataPlane("4.4", dataPlane);
    api = await ApiClient.connect(engine);
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("add answers 201 installing, then the host comes up; job and events carry the correlation id", async () => {
    const { id, name, cid, res } = await addHost();
    expect(entityOf(res, "host").status).toBe("installing");
    expect(res.headers.location).toMatch(new RegExp(`/ovirt-engine/api/hosts/${id}$`));
    await waitStatus(api, id, ["up"]);
    const host = entityOf(await api.get(`hosts/${id}`), "host");
    expect(host).toMatchObject({
      address: `${name}.lab`,
      port: 54321,
      protocol: "stomp",
      os: { type: "RHEL", version: { major: 8 } },
      version: { major: 4, minor: 40 },
      spm: { priority: 5, status: "none" },
    });
    const jobs = await jobsOf(api, cid);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      description: `Adding new Host ${name} to Cluster Default`,
      status: "finished",
    });
    const events = await eventsOf(api, cid);
    const texts = events.map((e) => e.description);
    expect(texts).toContain(`Host ${name} was added by admin@internal-authz.`);
    expect(texts).toContain(`Host ${name} installed`);
    expect(texts).toContain(`Status of host ${name} was set to Up.`);
    // Newest first.
    const indexes = events.map((e) => Number(e.index));
    expect([...indexes].sort((a, b) => b - a)).toEqual(indexes);
    // The machine is registered in the data plane, EL8 for a 4.4 engine, managed by this engine.
    const m = readHost(dataPlane, `${name}.lab`)!;
    expect(m.os).toBe("el8");
    expect(m.managedBy?.hostId).toBe(id);
  });

  test("activate=false ends in maintenance", async () => {
    const { id } = await addHost({ query: "?activate=false" });
    expect(await waitStatus(api, id, ["maintenance", "up"])).toContain("maintenance");
  });

  test("a wrong root password ends install_failed with the engine's event text", async () => {
    const address = "badpw.lab";
    registerHost(dataPlane, address, "el8", { rootPassword: "right" });
    const { id, name, cid } = await addHost({ address, password: "wrong" });
    await waitStatus(api, id, ["install_failed"]);
    const failed = (await eventsOf(api, cid)).find((e) => String(e.code) === "505");
    expect(failed).toMatchObject({
      severity: "error",
      description:
        `Host ${name} installation failed. SSH authentication to 'root@${address}' failed. ` +
        "Please verify provided credentials. Make sure key is authorized at host.",
    });
    expect((await jobsOf(api, cid))[0]).toMatchObject({ status: "failed" });
    // install_failed hosts can be removed; a reinstall with the right password brings it up.
    const cid2 = "reinstall-1";
    const re = await api.post(
      `hosts/${id}/install`,
      "<action><root_password>right</root_password></action>",
      {
        "correlation-id": cid2,
      },
    );
    expect(re.status).toBe(200);
    await waitStatus(api, id, ["up"]);
    expect((await jobsOf(api, cid2))[0]).toMatchObject({
      description: `Installing Host ${name}`,
      status: "finished",
    });
  });

  test("add faults: missing members, duplicate name and address, empty password", async () => {
    const cases: Array<[string, number, string, string]> = [
      [
        hostXml({ address: "x", cluster: DEFAULT_CLUSTER, password: "p" }),
        400,
        "Input validation failed.",
        "Parameter 'host.name' is mandatory but was not provided.",
      ],
      [
        hostXml({ name: "x", cluster: DEFAULT_CLUSTER, password: "p" }),
        400,
        "Input validation failed.",
        "Parameter 'host.address' is mandatory but was not provided.",
      ],
      [
        hostXml({ name: "x", address: "x", password: "p" }),
        400,
        "Input validation failed.",
        "Parameters 'host.cluster.id' or 'host.cluster.name' are mandatory but both were not provided.",
      ],
      [
        hostXml({ name: "x", address: "x", clusterName: "nope", password: "p" }),
        404,
        "Operation Failed",
        "Entity not found: Cluster: name=nope",
      ],
      [
        hostXml({ name: "x", address: "x", cluster: DEFAULT_CLUSTER }),
        400,
        "Operation Failed",
        "[Cannot add Host. Root password is empty.]",
      ],
    ];
    for (const [body, status, reason, detail] of cases) {
      const res = await api.post("hosts", body);
      expect({ status: res.status, ...faultOf(res) }).toEqual({ status, reason, detail });
    }
    const { name } = await addHost();
    const dupName = await api.post(
      "hosts",
      hostXml({ name, address: "other.lab", cluster: DEFAULT_CLUSTER, password: "p" }),
    );
    expect({ status: dupName.status, ...faultOf(dupName) }).toEqual({
      status: 409,
      reason: "Operation Failed",
      detail:
        "[Cannot add Host. The Host name is already in use, please choose a unique name and try again.]",
    });
    const dupAddr = await api.post(
      "hosts",
      hostXml({ name: unique("o"), address: `${name}.LAB`, cluster: DEFAULT_CLUSTER, password: "p" }),
    );
    expect({ status: dupAddr.status, ...faultOf(dupAddr) }).toEqual({
      status: 409,
      reason: "Operation Failed",
      detail: "[Cannot add Host. Host with the same address already exists.]",
    });
  });

  test("deactivate -> maintenance, activate -> up, with <action> answers that link their job", async () => {
    const { id, name } = await addHost();
    await waitStatus(api, id, ["up"]);
    const d = await api.post(`hosts/${id}/deactivate`, "<action/>", { "correlation-id": "deact-1" });
    expect(d.status).toBe(200);
    const action = d.parsed().action as Record<string, unknown>;
    expect(action.status).toBe("complete");
    const jobId = (action.job as Record<string, string>)["@id"];
    expect((action.job as Record<string, string>)["@href"]).toBe(`/ovirt-engine/api/jobs/${jobId}`);
    await waitStatus(api, id, ["maintenance"]);
    const job = entityOf(await api.get(`jobs/${jobId}`), "job");
    expect(job).toMatchObject({ description: `Moving Host(s) ${name} to Maintenance`, status: "finished" });
    const steps = items(await api.get(`jobs/${jobId}/steps`), "step");
    expect(steps[0]).toMatchObject({ type: "executing", status: "finished" });

    const again = await api.post(`hosts/${id}/deactivate`, "<action/>");
    expect(again.status).toBe(409);
    expect(actionFault(again)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot switch Host to Maintenance mode. Host is already in Maintenance mode.]",
      status: "failed",
    });
    const a = await api.post(`hosts/${id}/activate`, "<action/>", { "correlation-id": "act-1" });
    expect(a.status).toBe(200);
    await waitStatus(api, id, ["up"]);
    expect((await jobsOf(api, "act-1"))[0]).toMatchObject({
      description: `Invoking Activate Host ${name}`,
      status: "finished",
    });
    expect((await eventsOf(api, "act-1")).map((e) => e.description)).toContain(
      `Activation of host ${name} initiated by admin@internal-authz.`,
    );
    const up = await api.post(`hosts/${id}/activate`, "<action/>");
    expect(up.status).toBe(409);
    expect(actionFault(up).detail).toBe("[Cannot activate Host. Host is already Up.]");
  });

  test("operations that need maintenance are refused while up, with the engine's texts", async () => {
    const { id } = await addHost();
    await waitStatus(api, id, ["up"]);
    const rm = await api.delete(`hosts/${id}`);
    expect({ status: rm.status, ...faultOf(rm) }).toEqual({
      status: 409,
      reason: "Operation Failed",
      detail: "[Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first.]",
    });
    const put = await api.put(`hosts/${id}`, "<host><address>moved.lab</address></host>");
    expect({ status: put.status, ...faultOf(put) }).toEqual({
      status: 409,
      reason: "Operation Failed",
      detail:
        "[Cannot edit Host. Host parameters cannot be modified while Host is operational.\nPlease switch Host to Maintenance mode first.]",
    });
    const inst = await api.post(`hosts/${id}/install`, "<action><root_password>pw</root_password></action>");
    expect(inst.status).toBe(409);
    expect(actionFault(inst).detail).toBe(
      "[Cannot install Host. Please move Host to Maintenance mode first.]",
    );
    const upg = await api.post(`hosts/${id}/upgrade`, "<action/>");
    expect(actionFault(upg).detail).toBe(
      "[Cannot upgrade Host. There are no available updates for the host.]",
    );
    const fence = await api.post(`hosts/${id}/fence`, "<action><fence_type>restart</fence_type></action>");
    expect(actionFault(fence).detail).toBe(
      "[Cannot restart Host. Power Management is not enabled for the Host.]",
    );
    const badType = await api.post(`hosts/${id}/fence`, "<action><fence_type>reboot</fence_type></action>");
    expect(badType.status).toBe(400);
    expect(actionFault(badType)).toMatchObject({
      reason: "Invalid value",
      detail: "reboot is not a member of FenceType",
    });
    const noType = await api.post(`hosts/${id}/fence`, "<action/>");
    expect(noType.status).toBe(400);
    expect(actionFault(noType).detail).toBe(
      "Parameter 'action.fence_type' is mandatory but was not provided.",
    );
  });

  test("fields the engine edits while up: name, comment, SPM priority, power management (password never shown)", async () => {
    const { id } = await addHost();
    await waitStatus(api, id, ["up"]);
    const newName = unique("renamed");
    const res = await api.put(
      `hosts/${id}`,
      `<host><name>${newName}</name><comment>rack 3</comment><spm><priority>7</priority></spm>` +
        "<power_management><enabled>true</enabled><type>ipmilan</type><address>10.0.0.9</address>" +
        "<username>admin</username><password>lom-secret</password></power_management></host>",
      { "correlation-id": "upd-1" },
    );
    expect(res.status).toBe(200);
    expect(res.body).not.toContain("lom-secret");
    expect(entityOf(res, "host")).toMatchObject({ name: newName, comment: "rack 3", spm: { priority: 7 } });
    const got = await api.get(`hosts/${id}`);
    expect(got.body).not.toContain("lom-secret");
    expect(got.body).not.toContain("password");
    const agents = items(await api.get(`hosts/${id}/fenceagents`), "agent");
    expect(agents[0]).toMatchObject({ address: "10.0.0.9", type: "ipmilan", username: "admin" });
    expect(JSON.stringify(agents)).not.toContain("lom-secret");
    expect((await jobsOf(api, "upd-1"))[0]).toMatchObject({
      description: `Updating Host ${newName} properties`,
    });
    // With power management the host can be fenced: restart goes through reboot back to up.
    const f = await api.post(`hosts/${id}/fence`, "<action><fence_type>restart</fence_type></action>");
    expect(f.status).toBe(200);
    await waitStatus(api, id, ["up"]);
    const st = await api.post(`hosts/${id}/fence`, "<action><fence_type>status</fence_type></action>");
    expect((st.parsed().action as Record<string, unknown>).power_management).toEqual({ status: "on" });
  });

  test("in maintenance: move to another cluster (ChangeVDSCluster job), remove (releases the machine), then the cluster can go", async () => {
    const { id, name } = await addHost();
    await waitStatus(api, id, ["up"]);
    const cl = await api.post(
      "clusters",
      `<cluster><name>${unique("cl")}</name><data_center id="${SETUP_IDS.defaultDataCenter}"/></cluster>`,
    );
    const clusterId = idOf(cl, "cluster");
    await api.post(`hosts/${id}/deactivate`, "<action/>");
    await waitStatus(api, id, ["maintenance"]);
    const moved = await api.put(`hosts/${id}`, `<host><cluster id="${clusterId}"/></host>`, {
      "correlation-id": "move-1",
    });
    expect(moved.status).toBe(200);
    const clusterName = String(entityOf(cl, "cluster").name);
    expect((await jobsOf(api, "move-1")).map((j) => j.description)).toEqual([
      `Changing Host ${name} Cluster to ${clusterName}`,
      `Updating Host ${name} properties`,
    ]);
    expect((entityOf(moved, "host").cluster as Record<string, string>)["@id"]).toBe(clusterId);
    const cid = "rm-1";
    const rm = await api.delete(`hosts/${id}`, { "correlation-id": cid });
    expect(rm.status).toBe(200);
    expect((await api.get(`hosts/${id}`)).status).toBe(404);
    expect(readHost(dataPlane, `${name}.lab`)!.managedBy).toBeUndefined();
    expect((await eventsOf(api, cid)).map((e) => e.description)).toContain(
      `Host ${name} was removed by admin@internal-authz.`,
    );
    // The cluster can go once its hosts are gone.
    expect((await api.delete(`clusters/${clusterId}`)).status).toBe(200);
  });

  test("upgradecheck finds updates the machine has, upgrade installs them and the host returns to up", async () => {
    const { id, name } = await addHost();
    await waitStatus(api, id, ["up"]);
    const before = readHost(dataPlane, `${name}.lab`)!.vdsm.build;
    updateHost(dataPlane, `${name}.lab`, (m) => ({ ...m, updatesAvailable: true }));
    const chk = await api.post(`hosts/${id}/upgradecheck`, "<action/>", { "correlation-id": "chk-1" });
    expect(chk.status).toBe(200);
    for (
      let i = 0;
      i < 200 && String(entityOf(await api.get(`hosts/${id}`), "host").update_available) !== "true";
      i++
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(entityOf(await api.get(`hosts/${id}`), "host").update_available).toBe(true);
    const found = (await eventsOf(api, "chk-1")).find((e) => String(e.code) === "885");
    expect(found?.description).toBe(
      `Check for available updates on host ${name} was completed successfully with message 'found updates for packages vdsm, vdsm-client'.`,
    );
    const up = await api.post(`hosts/${id}/upgrade`, "<action/>", { "correlation-id": "upg-1" });
    expect(up.status).toBe(200);
    for (let i = 0; i < 300 && readHost(dataPlane, `${name}.lab`)!.vdsm.build === before; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitStatus(api, id, ["up"]);
    const host = entityOf(await api.get(`hosts/${id}`), "host");
    expect(host.update_available).toBe(false);
    expect(readHost(dataPlane, `${name}.lab`)!.vdsm.build).toBe(before + 1);
    const codes = (await eventsOf(api, "upg-1")).map((e) => String(e.code));
    expect(codes).toEqual(expect.arrayContaining(["840", "888"]));
    expect((await jobsOf(api, "upg-1"))[0]).toMatchObject({
      description: `Upgrading Host ${name}`,
      status: "finished",
    });
    // upgradecheck needs up or non_operational
    await api.post(`hosts/${id}/deactivate`, "<action/>");
    await waitStatus(api, id, ["maintenance"]);
    const bad = await api.post(`hosts/${id}/upgradecheck`, "<action/>");
    expect(actionFault(bad).detail).toBe(
      "[Cannot check for upgrade Host. Valid Host statuses for upgrade check are Up or Non-Operational.]",
    );
  });

  test("search by the host keywords", async () => {
    const { name } = await addHost();
    const { id: mId, name: mName } = await addHost({ query: "?activate=false" });
    await waitStatus(api, mId, ["maintenance"]);
    const names = async (q: string) =>
      items(await api.get(`hosts?search=${encodeURIComponent(q)}`), "host").map((h) => h.name);
    expect(await names(`name=${name}`)).toEqual([name]);
    expect(await names(`address=${mName}.lab`)).toEqual([mName]);
    expect(await names("status=maintenance")).toContain(mName);
    expect(await names("status=maintenance")).not.toContain(name);
    expect(await names(`cluster=Default and name=${name}`)).toEqual([name]);
    expect(await names(`datacenter=Default and name=${mName}`)).toEqual([mName]);
    expect(await names("cluster=nosuch")).toEqual([]);
  });

  test("events: from, max, type=, severity>=, newest first; GET by index", async () => {
    const all = items(await api.get("events"), "event");
    expect(all.length).toBeGreaterThan(5);
    const newest = Number(all[0].index);
    const one = items(await api.get("events?max=1"), "event");
    expect(Number(one[0].index)).toBe(newest);
    const later = items(await api.get(`events?from=${newest - 2}`), "event");
    expect(later.map((e) => Number(e.index))).toEqual([newest, newest - 1]);
    const errors = items(await api.get(`events?search=${encodeURIComponent("severity>=error")}`), "event");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.severity === "error" || e.severity === "alert")).toBe(true);
    const added = items(await api.get("events?search=type%3D42"), "event");
    expect(added.every((e) => String(e.code) === "42")).toBe(true);
    const ev = entityOf(await api.get(`events/${newest}`), "event");
    expect(ev).toMatchObject({ index: newest, origin: "oVirt" });
    expect((await api.get("events/999999")).status).toBe(404);
  });

  test("JSON: jobs by correlation id and a host with strings for booleans and ints", async () => {
    const json = api.as("json");
    const name = unique("j");
    const res = await json.post(
      "hosts",
      JSON.stringify({ name, address: `${name}.lab`, cluster: { name: "Default" }, root_password: "pw" }),
      { "correlation-id": "json-add" },
    );
    expect(res.status).toBe(201);
    const id = String(res.parsed().id);
    await waitStatus(api, id, ["up"]);
    const host = (await json.get(`hosts/${id}`)).parsed();
    expect(host.port).toBe("54321");
    expect(typeof host.memory).toBe("number");
    const jobs = (await json.get("jobs?search=correlation_id%3Djson-add")).parsed();
    expect((jobs.job as Array<Record<string, unknown>>)[0]).toMatchObject({ status: "finished" });
    const none = await json.get("jobs?search=correlation_id%3Dnothing-here");
    expect(JSON.parse(none.body)).toEqual({});
  });
});

describe("host state machine at a small non-zero time scale", () => {
  let engine: RunningEngine;
  let api: ApiClient;
  beforeAll(async () => {
    engine = await startWithDataPlane("4.4", tempStateDir("dp-scale"), 0.02);
    api = await ApiClient.connect(engine);
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("installing -> initializing -> up, and up -> preparing_for_maintenance -> maintenance", async () => {
    const res = await api.post(
      "hosts",
      hostXml({ name: "slow", address: "slow.lab", cluster: DEFAULT_CLUSTER, password: "pw" }),
    );
    const id = idOf(res);
    const t0 = Date.now();
    const seen = await waitStatus(api, id, ["up"]);
    // 40 s of install and 10 s of initializing at scale 0.02: about a second.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    // Every status seen, in the machine's order (a loaded machine may poll past the short ones).
    const order = ["installing", "initializing", "up"];
    expect(seen[0]).toBe("installing");
    expect(seen).toEqual(order.filter((st) => seen.includes(st)));
    await api.post(`hosts/${id}/deactivate`, "<action/>");
    const down = await waitStatus(api, id, ["maintenance"]);
    expect(down).toEqual(["preparing_for_maintenance", "maintenance"].filter((st) => down.includes(st)));
    expect(down).toContain("maintenance");
  });

  test("a pending install survives an engine restart (durable timers)", async () => {
    const stateDir = tempStateDir("dp-restart");
    const dp = path.join(stateDir, "dp");
    const { launchEngine } = await import("../../simulator/engine");
    const { login } = await import("./support/engine");
    const opts = {
      version: "4.4" as const,
      port: 0,
      stateDir,
      adminPassword: "pw",
      timeScale: 0.05,
      hostname: "localhost",
      dataPlane: dp,
    };
    const first = await launchEngine(opts);
    const a1 = new ApiClient(first, await login(first, "pw"));
    const res = await a1.post(
      "hosts",
      hostXml({ name: "durable", address: "durable.lab", cluster: DEFAULT_CLUSTER, password: "pw" }),
    );
    const id = idOf(res);
    // Stopped while installing (2 s at this scale): the install timer is a row in the state.
    expect(entityOf(await a1.get(`hosts/${id}`), "host").status).toBe("installing");
    await first.close();
    expect(fs.existsSync(path.join(dp, "hosts", "durable.lab.json"))).toBe(true);
    const second = await launchEngine(opts);
    try {
      const a2 = new ApiClient(second, await login(second, "pw"));
      // The restarted engine finishes the install it had acknowledged (no new request needed).
      await waitStatus(a2, id, ["up"]);
      expect(items(await a2.get("hosts?search=name%3Ddurable"), "host")).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
