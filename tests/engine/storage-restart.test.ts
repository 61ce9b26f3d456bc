// Storage-domain transitions are durable: an engine killed while a domain is `locked` in its data
// center finishes the attach after a restart (the scheduler's timers are rows in SQLite).
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, startInProcess, tempStateDir } from "./support/engine";
import { addHost, dataPlaneOf, statusIs, until } from "./storage-fixtures";

let engine: RunningEngine | undefined;

afterAll(async () => {
  await engine?.close();
});

test("a pending attach completes after the engine restarts", async () => {
  const stateDir = tempStateDir("sd-restart");
  // Set-up at full speed (the host installs at once)...
  engine = await startInProcess("4.3", stateDir, { timeScale: 0 });
  let api = await ApiClient.connect(engine);
  const dc = await api.post(
    "datacenters",
    "<data_center><name>r-dc</name><local>false</local></data_center>",
  );
  const dcId = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>r-cl</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  await addHost(api, dataPlaneOf(stateDir), "h", String(entityOf(cl, "cluster").id));
  const sd = await api.post(
    "storagedomains",
    "<storage_domain><name>r-sd</name><type>data</type><host><name>h</name></host><storage><type>nfs</type><address>n</address><path>/e</path></storage></storage_domain>",
  );
  const sdId = String(entityOf(sd, "storage_domain").id);
  await engine.close();
  // ...then real (halved) durations: the attach stays locked for seconds.
  engine = await startInProcess("4.3", stateDir, { timeScale: 0.5 });
  api = await ApiClient.connect(engine);
  const att = await api.post(`datacenters/${dcId}/storagedomains`, `<storage_domain id="${sdId}"/>`);
  expect(entityOf(att, "storage_domain").status).toBe("locked");
  await engine.close();

  engine = await startInProcess("4.3", stateDir, { timeScale: 0.5 });
  api = await ApiClient.connect(engine);
  const now = entityOf(await api.get(`datacenters/${dcId}/storagedomains/${sdId}`), "storage_domain");
  expect(["locked", "maintenance", "activating"]).toContain(now.status);
  const active = await until(api, `datacenters/${dcId}/storagedomains/${sdId}`, statusIs("active"), 20_000);
  expect(active?.master).toBe("true");
  expect(entityOf(await api.get(`datacenters/${dcId}`), "data_center").status).toBe("up");
});
