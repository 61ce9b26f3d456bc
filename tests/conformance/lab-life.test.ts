// Judged by a real client: the official oVirt SDK (ovirt-engine-sdk-python, testbed/sdk/) drives
// fresh embedded engines through a lab's life (tests/conformance/lab_life.py). The SDK run happens
// while this file is collected, so each SDK test becomes its own jest test by name:
//   - passed in the SDK run            -> a passing test
//   - failed                           -> a failing test with the SDK's traceback
//   - area not in simulator/api/       -> test.todo "NOT COVERED" (never a pass), also on stderr
//   - route not served yet (404)       -> test.todo "NOT COVERED" with the SDK's reason
//   - known engine defect (KNOWN_DEFECTS in lab_life.py) -> a test that the defect still shows;
//     it turns red once the engine is fixed, until the entry is removed
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../../testbed/paths";
import { LAB_LIFE, SDK_PYTHON, type ConformanceResult } from "./run";

interface Listed {
  id: string;
  areas: string[];
  covered: boolean;
  known_defect: string | null;
}

const INSTALL = path.join(repoRoot, "testbed", "sdk", "install.sh");
const DRIVER = path.join(repoRoot, "dist", "tests", "conformance", "run.js");

/** Everything the SDK run produced, or why it could not run. */
function conformanceRun(): { listed: Listed[]; results: ConformanceResult[]; output: string } | Error {
  const install = spawnSync("bash", [INSTALL], { encoding: "utf8", timeout: 900_000 });
  if (install.status !== 0)
    return new Error(`testbed/sdk/install.sh failed:\n${install.stdout}${install.stderr}`);
  process.stderr.write(install.stdout);
  const list = spawnSync(SDK_PYTHON, [LAB_LIFE, "--list"], { encoding: "utf8", timeout: 60_000 });
  if (list.status !== 0) return new Error(`lab_life.py --list failed:\n${list.stdout}${list.stderr}`);
  const listed = JSON.parse(list.stdout) as Listed[];
  // Like the engine itself (testbed/engine-process.ts), the driver runs compiled.
  if (!fs.existsSync(DRIVER)) return new Error(`${DRIVER} does not exist: run \`npm run build\` first`);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-conformance-out-")), "run.json");
  const run = spawnSync(process.execPath, [DRIVER, out], { encoding: "utf8", timeout: 900_000 });
  if (run.status !== 0 || !fs.existsSync(out)) {
    return new Error(`the conformance run failed (exit ${run.status}):\n${run.stdout}${run.stderr}`);
  }
  const { results, output } = JSON.parse(fs.readFileSync(out, "utf8")) as {
    results: ConformanceResult[];
    output: string;
  };
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return { listed, results, output };
}

const run = conformanceRun();

describe("the official oVirt SDK against the embedded engines", () => {
  if (run instanceof Error) {
    test("the conformance run", () => {
      throw run;
    });
    return;
  }
  const byId = new Map(run.results.map((r) => [r.id, r]));
  const uncovered: string[] = [];

  for (const t of run.listed) {
    const r = byId.get(t.id);
    if (!t.covered || r?.status === "not_covered") {
      const why = !t.covered
        ? `areas ${t.areas.filter((a) => !fs.existsSync(path.join(repoRoot, "simulator", "api", a))).join(", ")} not in simulator/api/`
        : (r?.message ?? "").replace(/^NOT COVERED: /, "");
      uncovered.push(`${t.id}: ${why}`);
      test.todo(`${t.id} — NOT COVERED: ${why}`);
      continue;
    }
    if (t.known_defect) {
      test(`${t.id} [known engine defect: ${t.known_defect}]`, () => {
        expect(r?.status).toBe("known_defect");
      });
      continue;
    }
    test(t.id, () => {
      if (!r) throw new Error(`lab_life.py reported nothing for ${t.id}:\n${run.output}`);
      if (r.status !== "passed") throw new Error(`${t.id} ${r.status}:\n${r.message}`);
      expect(r.status).toBe("passed");
    });
  }

  test("every SDK test has a result", () => {
    expect(run.results.map((r) => r.id).sort()).toEqual(run.listed.map((t) => t.id).sort());
  });

  if (uncovered.length > 0) {
    process.stderr.write(`\n*** SDK CONFORMANCE: NOT COVERED ***\n  ${uncovered.join("\n  ")}\n\n`);
  }
});
