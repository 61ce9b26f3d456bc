// Fixtures for the storage tests: rows the storage rules look up by kind (hosts, VMs) written
// straight into an engine's database (a second SQLite connection; WAL lets it share the file), and
// polling of attached storage-domain states.
import path from "node:path";
import crypto from "node:crypto";
import { openDatabase } from "../../simulator/store/database";
import { EntityStore, type EntityKind } from "../../simulator/store/entities";
import { registerHost } from "../../simulator/dataplane/hosts";
import { entityOf, type ApiClient } from "./support/engine";

/** Writes `row` of `kind` into the engine whose state directory is `stateDir`. */
export function putRow(
  stateDir: string,
  kind: EntityKind,
  row: { id: string } & Record<string, unknown>,
): void {
  const db = openDatabase(stateDir);
  try {
    const store = new EntityStore(db);
    if (store.get(kind, row.id)) store.update(kind, row);
    else store.insert(kind, row);
  } finally {
    db.close();
  }
}

/** A host row as the storage rules read it (name, status, cluster). */
export function seedHost(stateDir: string, name: string, clusterId: string, status = "up"): string {
  const id = crypto.randomUUID();
  putRow(stateDir, "host", { id, name, address: `${name}.lab`, status, cluster: { id: clusterId } });
  return id;
}

/**
 * A real host through the hosts API: the machine `<name>.lab` (EL8) is put into the data plane, added
 * to the cluster and waited for until `up` (or `maintenance` with activate = false).
 */
export async function addHost(
  api: ApiClient,
  dataPlane: string,
  name: string,
  clusterId: string,
  activate = true,
): Promise<string> {
  const address = `${name}.lab`;
  registerHost(dataPlane, address, "el8", { rootPassword: "host-pw" });
  const res = await api.post(
    `hosts${activate ? "" : "?activate=false"}`,
    `<host><name>${name}</name><address>${address}</address><cluster id="${clusterId}"/><root_password>host-pw</root_password></host>`,
  );
  if (res.status !== 201) throw new Error(`adding host ${name}: ${res.status} ${res.body}`);
  const id = String(entityOf(res, "host").id);
  const want = activate ? "up" : "maintenance";
  await until(
    api,
    `hosts/${id}`,
    (h) => h?.status === want || h?.status === "install_failed" || h?.status === "non_operational",
  );
  const host = await api.as("json").get(`hosts/${id}`);
  const status = (JSON.parse(host.body) as { status: string }).status;
  if (status !== want) throw new Error(`host ${name} ended ${status}, not ${want}`);
  return id;
}

export function dataPlaneOf(stateDir: string): string {
  return path.join(stateDir, "dataplane");
}

type Obj = Record<string, unknown>;

/** Polls GET `path` until `done(entity)` holds (or fails after `ms`). */
export async function until(
  api: ApiClient,
  apiPath: string,
  done: (e: Obj | undefined) => boolean,
  ms = 15_000,
): Promise<Obj | undefined> {
  const deadline = Date.now() + ms;
  let last: Obj | undefined;
  for (;;) {
    const res = await api.as("json").get(apiPath);
    last = res.status === 404 ? undefined : (JSON.parse(res.body) as Obj);
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out on ${apiPath}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const statusIs = (s: string) => (e: Obj | undefined) => e?.status === s;
