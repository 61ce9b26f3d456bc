// The stack config is validated as a whole; every problem names its path and the offending value.
import { loadStackConfig } from "../../config/load";
import { ConfigError } from "../../config/validate";

const engines = {
  target: { url: "https://engine44.lab.example.com/ovirt-engine/api", password: "pw", caFile: "ca.pem" },
};
const lab = {
  dataCenter: { name: "oVirt_DC" },
  clusters: [{ name: "oVirt_Cluster" }, { name: "ocpcluster", memoryOverCommitPercent: 150 }],
};

function problems(raw: { lab: unknown; engines: unknown }): string[] {
  try {
    loadStackConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

test("a good config loads with defaults filled in", () => {
  const cfg = loadStackConfig({ lab, engines });
  expect(cfg.lab.engine).toBe("target");
  expect(cfg.lab.dataCenter.local).toBe(false);
  expect(cfg.lab.clusters.map((c) => c.name)).toEqual(["oVirt_Cluster", "ocpcluster"]);
  expect(cfg.engineNames).toEqual(["target"]);
});

test.each([
  [
    "bad cluster name",
    { ...lab, clusters: [{ name: "oVirt Cluster" }] },
    engines,
    `lab.clusters[0].name: may only contain letters, digits, '_' and '-' (got "oVirt Cluster")`,
  ],
  [
    "duplicate cluster names",
    { ...lab, clusters: [{ name: "a" }, { name: "A" }] },
    engines,
    'lab.clusters[1].name: duplicate cluster name "A" (also clusters[0])',
  ],
  [
    "bad compatibility level",
    { ...lab, dataCenter: { name: "dc", compatibilityVersion: "4.x" } },
    engines,
    'lab.dataCenter.compatibilityVersion: is not a compatibility level like "4.4" (got "4.x")',
  ],
  [
    "over-commit out of range",
    { ...lab, clusters: [{ name: "c", memoryOverCommitPercent: 50 }] },
    engines,
    "lab.clusters[0].memoryOverCommitPercent:",
  ],
  ["unknown key", { ...lab, dataCentre: {} }, engines, 'lab: Unrecognized key: "dataCentre"'],
  [
    "engine not configured",
    { ...lab, engine: "legacy" },
    engines,
    'lab.engine: no engine named "legacy" in ovirt-lab:engines (have: target)',
  ],
  [
    "engine URL not https",
    lab,
    { target: { ...engines.target, url: "http://engine/ovirt-engine/api" } },
    "engines.target.url: is not an https URL ending in /ovirt-engine/api",
  ],
  ["engine without password", lab, { target: { url: engines.target.url } }, "engines.target.password:"],
  ["no engines", lab, undefined, "ovirt-lab:engines: missing"],
  ["no lab", undefined, engines, "ovirt-lab:lab: missing"],
])("%s is rejected with a message naming the field", (_what, badLab, badEngines, expected) => {
  const found = problems({ lab: badLab, engines: badEngines });
  expect(found.some((p) => p.startsWith(expected))).toBe(true);
});

test("a bad password value is never echoed back", () => {
  const found = problems({ lab, engines: { target: { ...engines.target, password: 12345678 } } });
  expect(found.join("\n")).toContain("engines.target.password");
  expect(found.join("\n")).not.toContain("12345678");
});
