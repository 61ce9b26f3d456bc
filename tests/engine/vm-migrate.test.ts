// Live migration on the seeded 4.3 lab (and a 4.4 engine): POST /vms/{id}/migrate with or without a
// host, cancelmigration, the engine's faults in MigrateVmToServer/MigrateVm/VmValidator order, the
// job and the events (62, 63, 67, 161); a host going to maintenance takes its VMs away first and
// refuses when no other host of its cluster is up.
import path from "node:path";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { actionFault, eventsOf, jobsOf, waitStatus } from "./hosts-support";
import { ADMIN_PASSWORD, ApiClient, faultOf, refId, tempStateDir } from "./support/engine";
import { until, statusIs } from "./storage-fixtures";

type Obj = Record<string, unknown>;
const SEED = path.join(__dirname, "..", "..", "simulator", "seeds", "seed-lab-4.3.yaml");

let engine: RunningEngine;
let api: ApiClient;
const hosts: Record<string, string> = {};

async function vm(name: string): Promise<Obj> {
  const res = await api.get(`vms?search=${encodeURIComponent(`name=${name}`)}`);
  return (res.parsed().vm as Obj[])[0];
}

async function hostNameOf(v: Obj): Promise<string> {
  const id = refId(v.host);
  return Object.keys(hosts).find((n) => hosts[n] === id) ?? id;
}

beforeAll(async () => {
  engine = await launchEngine({
    version: "4.3",
    port: 0,
    stateDir: tempStateDir("migrate43"),
    adminPassword: ADMIN_PASSWORD,
    // Seeding runs at time scale 0; afterwards a migration takes 8 s * 0.05 = 0.4 s.
    timeScale: 0.05,
    hostname: "localhost",
    seed: SEED,
  });
  api = await ApiClient.connect(engine, "json");
  for (const h of (await api.get("hosts")).parsed().host as Obj[]) hosts[String(h.name)] = String(h.id);
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

test("migrate without a host: migrating on the source, then up on the other host of the cluster; job and events", async () => {
  const ipa = await vm("ipa");
  expect(ipa.status).toBe("up");
  const source = await hostNameOf(ipa);
  const other = source === "calvin" ? "dogbert" : "calvin";
  const cid = "migrate-ipa";
  const res = await api.post(`vms/${String(ipa.id)}/migrate`, "{}", { "correlation-id": cid });
  expect(res.status).toBe(200);
  expect((res.parsed() as Obj).status).toBe("complete");
  const during = await vm("ipa");
  expect(during.status).toBe("migrating");
  expect(await hostNameOf(during)).toBe(source);
  const after = await until(api, `vms/${String(ipa.id)}`, statusIs("up"));
  expect(refId(after!.host)).toBe(hosts[other]);
  const jobs = await jobsOf(api, cid);
  expect(jobs.map((j) => [j.description, j.status])).toEqual([["Migrating VM ipa", "finished"]]);
  const texts = (await eventsOf(api, cid)).map((e) => [String(e.code), String(e.description)]);
  expect(texts).toContainEqual([
    "62",
    `Migration started (VM: ipa, Source: ${source}, Destination: ${other}, User: admin@internal-authz). `,
  ]);
  const done = texts.find(([code]) => code === "63");
  expect(done?.[1]).toMatch(
    new RegExp(
      `^Migration completed \\(VM: ipa, Source: ${source}, Destination: ${other}, Duration: \\d+ seconds?, Total: \\d+ seconds?, Actual downtime: \\(N/A\\)\\)$`,
    ),
  );
});

test("migrate to a given host (XML body, host by name): job names the host", async () => {
  const bastion = await vm("bastion");
  const source = await hostNameOf(bastion);
  const other = source === "calvin" ? "dogbert" : "calvin";
  const cid = "migrate-bastion";
  const res = await api
    .as("xml")
    .post(`vms/${String(bastion.id)}/migrate`, `<action><host><name>${other}</name></host></action>`, {
      "correlation-id": cid,
    });
  expect(res.status).toBe(200);
  const after = await until(api, `vms/${String(bastion.id)}`, statusIs("up"));
  expect(refId(after!.host)).toBe(hosts[other]);
  expect((await jobsOf(api, cid)).map((j) => j.description)).toEqual([
    `Migrating VM bastion to Host ${other}`,
  ]);
});

function failed(detail: string) {
  return { reason: "Operation Failed", detail, status: "failed" };
}

test("the engine's faults: not running, invalid host id, host not up, same host or another cluster, unknown host name", async () => {
  const down = await vm("nfs-backup");
  const notRunning = await api.post(`vms/${String(down.id)}/migrate`, "{}");
  expect(notRunning.status).toBe(409);
  expect(actionFault(notRunning)).toEqual(failed("[Cannot migrate VM. VM is not running.]"));

  const ipa2 = await vm("ipa2");
  const unknownId = await api.post(
    `vms/${String(ipa2.id)}/migrate`,
    JSON.stringify({ host: { id: "01234567-89ab-cdef-0123-456789abcdef" } }),
  );
  expect(unknownId.status).toBe(400);
  expect(actionFault(unknownId)).toEqual(failed("[Cannot migrate VM. Invalid Host Id.]"));

  const noHosts =
    "[There are no hosts to use. Check that the cluster contains at least one host in Up state.]";
  const same = await api.post(
    `vms/${String(ipa2.id)}/migrate`,
    JSON.stringify({ host: { id: refId(ipa2.host) } }),
  );
  expect(same.status).toBe(400);
  expect(actionFault(same)).toEqual(failed(noHosts));
  const otherCluster = await api.post(
    `vms/${String(ipa2.id)}/migrate`,
    JSON.stringify({ host: { id: hosts.rhvnode3 } }),
  );
  expect(otherCluster.status).toBe(400);
  expect(actionFault(otherCluster)).toEqual(failed(noHosts));

  const byName = await api.post(
    `vms/${String(ipa2.id)}/migrate`,
    JSON.stringify({ host: { name: "nosuch" } }),
  );
  expect(byName.status).toBe(404);
  expect(faultOf(byName)).toEqual({ reason: "Operation Failed", detail: "Entity not found: nosuch" });
  expect((await vm("ipa2")).status).toBe("up");
});

test("cancelmigration: refused for a VM not migrating; during a migration the VM stays on its source", async () => {
  const ipa2 = await vm("ipa2");
  const source = refId(ipa2.host);
  const refused = await api.post(`vms/${String(ipa2.id)}/cancelmigration`, "{}");
  expect(refused.status).toBe(409);
  expect(actionFault(refused)).toEqual(failed("[Cannot cancel migration for non migrating VM.]"));
  const cid = "cancel-ipa2";
  expect((await api.post(`vms/${String(ipa2.id)}/migrate`, "{}", { "correlation-id": cid })).status).toBe(
    200,
  );
  const again = await api.post(`vms/${String(ipa2.id)}/migrate`, "{}");
  expect(again.status).toBe(409);
  expect(actionFault(again)).toEqual(failed("[Cannot migrate VM. VM migration is in progress]"));
  const cancel = await api.post(`vms/${String(ipa2.id)}/cancelmigration`, "{}", { "correlation-id": cid });
  expect(cancel.status).toBe(200);
  const now = await vm("ipa2");
  expect([now.status, refId(now.host)]).toEqual(["up", source]);
  // The migration's timer finds nothing to do: still on the source after it would have ended.
  await new Promise((r) => setTimeout(r, 800));
  expect(refId((await vm("ipa2")).host)).toBe(source);
  const jobs = await jobsOf(api, cid);
  expect(jobs.map((j) => [j.description, j.status]).sort()).toEqual([
    ["Canceling migration of VM ipa2", "finished"],
    ["Migrating VM ipa2", "failed"],
  ]);
  const cancelled = (await eventsOf(api, cid)).find((e) => String(e.code) === "161");
  expect(cancelled?.description).toBe(
    `Migration cancelled (VM: ipa2, Source: ${await hostNameOf(now)}, User: admin@internal-authz).`,
  );
});

test("a pinned VM: migrate refused, and its host cannot go to maintenance; user_migratable needs force", async () => {
  const ipa = await vm("ipa");
  const host = await hostNameOf(ipa);
  const setAffinity = (affinity: string) =>
    api.put(`vms/${String(ipa.id)}`, JSON.stringify({ placement_policy: { affinity } }));
  expect((await setAffinity("pinned")).status).toBe(200);
  const pinned = await api.post(`vms/${String(ipa.id)}/migrate`, "{}");
  expect(pinned.status).toBe(409);
  expect(actionFault(pinned)).toEqual(failed("[Cannot migrate VM. VM is pinned to Host.]"));
  const maintenance = await api.post(`hosts/${hosts[host]}/deactivate`, "{}");
  expect(maintenance.status).toBe(409);
  expect(actionFault(maintenance)).toEqual(
    failed(
      `[Cannot switch the following Hosts to Maintenance mode: ${host}.\nOne or more running VMs are indicated as non-migratable. The non-migratable VMs are: ipa.]`,
    ),
  );
  expect((await setAffinity("user_migratable")).status).toBe(200);
  const unforced = await api.post(`vms/${String(ipa.id)}/migrate`, "{}");
  expect(unforced.status).toBe(409);
  expect(actionFault(unforced)).toEqual(
    failed("[Cannot migrate VM. VM is non migratable and user did not specify the force-migration flag]"),
  );
  expect((await api.post(`vms/${String(ipa.id)}/migrate`, JSON.stringify({ force: true }))).status).toBe(200);
  await until(api, `vms/${String(ipa.id)}`, (e) => e?.status === "up" && refId(e.host) !== hosts[host]);
  expect((await setAffinity("migratable")).status).toBe(200);
});

test("maintenance of a host with VMs: preparing_for_maintenance, its VMs migrate away, then maintenance; the last up host refuses", async () => {
  const cluster = ["ipa", "ipa2", "bastion"];
  const onCalvin = async () =>
    (await Promise.all(cluster.map(vm))).filter((v) => refId(v.host) === hosts.calvin).map((v) => v.name);
  // Put everything on calvin first (by host id), so calvin has VMs to give away.
  for (const name of cluster) {
    const v = await vm(name);
    if (refId(v.host) === hosts.calvin) continue;
    const r = await api.post(`vms/${String(v.id)}/migrate`, JSON.stringify({ host: { id: hosts.calvin } }));
    expect(r.status).toBe(200);
    await until(api, `vms/${String(v.id)}`, (e) => e?.status === "up" && refId(e.host) === hosts.calvin);
  }
  expect((await onCalvin()).sort()).toEqual([...cluster].sort());
  const cid = "calvin-maintenance";
  const d = await api.post(`hosts/${hosts.calvin}/deactivate`, "{}", { "correlation-id": cid });
  expect(d.status).toBe(200);
  const seen = await waitStatus(api, hosts.calvin, ["maintenance"]);
  expect(seen[0]).toBe("preparing_for_maintenance");
  expect(await onCalvin()).toEqual([]);
  for (const name of cluster) {
    const v = await vm(name);
    expect([v.name, v.status, refId(v.host)]).toEqual([name, "up", hosts.dogbert]);
  }
  const events = await eventsOf(api, cid);
  const system = events.filter((e) => String(e.code) === "67").map((e) => String(e.description));
  expect(system.sort()).toEqual(
    cluster
      .map(
        (n) =>
          `Migration initiated by system (VM: ${n}, Source: calvin, Destination: dogbert, Reason: Host preparing for maintenance).`,
      )
      .sort(),
  );
  expect((await jobsOf(api, cid)).map((j) => [j.description, j.status])).toEqual([
    ["Moving Host(s) calvin to Maintenance", "finished"],
  ]);
  // dogbert is now the only up host of oVirt_Cluster and runs VMs: it cannot go to maintenance.
  const refused = await api.post(`hosts/${hosts.dogbert}/deactivate`, "{}");
  expect(refused.status).toBe(409);
  expect(actionFault(refused)).toEqual(
    failed(
      "[The following Hosts have running VMs and cannot be switched to maintenance mode: dogbert.\nPlease ensure that the following Clusters have at least one Host in UP state: oVirt_Cluster.]",
    ),
  );
  // A given host must be up.
  const ipaNow = await vm("ipa");
  const toMaintenance = await api.post(
    `vms/${String(ipaNow.id)}/migrate`,
    JSON.stringify({ host: { id: hosts.calvin } }),
  );
  expect(toMaintenance.status).toBe(409);
  expect(actionFault(toMaintenance)).toEqual(
    failed("[Cannot migrate VM. Operation can be performed only when Host status is Up.]"),
  );
  // …and a migration has nowhere to go.
  const ipa = await vm("ipa");
  const nowhere = await api.post(`vms/${String(ipa.id)}/migrate`, "{}");
  expect(nowhere.status).toBe(400);
  expect(actionFault(nowhere).detail).toBe(
    "[There are no hosts to use. Check that the cluster contains at least one host in Up state.]",
  );
  // Back up, for the other tests' sake.
  expect((await api.post(`hosts/${hosts.calvin}/activate`, "{}")).status).toBe(200);
  await waitStatus(api, hosts.calvin, ["up"]);
});

test("4.4: the same action, and its faults, on a 4.4 engine", async () => {
  const e44 = await launchEngine({
    version: "4.4",
    port: 0,
    stateDir: tempStateDir("migrate44"),
    adminPassword: ADMIN_PASSWORD,
    timeScale: 0,
    hostname: "localhost",
  });
  try {
    const a = await ApiClient.connect(e44, "json");
    const made = await a.post(
      "vms",
      JSON.stringify({ name: "solo", cluster: { name: "Default" }, template: { name: "Blank" } }),
    );
    expect(made.status).toBe(201);
    const id = String((made.parsed() as Obj).id);
    const r = await a.post(`vms/${id}/migrate`, JSON.stringify({ force: true }));
    expect(r.status).toBe(409);
    expect(actionFault(r)).toEqual(failed("[Cannot migrate VM. VM is not running.]"));
    const unknown = await a.post(`vms/${id}/cancelmigration`, "{}");
    expect(unknown.status).toBe(409);
  } finally {
    await e44.close();
  }
});
