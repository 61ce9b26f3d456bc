// Property-based tests of the stack config (fast-check): whatever YAML-shaped value a user writes,
// loading either works or throws one ConfigError whose every problem names its path; a secret's value
// (engine password, root password, cloud-init script) never appears in a problem; and small edits
// of a valid lab never make the loader throw anything else.
import fc from "fast-check";
import { loadStackConfig } from "../../config/load";
import { ConfigError } from "../../config/validate";

const CANARY = "Canary-Pw-7f3a9c";
const SCRIPT = "#cloud-config canary-script-41d2";

const engines = {
  target: { url: "https://engine44.lab.example.com/ovirt-engine/api", password: CANARY, caFile: "ca.pem" },
};
const lab = {
  engine: "target",
  dataCenter: { name: "oVirt_DC" },
  clusters: [{ name: "oVirt_Cluster" }, { name: "ocpcluster", memoryOverCommitPercent: 150 }],
  networks: [{ name: "ocp", vlan: 20, clusters: [{ name: "ocpcluster" }] }],
  hosts: [{ name: "calvin", address: "calvin.lab.example.com", cluster: "oVirt_Cluster" }],
  vms: [{ name: "web1", cluster: "oVirt_Cluster", memory: "2GiB" }],
};
const secrets = {
  hosts: { calvin: { rootPassword: CANARY } },
  vms: { web1: { rootPassword: CANARY, customScript: SCRIPT } },
};

function outcome(raw: { lab: unknown; engines: unknown; secrets?: unknown }): string[] | "ok" {
  try {
    loadStackConfig(raw);
    return "ok";
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
}

function checkProblems(problems: string[] | "ok"): void {
  if (problems === "ok") return;
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) {
    expect(p).toMatch(/^(ovirt-lab:)?(lab|engines|secrets)\b|^engine "/);
    expect(p).not.toContain(CANARY);
    expect(p).not.toContain("canary-script");
  }
}

test("the valid config loads (the base of the properties below)", () => {
  expect(outcome({ lab, engines, secrets })).toEqual("ok");
});

test("any JSON as lab, engines or secrets: loads, or a ConfigError with paths", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("lab", "engines", "secrets"),
      fc.jsonValue({ maxDepth: 4 }),
      (which, junk) => {
        checkProblems(outcome({ lab, engines, secrets, [which]: junk }));
      },
    ),
    { numRuns: 400 },
  );
});

/** Every path to a leaf or node of a value, as keys. */
function paths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof v !== "object" || v === null) return [prefix];
  const own = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  return [prefix, ...own.flatMap(([k, x]) => paths(x, [...prefix, k]))];
}

function setIn(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(root) ? [...(root as unknown[])] : { ...(root as object) }) as Record<
    string | number,
    unknown
  >;
  copy[path[0]] = setIn(copy[path[0]], path.slice(1), value);
  return copy;
}

test("one field of a valid config replaced by junk: never a crash, never a secret echoed", () => {
  const whole = { lab, engines, secrets };
  const all = paths(whole).filter((p) => p.length > 0);
  fc.assert(
    fc.property(
      fc.constantFrom(...all),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.record({ password: fc.constant(CANARY), junk: fc.integer() }),
        fc.record({
          rootPassword: fc.constant(CANARY),
          customScript: fc.constant(SCRIPT),
          bogus: fc.boolean(),
        }),
      ),
      (p, junk) => {
        const raw = setIn(whole, p, junk) as { lab: unknown; engines: unknown; secrets: unknown };
        checkProblems(outcome(raw));
      },
    ),
    { numRuns: 600 },
  );
});

test("an unknown key next to secrets does not echo them", () => {
  const problems = outcome({
    lab,
    engines: { target: { ...engines.target, pasword: "typo" } },
    secrets: { ...secrets, vms: { web1: { rootPassword: CANARY, customScript: SCRIPT, extra: 1 } } },
  });
  expect(problems).not.toBe("ok");
  checkProblems(problems);
});
