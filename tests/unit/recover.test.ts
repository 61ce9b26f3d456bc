// A checkpoint truncated by a killed CLI is restored from the file backend's own backups.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { restoreCheckpoint } from "../../tools/recover";

function backend(): { dir: string; checkpoint: string; backups: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backend-"));
  const stacks = path.join(dir, ".pulumi", "stacks", "ovirt-lab");
  const backups = path.join(dir, ".pulumi", "backups", "ovirt-lab", "e2e");
  fs.mkdirSync(stacks, { recursive: true });
  fs.mkdirSync(backups, { recursive: true });
  return { dir, checkpoint: path.join(stacks, "e2e.json"), backups };
}

test("a readable checkpoint is left alone", () => {
  const b = backend();
  fs.writeFileSync(b.checkpoint, '{"version":3}');
  expect(restoreCheckpoint(b.dir, "ovirt-lab", "e2e")).toBeUndefined();
  expect(fs.readFileSync(b.checkpoint, "utf8")).toBe('{"version":3}');
});

test("an empty checkpoint comes back from <stack>.json.bak", () => {
  const b = backend();
  fs.writeFileSync(b.checkpoint, "");
  fs.writeFileSync(`${b.checkpoint}.bak`, '{"version":3,"from":"bak"}');
  expect(restoreCheckpoint(b.dir, "ovirt-lab", "e2e")).toBe(`${b.checkpoint}.bak`);
  expect(JSON.parse(fs.readFileSync(b.checkpoint, "utf8"))).toEqual({ version: 3, from: "bak" });
});

test("a truncated checkpoint with a broken .bak comes back from the newest readable backup", () => {
  const b = backend();
  fs.writeFileSync(b.checkpoint, '{"version":3,"checkpoint":{');
  fs.writeFileSync(`${b.checkpoint}.bak`, "");
  const older = path.join(b.backups, "e2e.1.json");
  const newer = path.join(b.backups, "e2e.2.json");
  fs.writeFileSync(older, '{"from":"older"}');
  fs.writeFileSync(newer, '{"from":"newer"}');
  fs.utimesSync(older, new Date(1000), new Date(1000));
  expect(restoreCheckpoint(b.dir, "ovirt-lab", "e2e")).toBe(newer);
  expect(JSON.parse(fs.readFileSync(b.checkpoint, "utf8"))).toEqual({ from: "newer" });
});

test("with nothing readable it says so instead of guessing", () => {
  const b = backend();
  fs.writeFileSync(b.checkpoint, "");
  expect(() => restoreCheckpoint(b.dir, "ovirt-lab", "e2e")).toThrow(/no readable backup/);
});
