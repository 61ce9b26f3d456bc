// Two small actions the engine renders and now serves: VM freezefilesystems / thawfilesystems
// (FreezeVm / ThawVm: the VM must be up; events 10767 / 10768; jobs named after the action type, as
// ExecutionMessages has no text for them) and host commitnetconfig (CommitNetworkChanges: job
// "Applying saved network configuration to Host …", event 1104).
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, startInProcess, tempStateDir } from "./support/engine";
import { seedHost, statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;

describe.each(["4.3", "4.4"] as const)("%s engine", (version) => {
  let engine: RunningEngine;
  let api: ApiClient;
  let vmId: string;
  let hostId: string;
  const tag = version.replace(".", "");

  beforeAll(async () => {
    const stateDir = tempStateDir(`guest-${version}`);
    engine = await startInProcess(version, stateDir);
    api = await ApiClient.connect(engine);
    const dc = await api.post(
      "datacenters",
      "<data_center><name>gdc</name><local>false</local></data_center>",
    );
    const cl = await api.post(
      "clusters",
      `<cluster><name>gcl</name><data_center id="${String(entityOf(dc, "data_center").id)}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
    );
    const clusterId = String(entityOf(cl, "cluster").id);
    hostId = seedHost(stateDir, "node1", clusterId, "up");
    const vm = await api.post(
      "vms",
      `<vm><name>guest1</name><cluster id="${clusterId}"/><template><name>Blank</name></template></vm>`,
    );
    vmId = String(entityOf(vm, "vm").id);
  });

  afterAll(async () => {
    await engine?.close();
  });

  const byCorrelation = async (kind: "jobs" | "events", id: string) =>
    ((await api.as("json").get(`${kind}?search=correlation_id%3D${id}`)).parsed()[kind.slice(0, -1)] as
      Obj[] | undefined) ?? [];

  test("freeze and thaw need a running VM: the engine's status text inside the action", async () => {
    for (const [name, word] of [
      ["freezefilesystems", "freeze"],
      ["thawfilesystems", "thaw"],
    ]) {
      const res = await api.post(`vms/${vmId}/${name}`, "<action/>");
      expect(res.status).toBe(409);
      expect((res.parsed().action as Obj).fault).toEqual({
        reason: "Operation Failed",
        detail: `[Cannot ${word} VM because the VM is in Down status.]`,
      });
    }
  });

  test("freeze and thaw a running VM: jobs FreezeVm / ThawVm, events 10767 / 10768", async () => {
    expect((await api.post(`vms/${vmId}/start`, "<action/>")).status).toBe(200);
    await until(api, `vms/${vmId}`, statusIs("up"));
    const freeze = await api.post(`vms/${vmId}/freezefilesystems`, "<action/>", {
      "correlation-id": `fr-${tag}`,
    });
    expect(freeze.status).toBe(200);
    expect((freeze.parsed().action as Obj).status).toBe("complete");
    const thaw = await api.post(`vms/${vmId}/thawfilesystems`, "<action/>", {
      "correlation-id": `th-${tag}`,
    });
    expect(thaw.status).toBe(200);
    expect((await byCorrelation("jobs", `fr-${tag}`)).map((j) => [j.description, j.status])).toEqual([
      ["FreezeVm", "finished"],
    ]);
    expect((await byCorrelation("jobs", `th-${tag}`)).map((j) => j.description)).toEqual(["ThawVm"]);
    expect((await byCorrelation("events", `fr-${tag}`)).map((e) => [e.code, e.description])).toEqual([
      ["10767", "Guest filesystems on VM guest1 have been frozen successfully."],
    ]);
    expect((await byCorrelation("events", `th-${tag}`)).map((e) => [e.code, e.description])).toEqual([
      ["10768", "Guest filesystems on VM guest1 have been thawed successfully."],
    ]);
  });

  test("host commitnetconfig: job and event 1104", async () => {
    const res = await api.post(`hosts/${hostId}/commitnetconfig`, "<action/>", {
      "correlation-id": `cn-${tag}`,
    });
    expect(res.status).toBe(200);
    expect((res.parsed().action as Obj).status).toBe("complete");
    expect((await byCorrelation("jobs", `cn-${tag}`)).map((j) => [j.description, j.status])).toEqual([
      ["Applying saved network configuration to Host node1", "finished"],
    ]);
    expect((await byCorrelation("events", `cn-${tag}`)).map((e) => [e.code, e.description])).toEqual([
      ["1104", "Network changes were saved on host node1"],
    ]);
    expect(
      (await api.post("hosts/00000000-0000-0000-0000-0000000000cd/commitnetconfig", "<action/>")).status,
    ).toBe(404);
  });
});
