// Physical hosts are shared reality: two engines given the same --data-plane see the same machines.
// A host the 4.3 engine manages cannot join the 4.4 engine until 4.3 lets it go; an EL7 host cannot
// join a 4.4-level cluster; reprovisioned to EL8 it can, and then the cluster level can be raised.
// Also: the host rendering against the captured samples/hosts.xml, on both personalities.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { readHost, reprovisionHost } from "../../simulator/dataplane/hosts";
import type { RunningEngine } from "../../simulator/engine";
import { SETUP_IDS } from "../../simulator/setup";
import { ApiClient, entityOf, faultOf, sample, tempStateDir } from "./support/engine";
import { compareShapes, subShape, xmlShape } from "./support/structure";
import { eventsOf, hostXml, idOf, startWithDataPlane, waitStatus } from "./hosts-support";

describe("two engines, one data plane", () => {
  const dataPlane = tempStateDir("shared-dp");
  let legacy: RunningEngine;
  let target: RunningEngine;
  let api43: ApiClient;
  let api44: ApiClient;
  let cluster43on44 = "";
  const ADDRESS = "calvin.lab";

  beforeAll(async () => {
    legacy = await startWithDataPlane("4.3", dataPlane);
    target = await startWithDataPlane("4.4", dataPlane);
    api43 = await ApiClient.connect(legacy);
    api44 = await ApiClient.connect(target);
    // On the 4.4 engine, a data center and cluster still at level 4.3 (where hosts land first).
    const dc = await api44.post(
      "datacenters",
      "<data_center><name>lab43</name><local>false</local><version><major>4</major><minor>3</minor></version></data_center>",
    );
    expect(dc.status).toBe(201);
    const cl = await api44.post(
      "clusters",
      `<cluster><name>oVirt_Cluster</name><data_center id="${idOf(dc, "data_center")}"/><version><major>4</major><minor>3</minor></version></cluster>`,
    );
    expect(cl.status).toBe(201);
    cluster43on44 = idOf(cl, "cluster");
  });
  afterAll(async () => {
    await legacy?.close();
    await target?.close();
  });

  async function removeHost(api: ApiClient, id: string) {
    const d = await api.post(`hosts/${id}/deactivate`, "<action/>");
    expect(d.status).toBe(200);
    await waitStatus(api, id, ["maintenance"]);
    expect((await api.delete(`hosts/${id}`)).status).toBe(200);
  }

  test("the whole move: 4.3 host, refused by 4.4, removed, EL7 non_operational at 4.4, reprovisioned, level raised", async () => {
    // 1. The 4.3 engine adds calvin: auto-registered as EL7 (vdsm 4.30), up in the 4.3 Default cluster.
    const onLegacy = await api43.post(
      "hosts",
      hostXml({ name: "calvin", address: ADDRESS, cluster: SETUP_IDS.defaultCluster, password: "root-pw" }),
    );
    expect(onLegacy.status).toBe(201);
    const legacyId = idOf(onLegacy);
    await waitStatus(api43, legacyId, ["up"]);
    const machine = readHost(dataPlane, ADDRESS)!;
    expect(machine).toMatchObject({ os: "el7", vdsm: { major: 4, minor: 30 } });
    expect(entityOf(await api43.get(`hosts/${legacyId}`), "host")).toMatchObject({
      os: { version: { major: 7 } },
      version: { minor: 30 },
    });

    // 2. The 4.4 engine cannot take it while 4.3 manages it.
    const cid = "steal-1";
    const stolen = await api44.post(
      "hosts",
      hostXml({ name: "calvin", address: ADDRESS, cluster: cluster43on44, password: "root-pw" }),
      { "correlation-id": cid },
    );
    expect(stolen.status).toBe(201);
    const stolenId = idOf(stolen);
    await waitStatus(api44, stolenId, ["install_failed"]);
    const failed = (await eventsOf(api44, cid)).find((e) => String(e.code) === "505");
    expect(String(failed?.description)).toMatch(
      /^Host calvin installation failed\. Host calvin\.lab is already managed by another engine \(oVirt Engine 4\.3\.10\.4-1\.el7, instance .+\); remove it from that engine first\.$/,
    );
    expect(readHost(dataPlane, ADDRESS)!.managedBy?.hostId).toBe(legacyId);
    expect((await api44.delete(`hosts/${stolenId}`)).status).toBe(200);
    // …and removing the failed attempt did not release the 4.3 engine's claim.
    expect(readHost(dataPlane, ADDRESS)!.managedBy?.hostId).toBe(legacyId);

    // 3. Maintenance and removal on 4.3 release the machine.
    await removeHost(api43, legacyId);
    expect(readHost(dataPlane, ADDRESS)!.managedBy).toBeUndefined();

    // 4. Still EL7: in the 4.4 engine's Default cluster (level 4.6) it ends non_operational.
    const cid2 = "el7-44";
    const intoNew = await api44.post(
      "hosts",
      hostXml({ name: "calvin", address: ADDRESS, cluster: SETUP_IDS.defaultCluster, password: "root-pw" }),
      { "correlation-id": cid2 },
    );
    const newId = idOf(intoNew);
    await waitStatus(api44, newId, ["non_operational"]);
    const notSupported = (await eventsOf(api44, cid2)).find((e) => e.severity === "error");
    expect(notSupported?.description).toBe(
      "Host calvin is compatible with versions (4.1,4.2,4.3) and cannot join Cluster Default which is set to version 4.6.",
    );
    await removeHost(api44, newId);

    // 5. EL7 joins the 4.3-level cluster of the 4.4 engine, but that cluster cannot be raised to 4.4.
    const el7 = await api44.post(
      "hosts",
      hostXml({ name: "calvin", address: ADDRESS, cluster: cluster43on44, password: "root-pw" }),
    );
    const el7Id = idOf(el7);
    await waitStatus(api44, el7Id, ["up"]);
    const raise = await api44.put(
      `clusters/${cluster43on44}`,
      "<cluster><version><major>4</major><minor>4</minor></version></cluster>",
    );
    expect({ status: raise.status, ...faultOf(raise) }).toEqual({
      status: 400,
      reason: "Operation Failed",
      detail:
        "[Cannot change Cluster Compatibility Version to higher version when there are active Hosts with lower version.\n-Please move Host calvin with lower version to maintenance first.]",
    });
    // A cluster with hosts cannot be removed.
    const rmCluster = await api44.delete(`clusters/${cluster43on44}`);
    expect({ status: rmCluster.status, ...faultOf(rmCluster) }).toEqual({
      status: 409,
      reason: "Operation Failed",
      detail: "[Cannot remove Cluster. Cluster contains one or more Hosts]",
    });

    // 6. Maintenance, removal, reinstall with EL8 (the CLI the migration runs), add again: up, and the
    //    level can be raised.
    await removeHost(api44, el7Id);
    const cli = path.join(__dirname, "..", "..", "dist", "simulator", "dataplane", "reprovision.js");
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
    const out = execFileSync(
      process.execPath,
      [cli, "--data-plane", dataPlane, "--address", ADDRESS, "--os", "el8", "--root-password", "new-pw"],
      { encoding: "utf8" },
    );
    expect(out).toContain("calvin.lab: reinstalled with el8");
    expect(readHost(dataPlane, ADDRESS)).toMatchObject({
      os: "el8",
      vdsm: { minor: 40 },
      rootPassword: "new-pw",
    });
    const el8 = await api44.post(
      "hosts",
      hostXml({ name: "calvin", address: ADDRESS, cluster: cluster43on44, password: "new-pw" }),
    );
    const el8Id = idOf(el8);
    await waitStatus(api44, el8Id, ["up"]);
    const raised = await api44.put(
      `clusters/${cluster43on44}`,
      "<cluster><version><major>4</major><minor>4</minor></version></cluster>",
    );
    expect(raised.status).toBe(200);
    expect(entityOf(raised, "cluster").version).toMatchObject({ major: 4, minor: 4 });
  });

  test("cluster upgrade action sets and clears the flag with events", async () => {
    const start = await api44.post(
      `clusters/${SETUP_IDS.defaultCluster}/upgrade`,
      "<action><upgrade_action>start</upgrade_action></action>",
      { "correlation-id": "cu-1" },
    );
    expect(start.status).toBe(200);
    expect((start.parsed().action as Record<string, unknown>).status).toBe("complete");
    const finish = await api44
      .as("json")
      .post(`clusters/${SETUP_IDS.defaultCluster}/upgrade`, JSON.stringify({ upgrade_action: "finish" }), {
        "correlation-id": "cu-1",
      });
    expect(finish.status).toBe(200);
    const texts = (await eventsOf(api44, "cu-1")).map((e) => e.description);
    expect(texts).toEqual([
      "Successfully cleared upgrade running flag on Host cluster Default by (User: admin@internal-authz)",
      "Successfully set upgrade running flag on Host cluster Default by admin@internal-authz",
    ]);
    const bad = await api44.post(`clusters/${SETUP_IDS.defaultCluster}/upgrade`, "<action/>");
    expect(bad.status).toBe(400);
    expect(bad.body).toContain("Parameter 'action.upgrade_action' is mandatory but was not provided.");
  });

  test("the machine files are written atomically (no temp files left behind)", () => {
    const files = fs.readdirSync(path.join(dataPlane, "hosts"));
    expect(files).toContain("calvin.lab.json");
    expect(files.filter((f) => f.endsWith(".tmp") || f.endsWith(".lock"))).toEqual([]);
  });
});

/** Members the captured 4.3 RHV-H host has that a plain EL host added here does not report. */
const SAMPLE_ONLY = ["power_management/pm_proxies"];
const HOST_44_EXTRA = ["reinstallation_required"];

describe.each(["4.3", "4.4"] as const)("%s engine renders hosts like samples/hosts.xml", (version) => {
  let engine: RunningEngine;
  let api: ApiClient;
  let id = "";
  beforeAll(async () => {
    engine = await startWithDataPlane(version, tempStateDir(`struct-dp-${version}`));
    api = await ApiClient.connect(engine);
    const res = await api.post(
      "hosts",
      hostXml({ name: "H1", address: "h1.lab", cluster: SETUP_IDS.defaultCluster, password: "pw" }),
    );
    id = idOf(res);
    await waitStatus(api, id, ["up"]);
  });
  afterAll(async () => {
    await engine?.close();
  });

  test("an up host has the sample's shape", async () => {
    const expected = subShape(xmlShape(sample("hosts.xml")), "host");
    const actual = xmlShape((await api.get(`hosts/${id}`)).body);
    const diff = compareShapes(expected, actual);
    expect(diff.missing).toEqual(SAMPLE_ONLY);
    expect(diff.extra).toEqual(version === "4.4" ? HOST_44_EXTRA : []);
    expect(diff.extra.filter((p) => p.startsWith("actions"))).toEqual([]);
  });

  test("the collection has the sample's shape", async () => {
    const diff = compareShapes(xmlShape(sample("hosts.xml")), xmlShape((await api.get("hosts")).body));
    expect(diff.missing).toEqual(SAMPLE_ONLY.map((p) => `host/${p}`));
  });
});

describe("the data plane's machine registry", () => {
  const dir = tempStateDir("dp-registry");

  test("reprovisionHost registers an unknown machine, and a reinstall drops the managing engine", () => {
    const fresh = reprovisionHost(dir, "dogbert.lab", "el7", { rootPassword: "a" });
    expect(fresh).toMatchObject({ os: "el7", vdsm: { minor: 30 }, clusterLevels: ["4.1", "4.2", "4.3"] });
    const file = path.join(dir, "hosts", "dogbert.lab.json");
    const claimed = {
      ...fresh,
      managedBy: { instanceId: "x", engineFullVersion: "v", engineName: "e", hostId: "h" },
    };
    fs.writeFileSync(file, JSON.stringify(claimed));
    const again = reprovisionHost(dir, "dogbert.lab", "el8");
    expect(again.managedBy).toBeUndefined();
    expect(again).toMatchObject({ os: "el8", rootPassword: "a", hardwareUuid: fresh.hardwareUuid });
    expect(again.clusterLevels).toContain("4.6");
  });

  test("the reprovision CLI refuses bad arguments with status 2 and a usage line", () => {
    const cli = path.join(__dirname, "..", "..", "dist", "simulator", "dataplane", "reprovision.js");
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
    let failure: { status?: number; stderr?: string } = {};
    try {
      execFileSync(process.execPath, [cli, "--data-plane", dir, "--address", "x.lab", "--os", "el9"], {
        encoding: "utf8",
        stdio: "pipe",
      });
    } catch (err) {
      failure = err as { status?: number; stderr?: string };
    }
    expect(failure.status).toBe(2);
    expect(failure.stderr).toContain("--os must be el7 or el8 (got 'el9')");
    expect(failure.stderr).toContain("usage: node dist/simulator/dataplane/reprovision.js");
  });
});
