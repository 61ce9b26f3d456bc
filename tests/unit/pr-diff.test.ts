// The pull-request comment for a fixture preview (real `pulumi preview --json` output of the lab
// stack, plus a replace, a delete and secrets), checked line by line.
import * as fs from "fs";
import * as path from "path";
import { mask, renderPreview, type Preview } from "../../tools/pr-diff";

const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, "..", "fixtures", "preview-lab.json"), "utf8"),
) as Preview;
const CANARY = "CANARY-s3cr3t-9f2";

test("the fixture really carries the canary secret (so the masking test below can fail)", () => {
  expect(JSON.stringify(fixture)).toContain(CANARY);
});

test("renders the summary first, then changes grouped by component with changed fields", () => {
  expect(renderPreview(fixture, "lab").split("\n")).toEqual([
    "**ovirt-lab preview of `lab`: 1 to create, 1 to update, 1 to replace, 1 to delete** (4 unchanged)",
    "",
    "### Lab `lab`",
    "",
    "- `~` **update** Cluster `oVirt_Cluster`",
    '  - `cpuType`: `"Intel Broadwell Family"` → `"Intel Skylake Client Family"`',
    "- `+-` **replace** Host `rhvnode3`",
    '  - `engine`: `"legacy"` → `"target"`',
    "- `+` **create** Cluster `testcluster`",
    '  - `cpuArchitecture`: `"x86_64"`',
    '  - `dataCenterId`: `"11f4cbc0-436f-422e-80af-2c62813e7862"`',
    '  - `description`: `"scratch"`',
    '  - `engine`: `"target"`',
    '  - `name`: `"testcluster"`',
    "",
    "### Stack",
    "",
    "- `-` **delete** Vm `scratch-vm`",
    "",
  ]);
});

test("a secret never appears, whether marked by Pulumi or only by its field name", () => {
  expect(renderPreview(fixture, "lab")).not.toContain(CANARY);
  expect(mask({ rootPassword: "x", nested: { password: "y", ok: 1 } })).toEqual({
    rootPassword: "[secret]",
    nested: { password: "[secret]", ok: 1 },
  });
  expect(mask({ v: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" } })).toEqual({
    v: "[secret]",
  });
});

test("a changed secret is reported as changed without its value", () => {
  const step = {
    op: "update",
    urn: "urn:pulumi:lab::ovirt-lab::pulumi-nodejs:dynamic/ovirt:Host::calvin",
    oldState: { type: "pulumi-nodejs:dynamic/ovirt:Host", inputs: { rootPassword: CANARY } },
    newState: { type: "pulumi-nodejs:dynamic/ovirt:Host", inputs: { rootPassword: `${CANARY}-2` } },
  };
  const out = renderPreview({ steps: [step], changeSummary: { update: 1 } }, "lab");
  expect(out).not.toContain(CANARY);
  expect(out).toContain("- `~` **update** Host `calvin`");
});

test("no changes says so", () => {
  expect(renderPreview({ steps: [], changeSummary: { same: 5 } }, "lab")).toBe(
    "**ovirt-lab preview of `lab`: 0 to create, 0 to update, 0 to replace, 0 to delete** (5 unchanged)\n\nNo changes.\n",
  );
});
