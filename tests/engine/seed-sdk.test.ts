// The official oVirt Python SDK (testbed/sdk/, the conformance suite's client) reads a seeded lab:
// the seeded VMs with their statuses, hosts and storage domains, and `follow` through the SDK.
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { repoRoot } from "../../testbed/paths";
import { SDK_PYTHON } from "../conformance/run";
import { ADMIN_PASSWORD, tempStateDir } from "./support/engine";

const SEED = path.join(repoRoot, "simulator", "seeds", "seed-lab-4.3.yaml");

const SCRIPT = `
import json, os, ovirtsdk4 as sdk
c = sdk.Connection(url=os.environ["OVIRT_URL"], username="admin@internal",
                   password=os.environ["OVIRT_PASSWORD"], ca_file=os.environ["OVIRT_CA_FILE"])
s = c.system_service()
vms = s.vms_service().list(follow="nics,disk_attachments.disk")
out = {
  "vms": sorted([[v.name, str(v.status), [n.mac.address for n in v.nics],
                  [a.disk.provisioned_size for a in v.disk_attachments]] for v in vms]),
  "hosts": sorted([[h.name, str(h.status)] for h in s.hosts_service().list()]),
  "domains": sorted([d.name for d in s.storage_domains_service().list()]),
  "up": [v.name for v in s.vms_service().list(search="status=up")],
}
c.close()
print(json.dumps(out))
`;

let engine: RunningEngine;

beforeAll(async () => {
  const install = spawnSync("bash", [path.join(repoRoot, "testbed", "sdk", "install.sh")], {
    encoding: "utf8",
    timeout: 900_000,
  });
  if (install.status !== 0)
    throw new Error(`testbed/sdk/install.sh failed:\n${install.stdout}${install.stderr}`);
  engine = await launchEngine({
    version: "4.3",
    port: 0,
    stateDir: tempStateDir("seed-sdk"),
    adminPassword: ADMIN_PASSWORD,
    timeScale: 1,
    hostname: "localhost",
    seed: SEED,
  });
});

afterAll(async () => {
  await engine?.close();
});

test("the SDK lists the seeded VMs (with follow), hosts and storage domains", async () => {
  expect(fs.existsSync(SDK_PYTHON)).toBe(true);
  const { stdout } = await promisify(execFile)(SDK_PYTHON, ["-c", SCRIPT], {
    env: {
      ...process.env,
      OVIRT_URL: engine.url,
      OVIRT_PASSWORD: ADMIN_PASSWORD,
      OVIRT_CA_FILE: engine.caFile,
    },
    timeout: 120_000,
  });
  const got = JSON.parse(stdout) as {
    vms: Array<[string, string, string[], number[]]>;
    hosts: Array<[string, string]>;
    domains: string[];
    up: string[];
  };
  expect(got.vms).toHaveLength(16);
  const ipa = got.vms.find((v) => v[0] === "ipa")!;
  expect(ipa).toEqual(["ipa", "up", ["56:6f:1a:00:00:01"], [40 * 1024 ** 3]]);
  const sat = got.vms.find((v) => v[0] === "satellite")!;
  expect(sat[3].sort()).toEqual([100 * 1024 ** 3, 500 * 1024 ** 3]);
  expect(got.vms.find((v) => v[0] === "ocp-worker-2")![1]).toBe("down");
  expect(got.up.sort()).toEqual(["bastion", "gitlab", "ipa", "ipa2", "ocp-lb", "satellite", "tower"]);
  expect(got.hosts).toEqual([
    ["calvin", "up"],
    ["dogbert", "up"],
    ["rhvnode3", "up"],
    ["rhvnode4", "up"],
    ["rhvnode5", "up"],
  ]);
  expect(got.domains).toEqual(["export", "iso", "rhv4vol_data", "rhvquick_data"]);
});
