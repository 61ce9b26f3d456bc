// Where things live, whether this runs from the sources (ts-jest) or from dist/ (compiled).
import * as fs from "fs";
import * as path from "path";

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (
      fs.existsSync(pkg) &&
      (JSON.parse(fs.readFileSync(pkg, "utf8")) as { name?: string }).name === "ovirt-lab"
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ovirt-lab repository above ${start}`);
    dir = parent;
  }
}

export const repoRoot = findRepoRoot(__dirname);
export const PULUMI_VERSION = "v3.248.0";
/** `PulumiCommand.get({ root })` expects `<root>/bin/pulumi`. */
export const pulumiRoot = path.join(repoRoot, ".toolchain", `pulumi-${PULUMI_VERSION}`);
export const pulumiBin = path.join(pulumiRoot, "bin");
export const pulumiHome = path.join(repoRoot, ".toolchain", "home");
export const distDir = path.join(repoRoot, "dist");
