// testbed/sparse-sha256.py: the checksum the migration tests compare disk images with. It reads only
// data extents, so it must still see a one-byte change anywhere in a huge sparse image.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const script = path.resolve(__dirname, "../../testbed/sparse-sha256.py");
const sum = (file: string) =>
  (
    JSON.parse(execFileSync("python3", [script], { input: file, encoding: "utf8" })) as Record<string, string>
  )[file];

test("a one-byte change deep inside a 100 GiB sparse image changes its checksum; undoing it restores it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sparse-"));
  const file = path.join(dir, "image");
  try {
    const fd = fs.openSync(file, "w");
    fs.ftruncateSync(fd, 100 * 2 ** 30);
    fs.writeSync(fd, Buffer.from("label"), 0, 5, 0);
    fs.writeSync(fd, Buffer.from("A"), 0, 1, 60 * 2 ** 30 + 12345);
    const first = sum(file);
    expect(first).toMatch(/^sha256:[0-9a-f]{64} 107374182400$/);
    fs.writeSync(fd, Buffer.from("B"), 0, 1, 60 * 2 ** 30 + 12345);
    expect(sum(file)).not.toBe(first);
    fs.writeSync(fd, Buffer.from("A"), 0, 1, 60 * 2 ** 30 + 12345);
    expect(sum(file)).toBe(first);
    fs.closeSync(fd);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
