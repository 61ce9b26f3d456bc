// Disk image files on a storage export (or a Gluster brick) and their checksums. Images are sparse
// files of up to 500 GiB: `sparse-sha256.py` reads only their data extents (the holes are zeros).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "./paths";

/**
 * Every disk image file under `root` (regular files below an `images/` directory, without vdsm's
 * `.meta`/`.lease` files; Gluster's own `.glusterfs`/`.shard` trees are not walked). A missing root
 * has none.
 */
export function diskImageFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string, inImages: boolean): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name === ".glusterfs" || e.name === ".shard") continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, inImages || e.name === "images");
      else if (e.isFile() && inImages && !/\.(meta|lease)$/.test(e.name)) files.push(p);
    }
  };
  if (fs.existsSync(root)) walk(root, false);
  return files;
}

/** `sparse-sha256.py` over `files`: "sha256:<hex> <size>" by path. */
export function sparseSha256(files: string[]): Record<string, string> {
  const out = execFileSync("python3", [path.join(repoRoot, "testbed", "sparse-sha256.py")], {
    input: files.join("\n"),
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  return JSON.parse(out) as Record<string, string>;
}
