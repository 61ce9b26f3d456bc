// A checkpoint truncated by a killed CLI is restored from the file backend's own backups.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { offlineEnv } from "../../testbed/pulumi";
import { repairAttributes, restoreCheckpoint } from "../../tools/recover";

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

test("an attribute sidecar left empty by a killed CLI breaks the real CLI; repairAttributes fixes it", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "attrs-"));
  try {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: attrs\nruntime: yaml\n");
    const env = { ...process.env, ...offlineEnv({ backendDir: path.join(dir, "be"), passphrase: "p" }) };
    const cli = (...args: string[]) =>
      execFileSync("pulumi", [...args, "--stack", "s", "--non-interactive"], {
        cwd: dir,
        env,
        encoding: "utf8",
      });
    execFileSync("pulumi", ["stack", "init", "s", "--non-interactive"], { cwd: dir, env });
    const stacks = path.join(dir, "be", ".pulumi", "stacks", "attrs");
    const sidecar = path.join(stacks, "s.json.attrs");
    const good = fs.readFileSync(path.join(stacks, "s.json.bak.attrs"), "utf8");
    fs.writeFileSync(sidecar, "");
    expect(() => cli("stack", "export")).toThrow(/failed to load checkpoint: EOF/);
    expect(repairAttributes(path.join(dir, "be"))).toEqual([sidecar]);
    expect(fs.readFileSync(path.join(stacks, "s.json.bak.attrs"), "utf8")).toBe(good);
    expect(JSON.parse(cli("stack", "export"))).toHaveProperty("version", 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
