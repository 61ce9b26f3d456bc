// Every captured or documented sample in ../shared/ovirt/samples is held against the engine's
// rendering of the same kind of object by some test (checked here by name), and the samples no other
// test covers are compared here: the API root (api_root_documented.xml, abridged), a data center
// search for `status=up` (datacenters_search_status_up.xml, a 4.4+ capture), the VM `ticket` action
// (action_vm_ticket.xml) and the `Incomplete parameters` fault (fault_incomplete_parameters.xml).
import fs from "node:fs";
import path from "node:path";
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, faultOf, sample, startInProcess, tempStateDir } from "./support/engine";
import { compareShapes, jsonShape, subShape, xmlShape } from "./support/structure";
import { addHost, dataPlaneOf, statusIs, until } from "./storage-fixtures";

const SAMPLES_DIR = path.join(__dirname, "..", "..", "..", "shared", "ovirt", "samples");
const TESTS_DIR = path.join(__dirname, "..");

function testSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testSources(p));
    else if (/\.test\.ts$/.test(entry.name)) out.push(fs.readFileSync(p, "utf8"));
  }
  return out;
}

test("every sample file is compared by some engine test", () => {
  const samples = fs.readdirSync(SAMPLES_DIR).filter((f) => /\.(xml|json)$/.test(f));
  expect(samples.length).toBeGreaterThanOrEqual(20);
  const sources = testSources(TESTS_DIR).join("\n");
  const uncovered = samples.filter((f) => !sources.includes(`"${f}"`));
  expect(uncovered).toEqual([]);
});

/** What the engine's API root has beyond the abridged documented one (an oVirt 4.0 engine's). */
const ROOT_EXTRA_43 = [
  "authenticated_user",
  "authenticated_user/href",
  "authenticated_user/id",
  "effective_user",
  "effective_user/href",
  "effective_user/id",
];
const ROOT_EXTRA_44 = [...ROOT_EXTRA_43, "product_info/instance_id"].sort();
/** The model_4.3 data center has no action links (datacenters_search_status_up.xml is a 4.4+ capture). */
const DC_43_LACKS = ["actions", "actions/link", "actions/link/href", "actions/link/rel"];

describe.each(["4.3", "4.4"] as const)("%s engine renders like the remaining samples", (version) => {
  let engine: RunningEngine;
  let api: ApiClient;
  let dcId: string;
  let clusterId: string;
  let vmId: string;

  beforeAll(async () => {
    const stateDir = tempStateDir(`samples-${version}`);
    engine = await startInProcess(version, stateDir);
    api = await ApiClient.connect(engine);
    const dc = await api.post(
      "datacenters",
      "<data_center><name>sample-dc</name><description>lab</description><local>false</local></data_center>",
    );
    dcId = String(entityOf(dc, "data_center").id);
    const cl = await api.post(
      "clusters",
      `<cluster><name>sample-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
    );
    clusterId = String(entityOf(cl, "cluster").id);
    await addHost(api, dataPlaneOf(stateDir), "h1", clusterId);
    const sd = await api.post(
      "storagedomains",
      "<storage_domain><name>sample-data</name><type>data</type><host><name>h1</name></host>" +
        "<storage><type>nfs</type><address>depot.lab</address><path>/exports/sample</path></storage></storage_domain>",
    );
    expect(sd.status).toBe(201);
    const sdId = String(entityOf(sd, "storage_domain").id);
    expect(
      (await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`)).status,
    ).toBe(201);
    await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"));
    const vm = await api.post(
      "vms",
      `<vm><name>console</name><cluster id="${clusterId}"/><template><name>Blank</name></template></vm>`,
    );
    expect(vm.status).toBe(201);
    vmId = String(entityOf(vm, "vm").id);
  });

  afterAll(async () => {
    await engine?.close();
  });

  test("the API root has the shape of api_root_documented.xml (plus the session's users)", async () => {
    const res = await api.get("");
    expect(res.status).toBe(200);
    const diff = compareShapes(xmlShape(sample("api_root_documented.xml")), xmlShape(res.body));
    expect(diff).toEqual({ missing: [], extra: version === "4.4" ? ROOT_EXTRA_44 : ROOT_EXTRA_43 });
  });

  test("a data center search for status=up has the shape of datacenters_search_status_up.xml", async () => {
    const res = await api.get("datacenters?search=status%3Dup");
    expect(res.status).toBe(200);
    const found = xmlShape(res.body);
    expect(subShape(found, "data_center").has("name")).toBe(true);
    const diff = compareShapes(
      subShape(xmlShape(sample("datacenters_search_status_up.xml")), "data_center"),
      subShape(found, "data_center"),
    );
    expect(diff).toEqual({ missing: version === "4.4" ? [] : DC_43_LACKS, extra: [] });
    // Only the up data center: engine-setup's Default is uninitialized.
    const names = [...res.body.matchAll(/<name>([^<]*)<\/name>/g)].map((m) => m[1]);
    expect(names).toEqual(["sample-dc"]);
  });

  test("the ticket of a running VM has the shape of action_vm_ticket.xml", async () => {
    expect((await api.post(`vms/${vmId}/start`, "<action/>")).status).toBe(200);
    await until(api, `vms/${vmId}`, statusIs("up"));
    const res = await api.post(
      `vms/${vmId}/ticket`,
      "<action><ticket><expiry>300</expiry></ticket></action>",
    );
    expect(res.status).toBe(200);
    // The ticket command is not monitored: no job in the answer.
    expect(compareShapes(xmlShape(sample("action_vm_ticket.xml")), xmlShape(res.body))).toEqual({
      missing: [],
      extra: ["status"],
    });
    const action = res.parsed().action as { status: string; ticket: { value: string; expiry: string } };
    expect(action.status).toBe("complete");
    expect(String(action.ticket.expiry)).toBe("300");
    expect(action.ticket.value).toMatch(/^[A-Za-z0-9+/]{8}$/);
    const events = await api.as("json").get("events?search=type%3D164");
    const last = (events.parsed().event as Array<{ description: string }>)[0];
    expect(last.description).toBe("User admin@internal-authz initiated console session for VM console");
  });

  test("a ticket's default expiry is 2 hours, a given value is kept, JSON has the same shape", async () => {
    const json = await api.as("json").post(`vms/${vmId}/ticket`, "{}");
    expect(json.status).toBe(200);
    const body = json.parsed() as { status: string; ticket: { value: string; expiry: string } };
    expect(body.ticket.expiry).toBe("7200");
    expect(body.ticket.value).toMatch(/^[A-Za-z0-9+/]{8}$/);
    expect(compareShapes(xmlShape(sample("action_vm_ticket.xml")), jsonShape(json.body))).toEqual({
      missing: [],
      extra: ["status"],
    });
    const given = await api.post(
      `vms/${vmId}/ticket`,
      "<action><ticket><value>abcd12345</value></ticket></action>",
    );
    expect((given.parsed().action as { ticket: { value: string } }).ticket.value).toBe("abcd12345");
  });

  test("no ticket for a VM that is down: SetVmTicket's status fault inside the action", async () => {
    expect((await api.post(`vms/${vmId}/stop`, "<action/>")).status).toBe(200);
    await until(api, `vms/${vmId}`, statusIs("down"));
    const res = await api.post(`vms/${vmId}/ticket`, "<action/>");
    expect(res.status).toBe(409);
    const action = res.parsed().action as { status: string; fault: { reason: string; detail: string } };
    expect(action.fault).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot set Virtual Machine Ticket because the VM is in Down status.]",
    });
    expect(action.status).toBe("failed");
    expect((await api.post("vms/00000000-0000-0000-0000-00000000abcd/ticket", "<action/>")).status).toBe(404);
  });

  test("a POST missing a member the REST layer asserts answers fault_incomplete_parameters.xml", async () => {
    const res = await api.post("networks", "<network><name>no-dc</name></network>");
    expect(res.status).toBe(400);
    expect(compareShapes(xmlShape(sample("fault_incomplete_parameters.xml")), xmlShape(res.body))).toEqual({
      missing: [],
      extra: [],
    });
    expect(faultOf(res)).toEqual({
      reason: "Incomplete parameters",
      detail: "Network [dataCenter.name|id] required for add",
    });
    const json = await api.as("json").post("storagedomains", '{"name": "no-storage", "type": "data"}');
    expect(json.status).toBe(400);
    expect(compareShapes(xmlShape(sample("fault_incomplete_parameters.xml")), jsonShape(json.body))).toEqual({
      missing: [],
      extra: [],
    });
    expect(faultOf(json).reason).toBe("Incomplete parameters");
  });
});
