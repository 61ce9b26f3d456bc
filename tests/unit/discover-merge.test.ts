// tools/discover/merge.ts and the data center choice of tools/discover/inventory.ts, without an
// engine: where the block goes in a stack file, what of the file is kept byte for byte, how a
// re-run merges, and when the data center is ambiguous.
import YAML from "yaml";
import type { ApiDataCenter } from "../../providers/ovirt/datacenters";
import { chooseDataCenter, size, type Inventory } from "../../tools/discover/inventory";
import { checkBlock } from "../../tools/discover";
import { mergeInventory, MergeError, type MergeOptions } from "../../tools/discover/merge";

const inventory = (over: Partial<Inventory> = {}): Inventory => ({
  dataCenter: { name: "DC1", local: false, compatibilityVersion: "4.3" },
  clusters: [{ name: "c1", cpuType: "Intel Broadwell Family" }],
  hosts: [{ name: "h1", address: "h1.lab", cluster: "c1", sshPort: 22 }],
  networks: [],
  glusterServers: [],
  glusterVolumes: [],
  storageDomains: [],
  vms: [{ name: "vm1", cluster: "c1", memory: "1GiB" }],
  notes: [],
  ...over,
});

const opts: MergeOptions = {
  key: "ovirt-lab:legacy",
  engine: "legacy",
  prune: false,
  now: new Date("2026-01-02T03:04:05.000Z"),
};
const STAMP =
  '  # Written by ovirt-lab discover from engine "legacy" at 2026-01-02T03:04:05.000Z; re-run it to add what is new.\n';

describe("mergeInventory", () => {
  test("the first run appends the block to config: in front of comments of the next top-level key", () => {
    const head =
      "config:\n  ovirt-lab:engines:\n    legacy: {url: x}   # kept as written\n  ovirt-lab:lab:\n" +
      "    engine: target\n    # end of the lab\n";
    const tail = "# the salt\nencryptionsalt: abc\n";
    const r = mergeInventory(head + tail, inventory(), opts);
    expect(r.changed).toBe(true);
    expect(r.text.startsWith(head)).toBe(true);
    expect(r.text.endsWith(tail)).toBe(true);
    const block = r.text.slice(head.length, r.text.length - tail.length);
    expect(block).toBe(
      STAMP +
        "  ovirt-lab:legacy:\n    engine: legacy\n    dataCenter:\n      name: DC1\n      local: false\n" +
        '      compatibilityVersion: "4.3"\n    clusters:\n      - name: c1\n        cpuType: Intel Broadwell Family\n' +
        "    hosts:\n      - name: h1\n        address: h1.lab\n        cluster: c1\n        sshPort: 22\n" +
        "    vms:\n      - name: vm1\n        cluster: c1\n        memory: 1GiB\n",
    );
    expect(r.summary.vms).toEqual({ found: 1, added: ["vm1"], kept: [], gone: [], pruned: [] });
  });

  test("a block in the middle of config is replaced in place; the stamp is replaced; user edits stay", () => {
    const first = mergeInventory("config:\n  a: 1\n", inventory(), opts).text;
    // The user moves another key after the block and edits vm1.
    const edited = first.replace("memory: 1GiB", "memory: 2GiB  # mine") + "  z: last   # after\n";
    const later = { ...opts, now: new Date("2026-02-03T04:05:06.000Z") };
    const r = mergeInventory(
      edited,
      inventory({ vms: [{ name: "vm1" }, { name: "vm2", memory: "1GiB" }] }),
      later,
    );
    expect(r.changed).toBe(true);
    expect(r.text.startsWith("config:\n  a: 1\n  # Written by ovirt-lab discover")).toBe(true);
    expect(r.text).toContain("at 2026-02-03T04:05:06.000Z");
    expect(r.text).not.toContain("2026-01-02");
    expect(r.text.endsWith("        memory: 1GiB\n  z: last   # after\n")).toBe(true);
    expect(r.text).toContain("memory: 2GiB # mine");
    const lab = (YAML.parse(r.text) as { config: Record<string, { vms: unknown[] }> }).config[
      "ovirt-lab:legacy"
    ];
    expect(lab.vms).toEqual([
      { name: "vm1", cluster: "c1", memory: "2GiB" },
      { name: "vm2", memory: "1GiB" },
    ]);
    expect(r.summary.vms).toMatchObject({ added: ["vm2"], kept: ["vm1"] });
  });

  test("nothing new: the same text, unchanged; gone objects listed, removed with prune", () => {
    const first = mergeInventory("config:\n  a: 1\n", inventory(), opts).text;
    const same = mergeInventory(first, inventory(), { ...opts, now: new Date() });
    expect(same).toMatchObject({ changed: false, text: first });
    const gone = mergeInventory(first, inventory({ vms: [], hosts: [] }), opts);
    expect(gone.changed).toBe(false);
    expect(gone.summary.vms.gone).toEqual(["vm1"]);
    expect(gone.summary.hosts.gone).toEqual(["h1"]);
    const pruned = mergeInventory(first, inventory({ vms: [] }), { ...opts, prune: true });
    expect(pruned.changed).toBe(true);
    expect(pruned.summary.vms.pruned).toEqual(["vm1"]);
    const lab = (YAML.parse(pruned.text) as { config: Record<string, Record<string, unknown>> }).config[
      "ovirt-lab:legacy"
    ];
    expect(lab.vms).toEqual([]);
    expect(lab.hosts).toEqual([{ name: "h1", address: "h1.lab", cluster: "c1", sshPort: 22 }]);
  });

  test("Gluster volumes make manageVolumes false, unless the user set it", () => {
    const inv = inventory({
      glusterServers: [{ name: "s1", address: "s1.lab" }],
      glusterVolumes: [{ name: "v1", replica: 1, bricks: [{ server: "s1", path: "/b" }] }],
    });
    const r = mergeInventory("config:\n  a: 1\n", inv, opts);
    const g = (YAML.parse(r.text) as { config: Record<string, { gluster: Record<string, unknown> }> }).config[
      "ovirt-lab:legacy"
    ].gluster;
    expect(g.manageVolumes).toBe(false);
    const mine = r.text.replace("manageVolumes: false", "manageVolumes: true");
    expect(mergeInventory(mine, inv, opts)).toMatchObject({ changed: false, text: mine });
  });

  test("an ISO domain's files: merged inside its entry like the lists of the block", () => {
    const file = (name: string) => ({
      name,
      path: `sd1/images/11111111-1111-1111-1111-111111111111/${name}`,
    });
    const iso = (files: string[]) =>
      inventory({
        storageDomains: [
          { name: "iso", type: "iso", host: "h1", isoFiles: files.map(file) },
          { name: "data", type: "data", host: "h1" },
        ],
      });
    const entryOf = (text: string) =>
      (YAML.parse(text) as { config: Record<string, { storageDomains: Array<Record<string, unknown>> }> })
        .config["ovirt-lab:legacy"].storageDomains;
    // A new domain comes with its files.
    const first = mergeInventory("config:\n  a: 1\n", iso(["a.iso", "b.iso"]), opts);
    expect(first.summary.isoFiles).toEqual({
      found: 2,
      added: ["iso/a.iso", "iso/b.iso"],
      kept: [],
      gone: [],
      pruned: [],
    });
    expect(entryOf(first.text)[0].isoFiles).toEqual([file("a.iso"), file("b.iso")]);
    expect(entryOf(first.text)[1].isoFiles).toBeUndefined();
    expect(mergeInventory(first.text, iso(["a.iso", "b.iso"]), opts)).toMatchObject({
      changed: false,
      text: first.text,
    });
    // The user's entry: a comment and an edited path stay; a new file is appended, a gone one listed.
    const edited = first.text
      .replace("          - name: a.iso\n", "          # mine\n          - name: a.iso\n")
      .replace("sd1/images/11111111-1111-1111-1111-111111111111/a.iso", "copied/a.iso");
    const r = mergeInventory(edited, iso(["a.iso", "c.iso"]), opts);
    expect(r.changed).toBe(true);
    expect(r.summary.isoFiles).toMatchObject({ found: 2, added: ["iso/c.iso"], kept: ["iso/a.iso"] });
    expect(r.summary.isoFiles.gone).toEqual(["iso/b.iso"]);
    expect(r.summary.storageDomains).toMatchObject({ added: [], kept: ["iso", "data"] });
    expect(r.text).toContain("          # mine\n          - name: a.iso\n            path: copied/a.iso\n");
    expect(entryOf(r.text)[0].isoFiles).toEqual([
      { name: "a.iso", path: "copied/a.iso" },
      file("b.iso"),
      file("c.iso"),
    ]);
    const pruned = mergeInventory(r.text, iso(["a.iso", "c.iso"]), { ...opts, prune: true });
    expect(pruned.summary.isoFiles.pruned).toEqual(["iso/b.iso"]);
    expect(entryOf(pruned.text)[0].isoFiles).toEqual([
      { name: "a.iso", path: "copied/a.iso" },
      file("c.iso"),
    ]);
    // An entry without isoFiles gets them; one whose isoFiles is not a list is an error.
    const bare = first.text.replace(/ {8}isoFiles:\n(?: {10}.*\n)+/, "");
    expect(bare).not.toContain("isoFiles");
    expect(entryOf(mergeInventory(bare, iso(["a.iso"]), opts).text)[0].isoFiles).toEqual([file("a.iso")]);
    const scalar = first.text.replace(/ {8}isoFiles:\n(?: {10}.*\n)+/, "        isoFiles: none\n");
    expect(() => mergeInventory(scalar, iso(["a.iso"]), opts)).toThrow(
      "ovirt-lab:legacy.storageDomains iso: isoFiles is not a list; fix it first",
    );
  });

  test("a block that is not a map, or no config, is an error", () => {
    expect(() => mergeInventory("config:\n  ovirt-lab:legacy: 3\n", inventory(), opts)).toThrow(MergeError);
    expect(() => mergeInventory("encryptionsalt: x\n", inventory(), opts)).toThrow(/no `config:` map/);
    expect(() =>
      mergeInventory("config:\n  ovirt-lab:legacy:\n    vms: {a: 1}\n", inventory(), opts),
    ).toThrow(/ovirt-lab:legacy\.vms is not a list/);
  });
});

describe("chooseDataCenter", () => {
  const dc = (name: string, status = "up"): ApiDataCenter => ({ name, status });

  test("an unused Default is ignored; one other is taken", () => {
    expect(chooseDataCenter([dc("Default", "uninitialized"), dc("oVirt_DC")], undefined).name).toBe(
      "oVirt_DC",
    );
  });

  test("several: --data-center chooses, and the error lists them", () => {
    const all = [dc("Default", "uninitialized"), dc("A"), dc("B")];
    expect(() => chooseDataCenter(all, undefined)).toThrow(
      "the engine has several data centers: A, B; choose one with --data-center NAME",
    );
    expect(chooseDataCenter(all, "B").name).toBe("B");
    expect(() => chooseDataCenter(all, "C")).toThrow(
      'no data center named "C" on the engine (have: Default, A, B)',
    );
  });

  test("a Default in use counts", () => {
    expect(() => chooseDataCenter([dc("Default"), dc("A")], undefined)).toThrow(
      /several data centers: Default, A/,
    );
  });
});

test("sizes: readable when exact", () => {
  expect(size(16 * 2 ** 30)).toBe("16GiB");
  expect(size(512 * 2 ** 20)).toBe("512MiB");
  expect(size(1000)).toBe(1000);
});

test("a block that does not pass the lab schema is reported path by path", () => {
  const text =
    "config:\n  ovirt-lab:legacy:\n    engine: legacy\n    dataCenter: {name: DC1}\n" +
    "    hosts:\n      - {name: h1, address: h1.lab, cluster: nosuch}\n";
  expect(checkBlock(text, "legacy")).toEqual([
    'legacy.hosts.0.cluster: no cluster named "nosuch" (have: none)',
  ]);
  expect(checkBlock(text.replace(/ {4}hosts:[^]*$/, ""), "legacy")).toEqual([]);
});

test("a block the user started without engine gets it at the top; their keys stay", () => {
  const text = "config:\n  ovirt-lab:legacy:\n    # mine\n    dataCenter:\n      name: Mine\n";
  const r = mergeInventory(text, inventory({ clusters: [], hosts: [], vms: [] }), opts);
  expect(r.text).toBe(
    "config:\n" +
      STAMP +
      "  ovirt-lab:legacy:\n    engine: legacy\n    # mine\n    dataCenter:\n      name: Mine\n",
  );
  expect(r.notes).toEqual(['ovirt-lab:legacy.dataCenter.name is "Mine", the engine\'s is "DC1" (kept)']);
});
