// The seed post's whole lab (the repository's own Pulumi.lab.yaml, secrets and all) through the real
// Pulumi CLI against a fresh embedded 4.4 engine at time scale 0, on plain embedded storage
// (OVIRT_LAB_GLUSTER_MANAGE_VOLUMES=false: the Gluster volumes are taken as existing). Only the
// engine's address, CA and password are pointed at the test's engine; a canary secret is added as
// the on-demand group's cloud-init root password to prove no secret reaches state or a PR comment.
import { LocalWorkspace, type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { startEngine } from "../../testbed/engine-process";
import { repoRoot } from "../../testbed/paths";
import { offlineEnv, pulumiCommand, scratchProject } from "../../testbed/pulumi";
import { renderPreview, type Preview } from "../../tools/pr-diff";
import { getJson, list, writesSince } from "../helpers/engine-api";
import { stepsOf } from "../helpers/stack";

type Engine = Awaited<ReturnType<typeof startEngine>>;
type Obj = Record<string, unknown>;

// Pulumi.lab.yaml's secrets are encrypted with the demo passphrase.
const PASSPHRASE = "ovirt-lab-demo";
const CANARY = `CANARY-${crypto.randomBytes(6).toString("hex")}`;
const GIB = 2 ** 30;

let engine: Engine;
let stack: Stack;
let workDir = "";
let env: Record<string, string> = {};
let configFile = "";

/** Pulumi.lab.yaml's on-demand OpenShift group size. */
let ocpCount = 0;

/** `Kind -> count` of the planned steps, and the set of ops used. */
function byKind(events: EngineEvent[]): { kinds: Record<string, number>; ops: Set<string> } {
  const kinds: Record<string, number> = {};
  const ops = new Set<string>();
  for (const [key, op] of Object.entries(stepsOf(events))) {
    const kind = key.slice(0, key.indexOf(":"));
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    ops.add(op);
  }
  return { kinds, ops };
}

const changesOf = (res: { summary: { resourceChanges?: Record<string, number> } }) =>
  Object.keys(res.summary.resourceChanges ?? {}).sort();

beforeAll(async () => {
  engine = await startEngine({ version: "4.4", timeScale: 0 });
  workDir = scratchProject("ovirt-lab-seed-");
  configFile = path.join(workDir, "Pulumi.lab.yaml");
  fs.copyFileSync(path.join(repoRoot, "Pulumi.lab.yaml"), configFile);
  const doc = YAML.parse(fs.readFileSync(configFile, "utf8")) as {
    config: { "ovirt-lab:lab": { vmGroups: Array<{ name: string; count: number }> } };
  };
  ocpCount = doc.config["ovirt-lab:lab"].vmGroups[0].count;
  env = {
    ...offlineEnv({ backendDir: path.join(workDir, ".backend"), passphrase: PASSPHRASE }),
    OVIRT_LAB_GLUSTER_MANAGE_VOLUMES: "false",
  };
  stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "lab", workDir },
    { pulumiCommand: await pulumiCommand(), envVars: env },
  );
  await stack.setConfig("ovirt-lab:engines.target.url", { value: engine.url }, true);
  await stack.setConfig("ovirt-lab:engines.target.caFile", { value: engine.caFile }, true);
  await stack.setConfig(
    "ovirt-lab:engines.target.password",
    { value: engine.adminPassword, secret: true },
    true,
  );
  await stack.setConfig("ovirt-lab:secrets.vms.ocp.rootPassword", { value: CANARY, secret: true }, true);
}, 120_000);

afterAll(async () => {
  await engine?.stop();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

test("the stack file keeps every secret encrypted", () => {
  const text = fs.readFileSync(configFile, "utf8");
  expect(text).not.toContain(CANARY);
  expect(text).not.toContain(engine.adminPassword);
  const secrets = (YAML.parse(text) as { config: Record<string, unknown> }).config["ovirt-lab:secrets"] as {
    hosts: Record<string, Record<string, unknown>>;
  };
  expect(Object.keys(secrets.hosts).sort()).toEqual([
    "calvin",
    "dogbert",
    "rhvnode3",
    "rhvnode4",
    "rhvnode5",
  ]);
  for (const h of Object.values(secrets.hosts)) {
    for (const v of Object.values(h)) expect(Object.keys(v as Obj)).toEqual(["secure"]);
  }
});

test("preview plans the whole seed lab, by kind, and sends no write to the engine", async () => {
  const events: EngineEvent[] = [];
  const before = engine.requests().length;
  await stack.preview({ onEvent: (e) => events.push(e) });
  const { kinds, ops } = byKind(events);
  expect(kinds).toEqual({
    Lab: 1,
    DataCenter: 1,
    Cluster: 2,
    Network: 2, // ovirtmgmt (kept, never deleted) and ocp
    VnicProfile: 2,
    ClusterHosts: 2,
    Host: 5,
    Storage: 1,
    StorageDomain: 4, // rhv4vol, rhvquick (glusterfs), iso, export (NFS); no GlusterVolume here
    VmFleet: 1,
    VmGroup: 1,
    Vm: 10 + ocpCount,
  });
  expect([...ops]).toEqual(["create"]);
  expect(writesSince(engine, before)).toEqual([]);
});

test("up converges the engine to the seed lab", async () => {
  const res = await stack.up();
  expect(res.summary.result).toBe("succeeded");
  const hosts = await list(engine, "hosts", "host");
  expect(hosts.map((h) => `${String(h.name)}:${String(h.status)}`).sort()).toEqual([
    "calvin:up",
    "dogbert:up",
    "rhvnode3:up",
    "rhvnode4:up",
    "rhvnode5:up",
  ]);
  const rhvnode3 = hosts.find((h) => h.name === "rhvnode3")!;
  expect(rhvnode3.address).toBe("198.18.0.23");
  expect((rhvnode3.power_management as Obj).enabled).toBe("true");
  const agents = await list(engine, `hosts/${String(rhvnode3.id)}/fenceagents`, "agent");
  expect(agents).toHaveLength(1);
  expect(agents[0]).toMatchObject({ type: "ipmilan", address: "198.18.1.23", username: "ADMIN" });
  expect(agents[0].password).toBeUndefined();

  const dcId = res.outputs.dataCenterId.value as string;
  const attached = await list(engine, `datacenters/${dcId}/storagedomains`, "storage_domain");
  expect(attached.map((d) => `${String(d.name)}:${String(d.type)}:${String(d.status)}`).sort()).toEqual([
    "export:export:active",
    "iso:iso:active",
    "rhv4vol:data:active",
    "rhvquick:data:active",
  ]);
  const sds = await list(engine, "storagedomains", "storage_domain");
  const quick = sds.find((d) => d.name === "rhvquick")!;
  expect(quick.storage).toMatchObject({ type: "glusterfs", address: "198.18.0.11", path: "/rhvquick" });

  const vms = await list(engine, "vms", "vm");
  const names = vms.map((v) => String(v.name)).filter((n) => n !== "Blank");
  expect(names.length).toBe(10 + ocpCount);
  expect(vms.filter((v) => v.status !== "up").map((v) => v.name)).toEqual([]);
  const satellite = vms.find((v) => v.name === "satellite")!;
  expect(satellite.memory).toBe(20 * GIB);
  const disks = await list(engine, `vms/${String(satellite.id)}/diskattachments`, "disk_attachment");
  expect(disks).toHaveLength(2);
  const ocp1 = vms.find((v) => v.name === "ocp-1")!;
  expect((ocp1.initialization as Obj).host_name).toBe("ocp-1");
  const nics = await list(engine, `vms/${String(ocp1.id)}/nics`, "nic");
  const profile = await getJson<Obj>(engine, `vnicprofiles/${String((nics[0].vnic_profile as Obj).id)}`);
  expect(profile?.name).toBe("ocp");
  expect(Object.keys(res.outputs.vmIds.value as Obj).sort()).toEqual(
    [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  );
});

test("state holds no secret in plain text", () => {
  const file = path.join(workDir, ".backend", ".pulumi", "stacks", "ovirt-lab", "lab.json");
  const text = fs.readFileSync(file, "utf8");
  expect(text.includes(CANARY)).toBe(false);
  expect(text.includes(engine.adminPassword)).toBe(false);
  // The demo passwords of Pulumi.lab.yaml (hosts' root and LOM, VMs' cloud-init).
  expect(text.includes("demo-root-")).toBe(false);
  expect(text.includes("demo-lom-")).toBe(false);
  expect(text.includes("demo-ipa-root")).toBe(false);
});

test("a second up and a refresh change nothing", async () => {
  expect(changesOf(await stack.up())).toEqual(["same"]);
  expect(changesOf(await stack.refresh())).toEqual(["same"]);
});

test("two more on-demand VMs: preview shows exactly their creates, the PR diff lists them without secrets, up makes them", async () => {
  const doc = YAML.parseDocument(fs.readFileSync(configFile, "utf8"));
  doc.setIn(["config", "ovirt-lab:lab", "vmGroups", 0, "count"], ocpCount + 2);
  fs.writeFileSync(configFile, doc.toString());
  const added = [`ocp-${ocpCount + 1}`, `ocp-${ocpCount + 2}`];

  const events: EngineEvent[] = [];
  await stack.preview({ onEvent: (e) => events.push(e) });
  const changed = Object.entries(stepsOf(events)).filter(([, op]) => op !== "same");
  expect(changed.sort()).toEqual(added.map((n) => [`Vm:${n}`, "create"]));

  // The PR comment, from the real CLI's `pulumi preview --json`.
  const cli = spawnSync("pulumi", ["preview", "--json", "--stack", "lab", "--non-interactive"], {
    cwd: workDir,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(cli.status).toBe(0);
  expect(cli.stdout.includes(CANARY)).toBe(false);
  const markdown = renderPreview(JSON.parse(cli.stdout) as Preview, "lab");
  expect(markdown).toContain("2 to create, 0 to update, 0 to replace, 0 to delete");
  for (const n of added) expect(markdown).toContain(`**create** Vm \`${n}\``);
  expect(markdown).toContain("### VmGroup `ocp`");
  expect(markdown.includes(CANARY)).toBe(false);
  expect(markdown).toContain("[secret]");

  const res = await stack.up();
  expect(res.summary.resourceChanges).toMatchObject({ create: 2 });
  const vms = await list(engine, "vms", "vm");
  for (const n of added) expect(vms.find((v) => v.name === n)?.status).toBe("up");
});
