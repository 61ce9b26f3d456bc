// Runs the SDK conformance suite (lab_life.py) against fresh embedded engines: a 4.4 engine and a
// 4.3 engine on one shared data plane, and a 4.4 engine with `--faults locked=1`, all child
// processes (testbed/engine-process.ts). Used from
// lab-life.test.ts, compiled: `node dist/tests/conformance/run.js <results.json>`. Writes
// { results, output } to the file; exits non-zero only when the run itself could not happen.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEngine, type EngineProcess } from "../../testbed/engine-process";
import { repoRoot } from "../../testbed/paths";

export const SDK_PYTHON = path.join(repoRoot, ".toolchain", "sdk-venv", "bin", "python");
export const LAB_LIFE = path.join(repoRoot, "tests", "conformance", "lab_life.py");
const PYTHON_TIMEOUT_MS = 600_000;

export interface ConformanceResult {
  id: string;
  status: "passed" | "failed" | "not_covered" | "known_defect";
  message: string;
  ms: number;
}

async function main(out: string): Promise<number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "ovirt-lab-conformance-"));
  const dataPlane = path.join(scratch, "dataplane");
  fs.mkdirSync(dataPlane);
  const engines: EngineProcess[] = [];
  try {
    const target = await startEngine({
      version: "4.4",
      timeScale: 0,
      dataPlane,
      stateDir: path.join(scratch, "engine-4.4"),
    });
    engines.push(target);
    const legacy = await startEngine({
      version: "4.3",
      timeScale: 0,
      dataPlane,
      stateDir: path.join(scratch, "engine-4.3"),
    });
    engines.push(legacy);
    const faulty = await startEngine({
      version: "4.4",
      timeScale: 0,
      faults: "locked=1,seed=1",
      stateDir: path.join(scratch, "engine-faults"),
    });
    engines.push(faulty);
    const resultsFile = path.join(scratch, "results.json");
    const run = spawnSync(SDK_PYTHON, [LAB_LIFE], {
      cwd: path.dirname(LAB_LIFE),
      encoding: "utf8",
      timeout: PYTHON_TIMEOUT_MS,
      env: {
        ...process.env,
        OVIRT_URL: target.url,
        OVIRT_CA_FILE: target.caFile,
        OVIRT_PASSWORD: target.adminPassword,
        OVIRT43_URL: legacy.url,
        OVIRT43_CA_FILE: legacy.caFile,
        OVIRT43_PASSWORD: legacy.adminPassword,
        OVIRTF_URL: faulty.url,
        OVIRTF_CA_FILE: faulty.caFile,
        OVIRTF_PASSWORD: faulty.adminPassword,
        CONFORMANCE_RESULTS: resultsFile,
        PYTHONUNBUFFERED: "1",
      },
    });
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    if (!fs.existsSync(resultsFile)) {
      const why = run.error ? run.error.message : `exit ${run.status}, signal ${run.signal}`;
      throw new Error(`lab_life.py wrote no results (${why}):\n${output}`);
    }
    const results = JSON.parse(fs.readFileSync(resultsFile, "utf8")) as ConformanceResult[];
    fs.writeFileSync(out, JSON.stringify({ results, output }));
    return 0;
  } finally {
    for (const e of engines) await e.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write("usage: node dist/tests/conformance/run.js <results.json>\n");
    process.exit(2);
  }
  main(out).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`conformance run failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
