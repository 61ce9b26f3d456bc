// The whole lab's config: a seed-like lab validates, and each of many bad edits is rejected with a
// message that names the path of the offending value (and never echoes a secret).
import { loadStackConfig } from "../../config/load";
import { ConfigError } from "../../config/validate";
import { parseSize } from "../../config/units";
import { bad, engines, secrets, seedLab, type Lab } from "../fixtures/bad-configs";

function problemsOf(edit: (lab: Lab, s: typeof secrets) => void): string[] {
  const lab = seedLab();
  const s = structuredClone(secrets);
  edit(lab, s);
  try {
    loadStackConfig({ lab, engines, secrets: s });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

test("the seed-like lab validates, with sizes in bytes and defaults filled in", () => {
  const { lab } = loadStackConfig({ lab: seedLab(), engines, secrets });
  expect(lab.vms[0].memory).toBe(4 * 2 ** 30);
  expect(lab.vms[0].disks[0].size).toBe(40 * 2 ** 30);
  expect(lab.vms[0].runState).toBe("running");
  expect(lab.gluster.volumes[0].options).toEqual({ group: "virt" });
  expect(lab.gluster.volumes[0].protect).toBe(true);
  expect(lab.storageDomains[0].destroyDataOnDelete).toBe(false);
  expect(lab.hosts[0].sshPort).toBe(22);
});

test("sizes parse with binary and decimal units", () => {
  expect(parseSize("32GiB")).toBe(32 * 2 ** 30);
  expect(parseSize("600GB")).toBe(600e9);
  expect(parseSize("512 MiB")).toBe(512 * 2 ** 20);
  expect(parseSize("1024")).toBe(1024);
  expect(parseSize("lots")).toBeUndefined();
  expect(parseSize("12XB")).toBeUndefined();
});

test.each(bad)("%s is rejected with a message naming the field", (_what, edit, expected) => {
  const problems = problemsOf(edit);
  if (!problems.some((p) => p.startsWith(expected))) {
    throw new Error(`expected a problem starting with:\n  ${expected}\ngot:\n  ${problems.join("\n  ")}`);
  }
  expect(problems.join("\n")).not.toContain("CANARY");
});

test("there are at least 30 distinct bad configurations", () => {
  expect(new Set(bad.map(([what]) => what)).size).toBeGreaterThanOrEqual(30);
});
