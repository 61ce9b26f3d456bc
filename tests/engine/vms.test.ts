// VMs over HTTP: add from Blank, the start/stop/shutdown/reboot state machine with the scheduler,
// the engine's exact faults, next-run configuration, search, NICs with MAC allocation and
// uniqueness, and the renderings held against the captured samples (XML and JSON agree).
import type { RunningEngine } from "../../simulator/engine";
import { macRange } from "../../simulator/api/vms/routes";
import { SETUP_IDS } from "../../simulator/setup";
import { ApiClient, entityOf, faultOf, refId, sample, startInProcess, tempStateDir } from "./support/engine";
import { compareShapes, jsonShape, xmlShape } from "./support/structure";
import { seedHost, statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;
const GIB = 1024 ** 3;

let engine: RunningEngine;
let api: ApiClient;
let stateDir: string;
let clusterId: string;
let emptyClusterId: string;
let hostId: string;

async function addVm(name: string, extra = "", cluster = clusterId): Promise<Obj> {
  const res = await api.post(
    "vms",
    `<vm><name>${name}</name><cluster id="${cluster}"/><template><name>Blank</name></template>${extra}</vm>`,
  );
  expect(res.status).toBe(201);
  // Read back as JSON: booleans and 32-bit integers are strings there, 64-bit integers numbers.
  return (await api.as("json").get(`vms/${String(entityOf(res, "vm").id)}`)).parsed();
}

async function action(vmId: string, name: string) {
  return api.post(`vms/${vmId}/${name}`, "<action/>");
}

beforeAll(async () => {
  stateDir = tempStateDir("vms");
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
  const dc = await api.post(
    "datacenters",
    "<data_center><name>vm-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const mk = async (name: string) => {
    const cl = await api.post(
      "clusters",
      `<cluster><name>${name}</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
    );
    expect(cl.status).toBe(201);
    return String(entityOf(cl, "cluster").id);
  };
  clusterId = await mk("vm-cl");
  emptyClusterId = await mk("vm-cl-nohosts");
  hostId = seedHost(stateDir, "calvin", clusterId, "up");
  seedHost(stateDir, "dogbert", emptyClusterId, "maintenance");
});

afterAll(async () => {
  await engine?.close();
});

describe("add", () => {
  test("a VM from Blank is down, with the Blank template's defaults and what the body set", async () => {
    const vm = await addVm(
      "web1",
      "<description>front end</description><memory>2147483648</memory>" +
        "<cpu><topology><sockets>2</sockets><cores>2</cores><threads>1</threads></topology></cpu>" +
        "<high_availability><enabled>true</enabled><priority>50</priority></high_availability>" +
        "<os><type>rhel_8x64</type></os><type>server</type>" +
        "<initialization><host_name>web1.lab</host_name><user_name>cloud</user_name>" +
        "<root_password>hunter2</root_password><authorized_ssh_keys>ssh-ed25519 AAAA</authorized_ssh_keys>" +
        "<custom_script>#cloud-config</custom_script></initialization>",
    );
    expect(vm.status).toBe("down");
    expect(vm.description).toBe("front end");
    expect(vm.memory).toBe(2 * GIB);
    expect(vm.memory_policy).toEqual({ ballooning: "true", guaranteed: 2 * GIB, max: 8 * GIB });
    expect(vm.cpu).toEqual({ architecture: "x86_64", topology: { cores: "2", sockets: "2", threads: "1" } });
    expect(vm.high_availability).toEqual({ enabled: "true", priority: "50" });
    expect(refId(vm.template)).toBe(SETUP_IDS.blankTemplate);
    expect(refId(vm.cluster)).toBe(clusterId);
    expect(vm.next_run_configuration_exists).toBe("false");
    const init = vm.initialization as Obj;
    expect(init.host_name).toBe("web1.lab");
    expect(init.user_name).toBe("cloud");
    expect(init.root_password).toBeUndefined();
    const json = await api.as("json").get(`vms/${String(vm.id)}`);
    expect(json.body).not.toContain("hunter2");
    expect((await api.get(`vms/${String(vm.id)}`)).body).not.toContain("hunter2");
  });

  test("mandatory members and unknown references get the engine's faults", async () => {
    let res = await api.post(
      "vms",
      `<vm><cluster id="${clusterId}"/><template><name>Blank</name></template></vm>`,
    );
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Input validation failed.",
      detail: "Parameter 'vm.name' is mandatory but was not provided.",
    });
    res = await api.post("vms", "<vm><name>x</name><template><name>Blank</name></template></vm>");
    expect(faultOf(res).detail).toBe(
      "Parameters 'vm.cluster.id' or 'vm.cluster.name' are mandatory but both were not provided.",
    );
    res = await api.post("vms", `<vm><name>x</name><cluster id="${clusterId}"/></vm>`);
    expect(faultOf(res).detail).toBe(
      "Parameters 'vm.template.id' or 'vm.template.name' are mandatory but both were not provided.",
    );
    res = await api.post(
      "vms",
      `<vm><name>x</name><cluster id="${clusterId}"/><template><name>Nope</name></template></vm>`,
    );
    expect(res.status).toBe(404);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "Entity not found: Template: name=Nope",
    });
  });

  test("a duplicate name is a conflict", async () => {
    await addVm("dup1");
    const res = await api.post(
      "vms",
      `<vm><name>DUP1</name><cluster id="${clusterId}"/><template><name>Blank</name></template></vm>`,
    );
    expect(res.status).toBe(409);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]",
    });
  });
});

describe("state machine", () => {
  test("start: down -> wait_for_launch -> powering_up -> up on an up host of the cluster", async () => {
    const vm = await addVm("run1");
    const id = String(vm.id);
    const res = await action(id, "start");
    expect(res.status).toBe(200);
    const body = res.parsed().action as Obj;
    expect(body.status).toBe("complete");
    expect(body.job).toBeDefined();
    const up = await until(api, `vms/${id}`, statusIs("up"));
    expect(refId(up!.host)).toBe(hostId);
    expect(typeof up!.start_time).toBe("number");
  });

  test("start again, remove while running, reboot a down VM: the engine's faults", async () => {
    const vm = await addVm("run2");
    const id = String(vm.id);
    let res = await action(id, "reboot");
    expect(res.status).toBe(409);
    expect((res.parsed().action as Obj).status).toBe("failed");
    expect(faultOf({ ...res, parsed: () => res.parsed().action as Obj })).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot reboot VM because the VM is in Down status.]",
    });
    expect((await action(id, "start")).status).toBe(200);
    await until(api, `vms/${id}`, statusIs("up"));
    res = await action(id, "start");
    expect(res.status).toBe(409);
    expect(((res.parsed().action as Obj).fault as Obj).detail).toBe("[Cannot run VM. VM is running.]");
    res = await api.delete(`vms/${id}`);
    expect(res.status).toBe(409);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot remove VM that its state is not down.\n-Please stop the VM first.]",
    });
  });

  test("stop and shutdown: -> powering_down -> down; again: not running", async () => {
    const vm = await addVm("run3");
    const id = String(vm.id);
    await action(id, "start");
    await until(api, `vms/${id}`, statusIs("up"));
    expect((await action(id, "shutdown")).status).toBe(200);
    const down = await until(api, `vms/${id}`, statusIs("down"));
    expect(down!.host).toBeUndefined();
    let res = await action(id, "stop");
    expect(res.status).toBe(409);
    expect(((res.parsed().action as Obj).fault as Obj).detail).toBe("[Cannot stop VM. VM is not running.]");
    res = await action(id, "shutdown");
    expect(((res.parsed().action as Obj).fault as Obj).detail).toBe(
      "[Cannot shutdown VM. VM is not running.]",
    );
    await action(id, "start");
    await until(api, `vms/${id}`, statusIs("up"));
    expect((await action(id, "stop")).status).toBe(200);
    await until(api, `vms/${id}`, statusIs("down"));
    expect((await api.delete(`vms/${id}`)).status).toBe(200);
    expect((await api.get(`vms/${id}`)).status).toBe(404);
  });

  test("start without an up host in the cluster fails with the engine's text", async () => {
    const vm = await addVm("lonely", "", emptyClusterId);
    const res = await action(String(vm.id), "start");
    expect(res.status).toBe(409);
    expect(((res.parsed().action as Obj).fault as Obj).detail).toBe(
      "[Cannot run VM. There are no available running Hosts in the Host Cluster.]",
    );
  });

  test("JSON actions answer the same way", async () => {
    const vm = await addVm("jsonrun");
    const json = api.as("json");
    const res = await json.post(`vms/${String(vm.id)}/stop`, "{}");
    expect(res.status).toBe(409);
    const body = res.parsed();
    expect(body.status).toBe("failed");
    expect((body.fault as Obj).detail).toBe("[Cannot stop VM. VM is not running.]");
  });
});

describe("next run", () => {
  test("cpu and memory changes on a running VM wait for the next boot; shutdown applies them", async () => {
    const vm = await addVm("nr1", "<memory>1073741824</memory>");
    const id = String(vm.id);
    await action(id, "start");
    await until(api, `vms/${id}`, statusIs("up"));
    const res = await api.put(
      `vms/${id}?next_run=true`,
      "<vm><memory>4294967296</memory><memory_policy><guaranteed>2147483648</guaranteed></memory_policy>" +
        "<cpu><topology><sockets>4</sockets></topology></cpu><description>bigger</description></vm>",
    );
    expect(res.status).toBe(200);
    const now = (await api.as("json").get(`vms/${id}`)).parsed();
    expect(now.status).toBe("up");
    expect(now.memory).toBe(GIB);
    expect(now.description).toBe("bigger");
    expect(now.next_run_configuration_exists).toBe("true");
    const pending = (await api.as("json").get(`vms/${id}?next_run=true`)).parsed();
    expect(pending.memory).toBe(4 * GIB);
    expect((pending.memory_policy as Obj).guaranteed).toBe(2 * GIB);
    expect(((pending.cpu as Obj).topology as Obj).sockets).toBe("4");
    const found = await api.get("vms?search=next_run_config_exists%3Dtrue");
    expect(found.body).toContain(`id="${id}"`);
    await action(id, "shutdown");
    const down = await until(api, `vms/${id}`, statusIs("down"));
    expect(down!.memory).toBe(4 * GIB);
    expect(down!.next_run_configuration_exists).toBe("false");
  });

  test("a down VM takes changes at once", async () => {
    const vm = await addVm("nr2");
    const res = await api.as("json").put(`vms/${String(vm.id)}`, '{"memory": 3221225472}');
    expect(res.status).toBe(200);
    expect(res.parsed().memory).toBe(3 * GIB);
    expect(res.parsed().next_run_configuration_exists).toBe("false");
  });
});

describe("search", () => {
  test("by name, cluster, status and host", async () => {
    const vm = await addVm("srch1");
    await action(String(vm.id), "start");
    await until(api, `vms/${String(vm.id)}`, statusIs("up"));
    const names = async (q: string) => {
      const res = await api.as("json").get(`vms?search=${encodeURIComponent(q)}`);
      return ((res.parsed().vm as Obj[] | undefined) ?? []).map((v) => v.name);
    };
    expect(await names('name="srch1"')).toEqual(["srch1"]);
    expect(await names("cluster=vm-cl and host=calvin and name=srch*")).toEqual(["srch1"]);
    expect(await names("status=up and name=srch1")).toEqual(["srch1"]);
    expect(await names("cluster=vm-cl-nohosts and name=srch1")).toEqual([]);
    expect(await names("datacenter=vm-dc and name=srch1")).toEqual(["srch1"]);
  });
});

describe("NICs", () => {
  test("MACs come from the pool's range, are unique, and a given MAC is checked", async () => {
    const vm = await addVm("nics1");
    const id = String(vm.id);
    let res = await api.post(`vms/${id}/nics`, "<nic><interface>virtio</interface></nic>");
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe("Parameter 'nic.name' is mandatory but was not provided.");
    res = await api.post(`vms/${id}/nics`, "<nic><name>nic1</name></nic>");
    expect(res.status).toBe(201);
    const nic1 = entityOf(res, "nic");
    expect(res.headers.location).toBe(
      `${new URL(engine.url).origin}/ovirt-engine/api/vms/${id}/nics/${String(nic1.id)}`,
    );
    expect(nic1.interface).toBe("virtio");
    expect(String(nic1.linked)).toBe("true");
    expect(String(nic1.plugged)).toBe("true");
    const mac1 = (nic1.mac as Obj).address as string;
    expect(mac1).toMatch(/^56:6f:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/);
    res = await api.post(`vms/${id}/nics`, "<nic><name>nic2</name><interface>e1000</interface></nic>");
    const mac2 = (entityOf(res, "nic").mac as Obj).address as string;
    expect(mac2).not.toBe(mac1);
    expect(mac2.slice(0, 11)).toBe(mac1.slice(0, 11));
    res = await api.post(`vms/${id}/nics`, "<nic><name>nic1</name></nic>");
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Network interface name is already in use]");
    const other = await addVm("nics2");
    res = await api.post(
      `vms/${String(other.id)}/nics`,
      `<nic><name>nic1</name><mac><address>${mac1.toUpperCase()}</address></mac></nic>`,
    );
    expect(res.status).toBe(409);
    expect(faultOf(res)).toEqual({ reason: "Operation Failed", detail: "[MAC Address is already in use.]" });
    res = await api.post(
      `vms/${String(other.id)}/nics`,
      "<nic><name>nic1</name><mac><address>01:00:5e:00:00:01</address></mac></nic>",
    );
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe(
      "[The specified MAC Address cannot be set.\n-Please check MAC Address validity.]",
    );
    res = await api.post(
      `vms/${String(other.id)}/nics`,
      "<nic><name>nic1</name><mac><address>02:00:00:00:00:0a</address></mac></nic>",
    );
    expect(res.status).toBe(201);
    expect((entityOf(res, "nic").mac as Obj).address).toBe("02:00:00:00:00:0a");
    res = await api.post(
      `vms/${String(other.id)}/nics`,
      `<nic><name>nic9</name><vnic_profile id="${SETUP_IDS.defaultCluster}"/></nic>`,
    );
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe("[Cannot add Interface. VM network interface profile doesn't exist.]");
    const list = await api.as("json").get(`vms/${id}/nics`);
    expect(((list.parsed().nic as Obj[]) ?? []).map((n) => n.name)).toEqual(["nic1", "nic2"]);
  });

  test("a NIC references a vNIC profile, and can be updated and removed", async () => {
    const profiles = (await api.as("json").get("vnicprofiles")).parsed().vnic_profile as Obj[] | undefined;
    expect(profiles?.length).toBeGreaterThan(0);
    const profileId = String(profiles![0].id);
    const vm = await addVm("nics3");
    const id = String(vm.id);
    let res = await api.post(
      `vms/${id}/nics`,
      `<nic><name>eth0</name><vnic_profile id="${profileId}"/></nic>`,
    );
    expect(res.status).toBe(201);
    const nicId = String(entityOf(res, "nic").id);
    expect(refId(entityOf(res, "nic").vnic_profile)).toBe(profileId);
    res = await api.put(`vms/${id}/nics/${nicId}`, "<nic><linked>false</linked></nic>");
    expect(String(entityOf(res, "nic").linked)).toBe("false");
    expect((await api.delete(`vms/${id}/nics/${nicId}`)).status).toBe(200);
    expect((await api.get(`vms/${id}/nics/${nicId}`)).status).toBe(404);
  });

  test("the range is 56:6f:XX:YY:00:00-ff:ff and differs between engines", () => {
    const a = macRange({ instanceId: "a" } as never, SETUP_IDS.defaultMacPool).prefix;
    const b = macRange({ instanceId: "b" } as never, SETUP_IDS.defaultMacPool).prefix;
    expect(a).toMatch(/^56:6f:[0-9a-f]{2}:[0-9a-f]{2}$/);
    expect(a).not.toBe(b);
  });
});

describe("renders like a real engine", () => {
  // Members of the captured VM this engine does not model (icons, profiles, quota, the display
  // certificate of a running VM, custom properties, the pinned compatibility version).
  const VM_NOT_MODELLED = [
    "cpu_profile",
    "cpu_profile/href",
    "cpu_profile/id",
    "custom_compatibility_version",
    "custom_compatibility_version/major",
    "custom_compatibility_version/minor",
    "custom_properties",
    "custom_properties/custom_property",
    "custom_properties/custom_property/name",
    "custom_properties/custom_property/value",
    "display/certificate",
    "display/certificate/content",
    "display/certificate/organization",
    "display/certificate/subject",
    "initialization/nic_configurations",
    "large_icon",
    "large_icon/href",
    "large_icon/id",
    "quota",
    "quota/id",
    "small_icon",
    "small_icon/href",
    "small_icon/id",
  ];

  test("a running VM has the shape of samples/vm.xml; XML and JSON agree", async () => {
    const vm = await addVm("shape1", "<initialization><user_name></user_name></initialization>");
    const id = String(vm.id);
    await action(id, "start");
    await until(api, `vms/${id}`, statusIs("up"));
    await action(id, "stop");
    await until(api, `vms/${id}`, statusIs("down"));
    await action(id, "start");
    await until(api, `vms/${id}`, statusIs("up"));
    const xml = await api.get(`vms/${id}`);
    const diff = compareShapes(xmlShape(sample("vm.xml")), xmlShape(xml.body));
    expect(diff).toEqual({ missing: VM_NOT_MODELLED, extra: [] });
    const json = await api.as("json").get(`vms/${id}`);
    expect(compareShapes(xmlShape(xml.body), jsonShape(json.body))).toEqual({ missing: [], extra: [] });
  });

  test("NICs have the shape of samples/vm_nics.xml", async () => {
    const vm = await addVm("shape2");
    const profiles = (await api.as("json").get("vnicprofiles")).parsed().vnic_profile as Obj[];
    await api.post(
      `vms/${String(vm.id)}/nics`,
      `<nic><name>nic1</name><vnic_profile id="${String(profiles[0].id)}"/></nic>`,
    );
    const xml = await api.get(`vms/${String(vm.id)}/nics`);
    const diff = compareShapes(xmlShape(sample("vm_nics.xml")), xmlShape(xml.body));
    expect(diff).toEqual({ missing: [], extra: ["nic/synced"] });
    const json = await api.as("json").get(`vms/${String(vm.id)}/nics`);
    expect(compareShapes(xmlShape(xml.body), jsonShape(json.body))).toEqual({ missing: [], extra: [] });
  });
});

describe("with real durations (time scale 0.5)", () => {
  let slow: RunningEngine;
  let sapi: ApiClient;
  let sdir: string;
  let scl: string;

  beforeAll(async () => {
    sdir = tempStateDir("vms-slow");
    slow = await startInProcess("4.4", sdir, { timeScale: 0.5 });
    sapi = await ApiClient.connect(slow);
    seedHost(sdir, "slowhost", SETUP_IDS.defaultCluster, "up");
    scl = SETUP_IDS.defaultCluster;
  });

  afterAll(async () => {
    await slow?.close();
  });

  test("start passes wait_for_launch and powering_up; shutdown passes powering_down; events are logged", async () => {
    const res = await sapi.post(
      "vms",
      `<vm><name>slow1</name><cluster id="${scl}"/><template><name>Blank</name></template></vm>`,
    );
    const id = String(entityOf(res, "vm").id);
    const seen = new Set<string>();
    const watch = (s: string) => (e: Obj | undefined) => {
      seen.add(String(e?.status));
      return e?.status === s;
    };
    const started = await sapi.post(`vms/${id}/start`, "<action/>", { "correlation-id": "slow-start-1" });
    expect(started.status).toBe(200);
    expect((await sapi.as("json").get(`vms/${id}`)).parsed().status).toBe("wait_for_launch");
    await until(sapi, `vms/${id}`, watch("up"));
    expect(seen.has("powering_up")).toBe(true);
    await sapi.post(`vms/${id}/shutdown`, "<action/>");
    expect((await sapi.as("json").get(`vms/${id}`)).parsed().status).toBe("powering_down");
    const stop = await sapi.post(`vms/${id}/shutdown`, "<action/>");
    expect(stop.status).toBe(200);
    await until(sapi, `vms/${id}`, statusIs("down"));
    const events = ((await sapi.as("json").get("events")).parsed().event as Obj[]).map((e) => [
      e.code,
      e.description,
    ]);
    expect(events).toEqual(
      expect.arrayContaining([
        ["34", "VM slow1 was created by admin@internal-authz."],
        ["153", "VM slow1 was started by admin@internal-authz (Host: slowhost)."],
        ["32", "VM slow1 started on Host slowhost"],
        ["73", "VM shutdown initiated by admin@internal-authz on VM slow1 (Host: slowhost)."],
      ]),
    );
    const jobs = (await sapi.as("json").get("jobs?search=correlation_id%3Dslow-start-1")).parsed()
      .job as Obj[];
    expect(jobs.map((j) => j.description)).toEqual(["Launching VM slow1"]);
  });
});
