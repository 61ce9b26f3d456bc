// The seed's ISO domain files (simulator/seeds schema `iso_files`, apply.ts isoContent): ISO-like,
// the same bytes on every seeding, different per file; only an ISO domain has them; the seed lab's
// ISO domain holds the two files the ISO move (tests/e2e/iso-move.test.ts) uploads.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isoContent, readSeed } from "../../simulator/seeds/apply";
import { repoRoot } from "../../testbed/paths";

const MIB = 2 ** 20;

test("isoContent: a primary volume descriptor naming the volume and its size, then per-name bytes", () => {
  const a = isoContent({ name: "a.iso", size_mib: 2, volume_id: "VOL-A" });
  expect(a.length).toBe(2 * MIB);
  expect(a.subarray(0, 16 * 2048).every((b) => b === 0)).toBe(true);
  const pvd = 16 * 2048;
  expect(a.subarray(pvd, pvd + 7).toString("latin1")).toBe("\x01CD001\x01");
  expect(a.subarray(pvd + 40, pvd + 72).toString("latin1")).toBe("VOL-A".padEnd(32, " "));
  expect([a.readUInt32LE(pvd + 80), a.readUInt32BE(pvd + 84)]).toEqual([1024, 1024]);
  expect(a.readUInt16LE(pvd + 128)).toBe(2048);
  expect(a.subarray(17 * 2048, 17 * 2048 + 7).toString("latin1")).toBe("\xffCD001\x01");
  // Deterministic, and another name is other bytes (the volume id does not matter for those).
  expect(isoContent({ name: "a.iso", size_mib: 2, volume_id: "VOL-A" }).equals(a)).toBe(true);
  const b = isoContent({ name: "b.iso", size_mib: 2, volume_id: "VOL-A" });
  expect(b.subarray(18 * 2048).equals(a.subarray(18 * 2048))).toBe(false);
  // Without a volume id: the name, upper case.
  const c = isoContent({ name: "virtio-win-0.1.185.iso", size_mib: 1 });
  expect(
    c
      .subarray(pvd + 40, pvd + 72)
      .toString("latin1")
      .trimEnd(),
  ).toBe("VIRTIO_WIN_0_1_185");
});

test("iso_files: only on an ISO domain, distinct names ending in .iso", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-iso-"));
  const seed = (domain: string) => {
    const file = path.join(dir, "s.yaml");
    fs.writeFileSync(file, `seed: s\nengine_version: "4.3"\nstorage_domains:\n  - ${domain}\n`);
    return () => readSeed(file);
  };
  try {
    expect(
      seed(`{ name: d, type: data, host: h, nfs: "s:/d", iso_files: [{ name: x.iso, size_mib: 1 }] }`),
    ).toThrow("storage_domains.0.iso_files: only an ISO domain has iso_files");
    expect(
      seed(
        `{ name: i, type: iso, host: h, nfs: "s:/i", iso_files: [{ name: x.iso, size_mib: 1 }, { name: x.iso, size_mib: 2 }] }`,
      ),
    ).toThrow("storage_domains.0.iso_files: iso_files names must be distinct");
    expect(
      seed(`{ name: i, type: iso, host: h, nfs: "s:/i", iso_files: [{ name: notes.txt, size_mib: 1 }] }`),
    ).toThrow("storage_domains.0.iso_files.0.name: must be a file name ending in .iso");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const lab = readSeed(path.join(repoRoot, "simulator/seeds/seed-lab-4.3.yaml")).seed;
  const iso = lab.storage_domains.find((d) => d.type === "iso")!;
  expect(iso.iso_files.map((f) => [f.name, f.size_mib])).toEqual([
    ["CentOS-8.2.2004-x86_64-minimal.iso", 4],
    ["virtio-win-0.1.185.iso", 2],
  ]);
});
