// The providers through the real Pulumi CLI (Automation API) against a fresh embedded 4.4 engine at
// time scale 0, with the small test program tests/e2e/programs/providers.ts: Host, StorageDomain,
// Network + VnicProfile and Vm are created, a second up and a refresh change nothing, in-place
// updates, drift made through the API (a VM's memory) shown by refresh and set back by up, a memory
// change of a running VM waits for its next boot (pendingReboot, no stop/start), destroy.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import * as fs from "fs";
import { startEngine } from "../../testbed/engine-process";
import { getJson, list, sendJson, writesSince } from "../helpers/engine-api";
import {
  programStack,
  stateBytesByType,
  stepsOf,
  type ProgramResource,
  type ProgramStack,
} from "../helpers/stack";

type Engine = Awaited<ReturnType<typeof startEngine>>;
type Obj = Record<string, unknown>;
const MIB = 1024 * 1024;

const E = { engine: "target" };
function resources(
  o: { netDescription?: string; vmMemory?: number; sdWarning?: number } = {},
): ProgramResource[] {
  return [
    { kind: "DataCenter", name: "dc", args: { ...E, name: "pe_dc", compatibilityVersion: "4.4" } },
    {
      kind: "Cluster",
      name: "cl",
      args: { ...E, name: "pe_cl", dataCenterId: "@dc", cpuType: "Intel Nehalem Family" },
    },
    {
      kind: "Host",
      name: "host",
      args: { ...E, name: "pe-h1", address: "pe-h1.lab", clusterId: "@cl", rootPassword: "root-pw" },
    },
    {
      kind: "StorageDomain",
      name: "sd",
      args: {
        ...E,
        name: "pe_data",
        type: "data",
        storage: { type: "nfs", address: "depot.lab", path: "/exports/pe" },
        hostName: "pe-h1",
        dataCenterId: "@dc",
        warningLowSpace: o.sdWarning ?? 10,
      },
      dependsOn: ["host"],
    },
    {
      kind: "Network",
      name: "net",
      args: {
        ...E,
        name: "pe_net",
        dataCenterId: "@dc",
        vlanId: 30,
        description: o.netDescription ?? "first",
        clusters: [{ clusterId: "@cl", required: false }],
      },
    },
    { kind: "VnicProfile", name: "prof", args: { ...E, name: "pe_prof", networkId: "@net" } },
    {
      kind: "Vm",
      name: "vm",
      args: {
        ...E,
        name: "pe_vm",
        clusterId: "@cl",
        memoryMiB: o.vmMemory ?? 1024,
        disks: [{ name: "pe_vm_os", sizeGiB: 1, storageDomainId: "@sd", bootable: true }],
        nics: [{ name: "nic1", vnicProfileId: "@prof" }],
        runState: "running",
      },
    },
    {
      kind: "Vm",
      name: "vm2",
      args: { ...E, name: "pe_vm2", clusterId: "@cl", memoryMiB: 1024, runState: "stopped" },
      dependsOn: ["sd"],
    },
  ];
}

// Several CLI runs per test; on a shared, loaded machine each can take tens of seconds.
jest.setTimeout(600_000);

let engine: Engine;
let t: ProgramStack;

const byName = async (collection: string, singular: string, name: string) =>
  (await list(engine, collection, singular)).find((e) => e.name === name);
const changesOf = (summary: { resourceChanges?: Record<string, number> }) =>
  Object.fromEntries(Object.entries(summary.resourceChanges ?? {}).filter(([op]) => op !== "same"));
const vmActions = (from: number) =>
  writesSince(engine, from)
    .filter((r) => /\/vms\/[^/]+\/(start|stop|shutdown|reboot)$/.test(r.path.split("?")[0]))
    .map((r) => r.path.split("?")[0].split("/").pop());

beforeAll(async () => {
  engine = await startEngine({ version: "4.4", timeScale: 0 });
  t = await programStack({ target: engine }, resources());
}, 300_000);

afterAll(async () => {
  await engine?.stop();
  if (t) fs.rmSync(t.workDir, { recursive: true, force: true });
});

test("up creates host, storage domain, network, vNIC profile and VMs", async () => {
  const res = await t.stack.up();
  expect(res.summary.result).toBe("succeeded");
  expect((await byName("hosts", "host", "pe-h1"))?.status).toBe("up");
  const sd = await byName("storagedomains", "storage_domain", "pe_data");
  const dc = await byName("datacenters", "data_center", "pe_dc");
  const attached = await getJson<Obj>(
    engine,
    `datacenters/${dc?.id as string}/storagedomains/${sd?.id as string}`,
  );
  expect(attached?.status).toBe("active");
  expect((await byName("networks", "network", "pe_net"))?.description).toBe("first");
  expect(await byName("vnicprofiles", "vnic_profile", "pe_prof")).toBeDefined();
  const vm = await byName("vms", "vm", "pe_vm");
  expect(vm?.status).toBe("up");
  expect(Number(vm?.memory)).toBe(1024 * MIB);
  expect((await byName("vms", "vm", "pe_vm2"))?.status).toBe("down");
  const outs = res.outputs.resourcesOut.value as Record<string, Obj>;
  expect(outs.vm).toMatchObject({ id: vm?.id, adopted: false, pendingReboot: false });
});

test("a second up and a refresh change nothing, and send no write", async () => {
  const from = engine.requests().length;
  const again = await t.stack.up();
  expect(changesOf(again.summary)).toEqual({});
  const refreshed = await t.stack.refresh();
  expect(changesOf(refreshed.summary)).toEqual({});
  expect(writesSince(engine, from)).toEqual([]);
});

test("raw state per resource kind stays small (bytes reported)", () => {
  const sizes = stateBytesByType(t.stateFile);
  // Reported for the issue: bytes of each resource's JSON in the checkpoint, per type.
  console.log(
    "state bytes per resource:\n" +
      Object.entries(sizes)
        .map(
          ([type, s]) =>
            `${type}: ${Math.round(s.bytes / s.count)} bytes each (${s.count}), ` +
            `of which serialized provider ${Math.round(s.providerBytes / s.count)}`,
        )
        .join("\n"),
  );
  for (const [type, s] of Object.entries(sizes)) {
    if (!type.startsWith("pulumi-nodejs:dynamic/")) continue;
    expect(s.bytes / s.count).toBeLessThan(4096);
  }
  expect(fs.readFileSync(t.stateFile, "utf8")).not.toContain(engine.adminPassword);
});

test("changed network description and storage threshold are in-place updates", async () => {
  t.setResources(resources({ netDescription: "second", sdWarning: 15 }));
  const events: EngineEvent[] = [];
  await t.stack.preview({ onEvent: (e) => events.push(e) });
  const planned = Object.fromEntries(Object.entries(stepsOf(events)).filter(([, op]) => op !== "same"));
  expect(planned).toEqual({ "Network:net": "update", "StorageDomain:sd": "update" });
  const res = await t.stack.up();
  expect(changesOf(res.summary)).toEqual({ update: 2 });
  expect((await byName("networks", "network", "pe_net"))?.description).toBe("second");
  const sd = await byName("storagedomains", "storage_domain", "pe_data");
  expect(Number(sd?.warning_low_space_indicator)).toBe(15);
});

test("drift: memory changed through the API shows in refresh and up sets it back", async () => {
  const vm2 = await byName("vms", "vm", "pe_vm2");
  const id = vm2?.id as string;
  // Behind Pulumi's back, with the independent reader's credentials.
  const put = await sendJson(engine, "PUT", `vms/${id}`, { memory: 2048 * MIB });
  expect(put.status).toBe(200);
  const refreshed = await t.stack.refresh();
  expect(changesOf(refreshed.summary)).toEqual({ update: 1 });
  const events: EngineEvent[] = [];
  await t.stack.preview({ onEvent: (e) => events.push(e) });
  expect(Object.entries(stepsOf(events)).filter(([, op]) => op !== "same")).toEqual([["Vm:vm2", "update"]]);
  const res = await t.stack.up();
  expect(changesOf(res.summary)).toEqual({ update: 1 });
  expect(Number((await getJson<Obj>(engine, `vms/${id}`))?.memory)).toBe(1024 * MIB);
});

test("a running VM's memory change waits for its next boot: no stop/start, pendingReboot", async () => {
  t.setResources(resources({ netDescription: "second", sdWarning: 15, vmMemory: 2048 }));
  const from = engine.requests().length;
  const res = await t.stack.up();
  expect(changesOf(res.summary)).toEqual({ update: 1 });
  expect(vmActions(from)).toEqual([]);
  const vm = await byName("vms", "vm", "pe_vm");
  expect(vm?.status).toBe("up");
  expect(vm?.next_run_configuration_exists).toBe("true");
  const outs = res.outputs.resourcesOut.value as Record<string, Obj>;
  expect(outs.vm.pendingReboot).toBe(true);
  // The next-run configuration is what the VM is declared with: nothing more to do.
  const again = await t.stack.up();
  expect(changesOf(again.summary)).toEqual({});
});

test("destroy removes everything", async () => {
  const res = await t.stack.destroy();
  expect(res.summary.result).toBe("succeeded");
  for (const [c, s, n] of [
    ["vms", "vm", "pe_vm"],
    ["vms", "vm", "pe_vm2"],
    ["vnicprofiles", "vnic_profile", "pe_prof"],
    ["networks", "network", "pe_net"],
    ["storagedomains", "storage_domain", "pe_data"],
    ["hosts", "host", "pe-h1"],
    ["clusters", "cluster", "pe_cl"],
    ["datacenters", "data_center", "pe_dc"],
  ])
    expect(await byName(c, s, n)).toBeUndefined();
});
