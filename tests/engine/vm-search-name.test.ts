// `GET /vms?search=name=X`, the look-up every create starts with, reads only the rows of that name
// (an index on the name) and must answer exactly as the full search does: case-insensitive unless
// case_sensitive=true, wildcards and other searches through the full path.
import path from "node:path";
import { launchEngine, type RunningEngine } from "../../simulator/engine";
import { exactNameSearch } from "../../simulator/api/common/search";
import { ADMIN_PASSWORD, ApiClient, tempStateDir } from "./support/engine";

type Obj = Record<string, unknown>;
const SEED = path.join(__dirname, "..", "..", "simulator", "seeds", "seed-lab-4.3.yaml");

let engine: RunningEngine;
let api: ApiClient;

beforeAll(async () => {
  engine = await launchEngine({
    version: "4.3",
    port: 0,
    stateDir: tempStateDir("vm-search-name"),
    adminPassword: ADMIN_PASSWORD,
    timeScale: 0,
    hostname: "localhost",
    seed: SEED,
  });
  api = await ApiClient.connect(engine, "json");
}, 120_000);

afterAll(async () => {
  await engine?.close();
});

async function names(query: string): Promise<string[]> {
  const res = await api.get(`vms?${query}`);
  expect(res.status).toBe(200);
  return (((res.parsed().vm as Obj[] | undefined) ?? []).map((v) => String(v.name)) ?? []).sort();
}

test("only a plain name=<literal> takes the indexed path", () => {
  expect(exactNameSearch("name=ipa")).toBe("ipa");
  expect(exactNameSearch(" name = ocp-master-0 ")).toBe("ocp-master-0");
  for (const other of [
    undefined,
    "",
    "name=ipa*",
    'name="ipa"',
    "name=ipa and status=up",
    "name!=ipa",
    "status=up",
  ])
    expect(exactNameSearch(other)).toBeUndefined();
});

test("by name: the one VM, any case; case_sensitive=true only the exact case; an unknown name none", async () => {
  expect(await names(`search=${encodeURIComponent("name=ipa")}`)).toEqual(["ipa"]);
  expect(await names(`search=${encodeURIComponent("name=IPA")}`)).toEqual(["ipa"]);
  expect(await names(`search=${encodeURIComponent("name=IPA")}&case_sensitive=true`)).toEqual([]);
  expect(await names(`search=${encodeURIComponent("name=ipa")}&case_sensitive=true`)).toEqual(["ipa"]);
  expect(await names(`search=${encodeURIComponent("name=no-such-vm")}`)).toEqual([]);
});

test("the same answers as the full path: a wildcard, and the names of every VM one by one", async () => {
  const all = await names("");
  expect(all.length).toBeGreaterThan(10);
  expect(await names(`search=${encodeURIComponent("name=ipa*")}`)).toEqual(
    all.filter((n) => n.startsWith("ipa")),
  );
  for (const n of all) expect(await names(`search=${encodeURIComponent(`name=${n}`)}`)).toEqual([n]);
});

test("a renamed VM is found by its new name only (the index follows updates)", async () => {
  const [ipa] = (await api.get(`vms?search=${encodeURIComponent("name=ipa2")}`)).parsed().vm as Obj[];
  const res = await api.put(`vms/${String(ipa.id)}`, JSON.stringify({ name: "ipa-replica" }));
  expect(res.status).toBe(200);
  expect(await names(`search=${encodeURIComponent("name=ipa2")}`)).toEqual([]);
  expect(await names(`search=${encodeURIComponent("name=ipa-replica")}`)).toEqual(["ipa-replica"]);
});
