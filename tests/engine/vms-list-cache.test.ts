// GET /vms reuses its answer while the store is unchanged (simulator/api/vms/routes.ts list cache):
// any change, through the API or by another connection to the database, shows at once.
import type { RunningEngine } from "../../simulator/engine";
import { openDatabase } from "../../simulator/store/database";
import { EntityStore } from "../../simulator/store/entities";
import { ApiClient, entityOf, startInProcess, tempStateDir } from "./support/engine";

type Obj = Record<string, unknown>;

let engine: RunningEngine;
let api: ApiClient;
let stateDir: string;

beforeAll(async () => {
  stateDir = tempStateDir("vms-cache");
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
});

afterAll(async () => {
  await engine?.close();
});

const names = async (query = "") =>
  ((JSON.parse((await api.as("json").get(`vms${query}`)).body) as { vm?: Obj[] }).vm ?? [])
    .map((v) => String(v.name))
    .sort();

test("the list follows adds, updates, removes and writes by another connection", async () => {
  expect(await names()).toEqual([]);
  const dc = await api.post(
    "datacenters",
    "<data_center><name>c-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>c-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  const clId = String(entityOf(cl, "cluster").id);
  const add = (n: string) =>
    api.post(
      "vms",
      `<vm><name>${n}</name><cluster id="${clId}"/><template><name>Blank</name></template></vm>`,
    );
  const a = String(entityOf(await add("a"), "vm").id);
  expect(await names()).toEqual(["a"]);
  expect(await names()).toEqual(["a"]);
  await add("b");
  expect(await names()).toEqual(["a", "b"]);
  expect(await names("?search=name%3Db")).toEqual(["b"]);
  expect((await api.put(`vms/${a}`, "<vm><name>a2</name></vm>")).status).toBe(200);
  expect(await names()).toEqual(["a2", "b"]);
  // Another connection to the same database (what a second engine process or a fixture does).
  const db = openDatabase(stateDir);
  try {
    const store = new EntityStore(db);
    const row = store.get<{ id: string; name: string }>("vm", a)!;
    store.update("vm", { ...row, name: "a3" });
  } finally {
    db.close();
  }
  expect(await names()).toEqual(["a3", "b"]);
  expect((await api.delete(`vms/${a}`)).status).toBe(200);
  expect(await names()).toEqual(["b"]);
});
