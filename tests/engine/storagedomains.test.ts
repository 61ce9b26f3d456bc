// Storage domains over HTTP: add / import by path, attach (locked -> maintenance -> active, master
// and data center up), activate / deactivate, detach, remove with and without format, update,
// search, the engine's exact faults, and the shared data plane on disk.
import fs from "node:fs";
import path from "node:path";
import type { RunningEngine } from "../../simulator/engine";
import { readMetadata, storageDir } from "../../simulator/dataplane/storage";
import { SETUP_IDS } from "../../simulator/setup";
import { ApiClient, entityOf, faultOf, refId, startInProcess, tempStateDir } from "./support/engine";
import { addHost, dataPlaneOf, putRow, statusIs, until } from "./storage-fixtures";

type Obj = Record<string, unknown>;

const nfs = (name: string, exportPath: string, host: string, type = "data") =>
  `<storage_domain><name>${name}</name><type>${type}</type><host><name>${host}</name></host>` +
  `<storage><type>nfs</type><address>depot.lab</address><path>${exportPath}</path></storage></storage_domain>`;

let engine: RunningEngine;
let api: ApiClient;
let stateDir: string;
let dcId: string;
let clusterId: string;

async function newDc(name: string): Promise<{ dc: string; cluster: string }> {
  const dc = await api.post(
    "datacenters",
    `<data_center><name>${name}</name><local>false</local></data_center>`,
  );
  expect(dc.status).toBe(201);
  const id = String(entityOf(dc, "data_center").id);
  const cl = await api.post(
    "clusters",
    `<cluster><name>${name}-cl</name><data_center id="${id}"/><cpu><type>Intel Nehalem Family</type></cpu></cluster>`,
  );
  expect(cl.status).toBe(201);
  return { dc: id, cluster: String(entityOf(cl, "cluster").id) };
}

async function addDomain(body: string): Promise<string> {
  const res = await api.post("storagedomains", body);
  expect(res.status).toBe(201);
  return String(entityOf(res, "storage_domain").id);
}

async function attachActive(dc: string, sd: string, correlationId?: string): Promise<Obj> {
  const headers = correlationId ? { "correlation-id": correlationId } : undefined;
  const res = await api.post(`datacenters/${dc}/storagedomains`, `<storage_domain id="${sd}"/>`, headers);
  expect(res.status).toBe(201);
  return (await until(api, `datacenters/${dc}/storagedomains/${sd}`, statusIs("active")))!;
}

async function toMaintenance(dc: string, sd: string): Promise<void> {
  const res = await api.post(`datacenters/${dc}/storagedomains/${sd}/deactivate`, "<action/>");
  expect(res.status).toBe(200);
  await until(api, `datacenters/${dc}/storagedomains/${sd}`, statusIs("maintenance"));
}

beforeAll(async () => {
  stateDir = tempStateDir("sd");
  engine = await startInProcess("4.4", stateDir);
  api = await ApiClient.connect(engine);
  ({ dc: dcId, cluster: clusterId } = await newDc("sd-dc"));
  await addHost(api, dataPlaneOf(stateDir), "calvin", clusterId);
  await addHost(api, dataPlaneOf(stateDir), "dogbert", clusterId, false);
});

afterAll(async () => {
  await engine?.close();
});

describe("add", () => {
  test("a new NFS data domain is unattached, and lives on the shared storage", async () => {
    const res = await api.post("storagedomains", nfs("data1", "/exports/data1", "calvin"));
    expect(res.status).toBe(201);
    const sd = entityOf(res, "storage_domain");
    expect(res.headers.location).toBe(
      `${new URL(engine.url).origin}/ovirt-engine/api/storagedomains/${String(sd.id)}`,
    );
    expect(sd.status).toBe("unattached");
    expect(sd.master).toBe(false);
    expect(sd.type).toBe("data");
    expect(sd.storage).toEqual({
      address: "depot.lab",
      nfs_version: "auto",
      path: "/exports/data1",
      type: "nfs",
    });
    expect(sd.data_centers).toBeUndefined();
    const dir = path.join(storageDir(dataPlaneOf(stateDir), "depot.lab:/exports/data1"), String(sd.id));
    expect(dir.endsWith(`depot.lab:_exports_data1/${String(sd.id)}`)).toBe(true);
    const md = readMetadata(dir);
    expect(md).toMatchObject({
      SDUUID: sd.id,
      DESCRIPTION: "data1",
      CLASS: "Data",
      POOL_UUID: "",
      ROLE: "Regular",
    });
    expect(fs.existsSync(path.join(dir, "images"))).toBe(true);
    expect(fs.existsSync(path.join(dir, "master", "vms"))).toBe(true);
  });

  test("mandatory parameters, as the engine's completeness check reports them", async () => {
    let res = await api.post("storagedomains", "<storage_domain><name>x</name></storage_domain>");
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Incomplete parameters",
      detail: "StorageDomain [host.id|name, type, storage] required for add",
    });
    res = await api.post(
      "storagedomains",
      "<storage_domain><name>x</name><type>data</type><host><name>calvin</name></host><storage><type>nfs</type><path>/e</path></storage></storage_domain>",
    );
    expect(faultOf(res)).toEqual({
      reason: "Incomplete parameters",
      detail: "StorageDomain [storage.address] required for add",
    });
    res = await api.post(
      "storagedomains",
      "<storage_domain><type>data</type><host><name>calvin</name></host><storage><type>nfs</type><address>a</address><path>/new</path></storage></storage_domain>",
    );
    expect(faultOf(res).detail).toBe("StorageDomain [name] required for add");
  });

  test("the host must exist and be up", async () => {
    let res = await api.post("storagedomains", nfs("x", "/exports/x", "nobody"));
    expect(res.status).toBe(404);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "Entity not found: Hosts: name=nobody",
    });
    res = await api.post("storagedomains", nfs("x", "/exports/x", "dogbert"));
    expect(res.status).toBe(409);
    expect(faultOf(res)).toEqual({
      reason: "Operation Failed",
      detail: "[Cannot add Storage. Operation can be performed only when Host status is Up.]",
    });
  });

  test("a name in use is refused", async () => {
    const res = await api.post("storagedomains", nfs("data1", "/exports/other", "calvin"));
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Cannot add Storage. The Storage Domain name is already in use.]");
  });

  test("the same path again is an import of a domain the engine already has", async () => {
    const res = await api.post("storagedomains", nfs("whatever", "/exports/data1", "calvin"));
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Cannot add Storage. The Storage Domain already exists.]");
  });

  test("an export domain is a Backup-class domain with its own sub-collections", async () => {
    const res = await api.post("storagedomains", nfs("export1", "/exports/export", "calvin", "export"));
    expect(res.status).toBe(201);
    const sd = entityOf(res, "storage_domain");
    expect(sd).toMatchObject({ type: "export", storage_format: "v1", status: "unattached" });
    const rels = ((sd.link ?? []) as Obj[]).map((l) => l["@rel"]);
    expect(rels).toEqual([
      "diskprofiles",
      "disksnapshots",
      "storageconnections",
      "permissions",
      "templates",
      "vms",
    ]);
    const md = readMetadata(
      path.join(storageDir(dataPlaneOf(stateDir), "depot.lab:/exports/export"), String(sd.id)),
    );
    expect(md?.CLASS).toBe("Backup");
  });

  test("JSON bodies work the same; a glusterfs domain takes path server:/volume and vfs_type", async () => {
    const res = await api.as("json").post(
      "storagedomains",
      JSON.stringify({
        name: "quick",
        type: "data",
        host: { name: "calvin" },
        storage: {
          type: "glusterfs",
          path: "gl1.lab:/rhvquick",
          vfs_type: "glusterfs",
          mount_options: "backup-volfile-servers=gl2.lab",
        },
      }),
    );
    expect(res.status).toBe(201);
    const sd = JSON.parse(res.body) as Obj;
    expect(sd.status).toBe("unattached");
    expect(sd.storage).toEqual({
      mount_options: "backup-volfile-servers=gl2.lab",
      path: "gl1.lab:/rhvquick",
      type: "glusterfs",
      vfs_type: "glusterfs",
    });
    expect(sd.available).toEqual(expect.any(Number));
    const md = readMetadata(path.join(storageDir(dataPlaneOf(stateDir), "gl1.lab:/rhvquick"), String(sd.id)));
    expect(md?.TYPE).toBe("GLUSTERFS");
  });
});

describe("attached to a data center", () => {
  let dc: string;
  let cl: string;
  let d1: string;
  let d2: string;
  let iso: string;

  beforeAll(async () => {
    ({ dc, cluster: cl } = await newDc("att-dc"));
    await addHost(api, dataPlaneOf(stateDir), "rhvnode3", cl);
    d1 = await addDomain(nfs("att-d1", "/exports/att1", "rhvnode3"));
    d2 = await addDomain(nfs("att-d2", "/exports/att2", "rhvnode3"));
    iso = await addDomain(nfs("att-iso", "/exports/iso", "rhvnode3", "iso"));
  });

  test("attach needs an up host in the data center", async () => {
    const { dc: lonely } = await newDc("lonely-dc");
    const res = await api.post(`datacenters/${lonely}/storagedomains`, `<storage_domain id="${d1}"/>`);
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Cannot attach Storage. There is no active Host in the Data Center.]");
  });

  test("attach: locked, then active; the first data domain becomes master and the DC goes up", async () => {
    const before = entityOf(await api.get(`datacenters/${dc}`), "data_center");
    expect(before.status).toBe("uninitialized");
    const res = await api.post(`datacenters/${dc}/storagedomains`, `<storage_domain id="${d1}"/>`);
    expect(res.status).toBe(201);
    const att = entityOf(res, "storage_domain");
    expect(att.status).toBe("locked");
    expect(refId(att.data_center)).toBe(dc);
    expect(res.headers.location).toMatch(new RegExp(`/datacenters/${dc}/storagedomains/${d1}$`));
    const active = await until(api, `datacenters/${dc}/storagedomains/${d1}`, statusIs("active"));
    expect(active?.master).toBe("true");
    const after = entityOf(await api.get(`datacenters/${dc}`), "data_center");
    expect(after.status).toBe("up");
    expect(after.storage_format).toBe("v5");
    // The top level shows no status for an attached domain, and lists its data center.
    const top = entityOf(await api.get(`storagedomains/${d1}`), "storage_domain");
    expect(top.status).toBeUndefined();
    expect(refId((top.data_centers as Obj).data_center)).toBe(dc);
    const md = readMetadata(path.join(storageDir(dataPlaneOf(stateDir), "depot.lab:/exports/att1"), d1));
    expect(md).toMatchObject({ POOL_UUID: dc, ROLE: "Master" });
  });

  test("attach by name; further data domains are not master; an attached domain cannot attach again", async () => {
    const res = await api.post(
      `datacenters/${dc}/storagedomains`,
      "<storage_domain><name>att-d2</name></storage_domain>",
    );
    expect(res.status).toBe(201);
    const active = await until(api, `datacenters/${dc}/storagedomains/${d2}`, statusIs("active"));
    expect(active?.master).toBe("false");
    await attachActive(dc, iso, "sd-attach-iso");
    const again = await api.post(`datacenters/${dc}/storagedomains`, `<storage_domain id="${d2}"/>`);
    expect(again.status).toBe(409);
    expect(faultOf(again).detail).toBe(
      "[Cannot attach Storage. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.]",
    );
    const unknown = await api.post(
      `datacenters/${dc}/storagedomains`,
      "<storage_domain><name>nope</name></storage_domain>",
    );
    expect(unknown.status).toBe(404);
    expect(faultOf(unknown).detail).toBe("Entity not found: Storage: name=nope");
  });

  test("attach leaves a job (finished once active) and events, under the request's correlation id", async () => {
    const jobs = async (cid: string) =>
      (JSON.parse((await api.as("json").get(`jobs?search=correlation_id%3D${cid}`)).body) as { job?: Obj[] })
        .job ?? [];
    const attachJob = await jobs("sd-attach-iso");
    expect(attachJob.map((j) => [j.description, j.status])).toEqual([
      ["Attaching Storage Domain att-iso to Data Center att-dc", "finished"],
    ]);
    const events = JSON.parse((await api.as("json").get("events?search=type%3D962")).body) as {
      event?: Obj[];
    };
    expect((events.event ?? []).map((e) => e.description)).toEqual(
      expect.arrayContaining([
        "Storage Domain att-d1 was attached to Data Center att-dc by admin@internal-authz",
      ]),
    );
  });

  test("search: status, datacenter, type, name", async () => {
    const names = async (q: string) => {
      const res = await api.as("json").get(`storagedomains?search=${encodeURIComponent(q)}`);
      return ((JSON.parse(res.body) as { storage_domain?: Obj[] }).storage_domain ?? []).map((s) => s.name);
    };
    expect(await names("datacenter=att-dc")).toEqual(["att-d1", "att-d2", "att-iso"]);
    expect(await names("status=active and datacenter=att-dc and type=data")).toEqual(["att-d1", "att-d2"]);
    expect(await names("type=iso and datacenter=att-dc")).toEqual(["att-iso"]);
    expect(await names('name="att-d*"')).toEqual(["att-d1", "att-d2"]);
    expect(await names("status=unattached")).toEqual(expect.arrayContaining(["data1", "quick"]));
    const listed = await api.as("json").get(`datacenters/${dc}/storagedomains`);
    const items = (JSON.parse(listed.body) as { storage_domain: Obj[] }).storage_domain;
    expect(items.map((s) => [s.name, s.status])).toEqual([
      ["att-d1", "active"],
      ["att-d2", "active"],
      ["att-iso", "active"],
    ]);
  });

  test("deactivate is refused while VMs using the domain run", async () => {
    const vmId = "6c1d7e2a-0000-4000-8000-000000000001";
    putRow(stateDir, "vm", {
      id: vmId,
      name: "ipa",
      status: "up",
      cluster: { id: cl },
      storage_domain: { id: d2 },
    });
    const res = await api.post(`datacenters/${dc}/storagedomains/${d2}/deactivate`, "<action/>");
    expect(res.status).toBe(409);
    const body = res.parsed().action as Obj;
    expect(body.status).toBe("failed");
    expect((body.fault as Obj).detail).toBe(
      '[Cannot deactivate Storage. VMs in a state other than "Down" were detected.\n-Please ensure all VMs associated with this Storage Domain are stopped and in the Down state first.]',
    );
    putRow(stateDir, "vm", {
      id: vmId,
      name: "ipa",
      status: "down",
      cluster: { id: cl },
      storage_domain: { id: d2 },
    });
  });

  test("detach and activate need the right status", async () => {
    let res = await api.delete(`datacenters/${dc}/storagedomains/${d2}`);
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe(
      "[Cannot detach Storage. The relevant Storage Domain's status is Active.]",
    );
    res = await api.post(`datacenters/${dc}/storagedomains/${d2}/activate`, "<action/>");
    expect(res.status).toBe(409);
    expect(((res.parsed().action as Obj).fault as Obj).detail).toBe(
      "[Cannot activate Storage. The relevant Storage Domain's status is Active.]",
    );
  });

  test("deactivate: preparing_for_maintenance, then maintenance; the master role moves on", async () => {
    const res = await api.post(`datacenters/${dc}/storagedomains/${d1}/deactivate`, "<action/>");
    expect(res.status).toBe(200);
    expect((res.parsed().action as Obj).status).toBe("complete");
    const now = entityOf(await api.get(`datacenters/${dc}/storagedomains/${d1}`), "storage_domain");
    expect(["preparing_for_maintenance", "maintenance"]).toContain(now.status);
    const done = await until(api, `datacenters/${dc}/storagedomains/${d1}`, statusIs("maintenance"));
    expect(done?.master).toBe("false");
    const heir = entityOf(await api.get(`datacenters/${dc}/storagedomains/${d2}`), "storage_domain");
    expect(heir.master).toBe(true);
    expect(entityOf(await api.get(`datacenters/${dc}`), "data_center").status).toBe("up");
  });

  test("the data center cannot be removed while it is up or holds several domains", async () => {
    let res = await api.delete(`datacenters/${dc}`);
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Cannot remove an active Data Center.]");
    // Take the DC down: every domain to maintenance (the master last).
    await toMaintenance(dc, iso);
    await toMaintenance(dc, d2);
    expect(entityOf(await api.get(`datacenters/${dc}`), "data_center").status).toBe("maintenance");
    res = await api.delete(`datacenters/${dc}`);
    expect(faultOf(res).detail).toBe(
      "[Cannot remove Data Center when more than one Storage Domain is attached.]",
    );
  });

  test("detach: the master goes last; detached domains are unattached again", async () => {
    let res = await api.delete(`datacenters/${dc}/storagedomains/${d2}`);
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe(
      "[Cannot detach the master Storage Domain from the Data Center while there are other storage domains attached to it.\n-Please try to activate another Storage Domain in the Data Center.]",
    );
    for (const sd of [d1, iso]) {
      res = await api.delete(`datacenters/${dc}/storagedomains/${sd}`);
      expect(res.status).toBe(200);
      expect(entityOf(res, "action").status).toBe("complete");
      expect((await api.get(`datacenters/${dc}/storagedomains/${sd}`)).status).toBe(404);
      expect(entityOf(await api.get(`storagedomains/${sd}`), "storage_domain").status).toBe("unattached");
    }
    const md = readMetadata(path.join(storageDir(dataPlaneOf(stateDir), "depot.lab:/exports/att1"), d1));
    expect(md).toMatchObject({ POOL_UUID: "", ROLE: "Regular" });
  });

  test("a data center with only its master in maintenance can go; the domain stays, unattached", async () => {
    const res = await api.delete(`datacenters/${dc}`);
    expect(res.status).toBe(200);
    const top = entityOf(await api.get(`storagedomains/${d2}`), "storage_domain");
    expect(top.status).toBe("unattached");
    expect(top.master).toBe(false);
  });

  test("a domain with active domains blocks data center removal", async () => {
    const { dc: dc2, cluster: cl2 } = await newDc("busy-dc");
    await addHost(api, dataPlaneOf(stateDir), "rhvnode4", cl2);
    await attachActive(dc2, d2);
    await toMaintenance(dc2, d2);
    await api.post(`datacenters/${dc2}/storagedomains/${d2}/activate`, "<action/>");
    await until(api, `datacenters/${dc2}/storagedomains/${d2}`, statusIs("active"));
    expect(entityOf(await api.get(`datacenters/${dc2}`), "data_center").status).toBe("up");
    // force skips the storage checks only when the DC is not up; the DC is up here.
    const res = await api.delete(`datacenters/${dc2}`);
    expect(faultOf(res).detail).toBe("[Cannot remove an active Data Center.]");
  });
});

describe("remove", () => {
  let sd: string;
  let dir: string;

  beforeAll(async () => {
    sd = await addDomain(nfs("gone", "/exports/gone", "calvin"));
    dir = path.join(storageDir(dataPlaneOf(stateDir), "depot.lab:/exports/gone"), sd);
  });

  test("an attached domain cannot be removed", async () => {
    const { dc, cluster } = await newDc("rm-dc");
    await addHost(api, dataPlaneOf(stateDir), "rhvnode5", cluster);
    const other = await addDomain(nfs("rm-att", "/exports/rmatt", "calvin"));
    await attachActive(dc, other);
    const res = await api.delete(`storagedomains/${other}?host=calvin`);
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe(
      "[Cannot remove Storage. The relevant Storage Domain is inaccessible.\n-Please handle Storage Domain issues and retry the operation.]",
    );
  });

  test("the host must be valid and up", async () => {
    let res = await api.delete(`storagedomains/${sd}`);
    expect(res.status).toBe(400);
    expect(faultOf(res).detail).toBe("[Can not Remove Storage Domain - the underlying Host ID is invalid.]");
    res = await api.delete(`storagedomains/${sd}?host=dogbert`);
    expect(res.status).toBe(409);
    expect(faultOf(res).detail).toBe("[Cannot remove Storage. Host dogbert is not up.]");
  });

  test("without format the data stays on storage, and the same path imports it again", async () => {
    const res = await api.delete(`storagedomains/${sd}?host=calvin&format=false`);
    expect(res.status).toBe(200);
    expect((await api.get(`storagedomains/${sd}`)).status).toBe(404);
    expect(readMetadata(dir)?.SDUUID).toBe(sd);
    const again = await api.post("storagedomains", nfs("another-name", "/exports/gone", "calvin"));
    expect(again.status).toBe(201);
    const imported = entityOf(again, "storage_domain");
    expect(imported.id).toBe(sd);
    expect(imported.name).toBe("gone");
    expect(imported.status).toBe("unattached");
  });

  test("format=true deletes the domain from storage", async () => {
    const res = await api.delete(`storagedomains/${sd}?host=calvin&format=true`);
    expect(res.status).toBe(200);
    expect(fs.existsSync(dir)).toBe(false);
  });

  test("destroy=true only forgets the domain, without a host", async () => {
    const id = await addDomain(nfs("destroyed", "/exports/destroyed", "calvin"));
    const res = await api.delete(`storagedomains/${id}?destroy=true`);
    expect(res.status).toBe(200);
    expect((await api.get(`storagedomains/${id}`)).status).toBe(404);
    expect(
      readMetadata(path.join(storageDir(dataPlaneOf(stateDir), "depot.lab:/exports/destroyed"), id))?.SDUUID,
    ).toBe(id);
  });
});

describe("update and actions", () => {
  let sd: string;

  beforeAll(async () => {
    sd = await addDomain(nfs("upd", "/exports/upd", "calvin"));
  });

  test("name, comment and thresholds change; the new name is written to storage", async () => {
    const res = await api.put(
      `storagedomains/${sd}`,
      "<storage_domain><name>upd2</name><comment>spinning</comment><warning_low_space_indicator>15</warning_low_space_indicator><critical_space_action_blocker>3</critical_space_action_blocker></storage_domain>",
    );
    expect(res.status).toBe(200);
    const after = entityOf(res, "storage_domain");
    expect(after).toMatchObject({
      name: "upd2",
      comment: "spinning",
      warning_low_space_indicator: 15,
      critical_space_action_blocker: 3,
    });
    expect(
      readMetadata(path.join(storageDir(dataPlaneOf(stateDir), "depot.lab:/exports/upd"), sd))?.DESCRIPTION,
    ).toBe("upd2");
    const clash = await api.put(
      `storagedomains/${sd}`,
      "<storage_domain><name>data1</name></storage_domain>",
    );
    expect(clash.status).toBe(409);
    expect(faultOf(clash).detail).toBe("[Cannot edit Storage. The Storage Domain name is already in use.]");
  });

  test("isattached reads the storage; updateovfstore completes", async () => {
    const res = await api.post(
      `storagedomains/${sd}/isattached`,
      "<action><host><name>calvin</name></host></action>",
    );
    expect(res.status).toBe(200);
    expect(res.parsed().action).toMatchObject({ is_attached: false, status: "complete" });
    const ovf = await api.post(`storagedomains/${sd}/updateovfstore`, "<action/>");
    expect(ovf.status).toBe(200);
    expect((ovf.parsed().action as Obj).status).toBe("complete");
  });

  test("storage connections of a domain", async () => {
    const res = await api.as("json").get(`storagedomains/${sd}/storageconnections`);
    const conns = (JSON.parse(res.body) as { storage_connection: Obj[] }).storage_connection;
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({ address: "depot.lab", path: "/exports/upd", type: "nfs" });
    const one = await api.as("json").get(`storageconnections/${String(conns[0].id)}`);
    expect(one.status).toBe(200);
  });

  test("unknown ids are 404 with no body", async () => {
    for (const p of [
      "storagedomains/nope",
      `storagedomains/${SETUP_IDS.defaultCluster}`,
      `datacenters/${dcId}/storagedomains/${sd}`,
    ]) {
      const res = await api.get(p);
      expect(res.status).toBe(404);
      expect(res.body).toBe("");
    }
  });
});
