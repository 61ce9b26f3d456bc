// The pull-request workflow is validated by actionlint (built from the Go module proxy by the toolchain).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../../testbed/paths";

const actionlint = path.join(repoRoot, ".toolchain", "bin", "actionlint");
const workflow = path.join(repoRoot, ".github", "workflows", "pr-preview.yml");

test("actionlint is built (testbed/toolchain/build.sh) and accepts the PR preview workflow", () => {
  expect(fs.existsSync(actionlint)).toBe(true);
  const res = spawnSync(actionlint, ["-no-color", workflow], { encoding: "utf8", cwd: repoRoot });
  expect(res.stdout + res.stderr).toBe("");
  expect(res.status).toBe(0);
});

test("actionlint really rejects a broken workflow (so the test above can fail)", () => {
  const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "wf-")), "bad.yml");
  fs.writeFileSync(
    broken,
    "on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
  );
  const res = spawnSync(actionlint, ["-no-color", broken], { encoding: "utf8" });
  expect(res.status).not.toBe(0);
});
