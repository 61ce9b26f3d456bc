// Gluster bricks of a volume, in both personalities: add (POST .../glusterbricks with `replica_count`
// / `stripe_count` in the query: AddBricksToGlusterVolumeCommand), remove (DELETE .../glusterbricks
// with the bricks in the body, or .../glusterbricks/{id}: GlusterVolumeRemoveBricks, forced, no data
// migration), the REST layer's `Incomplete parameters`, the engine's texts in its validation order,
// the volume's type and replica count afterwards, jobs and events 4019 / 4014.
import type { RunningEngine } from "../../simulator/engine";
import { ApiClient, entityOf, faultOf, sample, startInProcess, tempStateDir } from "./support/engine";
import { compareShapes, subShape, xmlShape } from "./support/structure";
import { addHost, dataPlaneOf } from "./storage-fixtures";

type Obj = Record<string, unknown>;

const brick = (server: string, dir: string) =>
  `<brick><server_id>${server}</server_id><brick_dir>${dir}</brick_dir></brick>`;

describe.each(["4.3", "4.4"] as const)("%s engine: Gluster bricks", (version) => {
  let engine: RunningEngine;
  let api: ApiClient;
  let clusterId: string;
  let otherClusterId: string;
  const h: string[] = [];
  let outsider: string;
  let volId: string;
  const tag = version.replace(".", "");
  /** DELETE with a body (Content-Length given, as the SDKs send it). */
  const del = (p: string, body: string, headers: Record<string, string> = {}) =>
    api.call("DELETE", p, body, { "content-length": String(Buffer.byteLength(body)), ...headers });

  const vols = (cl = clusterId) => `clusters/${cl}/glustervolumes`;
  const bricksOf = (id = volId, cl = clusterId) => `${vols(cl)}/${id}/glusterbricks`;

  async function volume(id = volId): Promise<Obj> {
    return JSON.parse((await api.as("json").get(`${vols()}/${id}`)).body) as Obj;
  }
  async function brickNames(id = volId): Promise<string[]> {
    const res = await api.as("json").get(bricksOf(id));
    return ((JSON.parse(res.body) as { brick?: Obj[] }).brick ?? []).map((b) => String(b.name));
  }
  async function makeVolume(name: string, type: string, servers: string[], cl = clusterId): Promise<string> {
    const res = await api.post(
      vols(cl),
      `<gluster_volume><name>${name}</name><volume_type>${type}</volume_type>` +
        (type === "replicate" ? `<replica_count>${servers.length}</replica_count>` : "") +
        `<bricks>${servers.map((s) => brick(s, `/gluster_bricks/${name}`)).join("")}</bricks></gluster_volume>`,
    );
    expect(res.status).toBe(201);
    return String(entityOf(res, "gluster_volume").id);
  }
  const detail = (res: { parsed: () => Obj }) => faultOf(res as never).detail;

  beforeAll(async () => {
    const stateDir = tempStateDir(`bricks-${version}`);
    engine = await startInProcess(version, stateDir);
    api = await ApiClient.connect(engine);
    const dc = await api.post(
      "datacenters",
      "<data_center><name>bdc</name><local>false</local></data_center>",
    );
    const dcId = String(entityOf(dc, "data_center").id);
    const mk = async (name: string) => {
      const cl = await api.post(
        "clusters",
        `<cluster><name>${name}</name><data_center id="${dcId}"/><cpu><type>Intel Nehalem Family</type></cpu><gluster_service>true</gluster_service></cluster>`,
      );
      expect(cl.status).toBe(201);
      return String(entityOf(cl, "cluster").id);
    };
    clusterId = await mk("gcl");
    otherClusterId = await mk("gcl2");
    for (const n of ["g1", "g2", "g3", "g4"]) h.push(await addHost(api, dataPlaneOf(stateDir), n, clusterId));
    outsider = await addHost(api, dataPlaneOf(stateDir), "g5", otherClusterId, false);
    volId = await makeVolume("vol", "replicate", [h[0], h[1]]);
    expect((await api.post(`${vols()}/${volId}/start`, "<action/>")).status).toBe(200);
  });

  afterAll(async () => {
    await engine?.close();
  });

  test("add a replica set: 201 with the new bricks, distributed_replicate, job and event 4019", async () => {
    const res = await api.post(
      `${bricksOf()}?replica_count=2`,
      `<bricks>${brick(h[2], "/gluster_bricks/vol")}${brick(h[3], "/gluster_bricks/vol")}</bricks>`,
      { "correlation-id": `bricks-add-${tag}` },
    );
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`${new URL(engine.url).origin}/ovirt-engine/api/${bricksOf()}`);
    const added = (res.parsed().bricks as { brick: Obj[] }).brick;
    expect(added.map((b) => [b.name, b.status])).toEqual([
      ["g3.lab:/gluster_bricks/vol", "up"],
      ["g4.lab:/gluster_bricks/vol", "up"],
    ]);
    expect(
      compareShapes(
        subShape(xmlShape(sample("gluster_bricks.xml")), "brick"),
        subShape(xmlShape(res.body), "brick"),
      ),
    ).toEqual({
      missing: [],
      extra: [],
    });
    expect(await volume()).toMatchObject({ volume_type: "distributed_replicate", replica_count: "2" });
    expect(await brickNames()).toEqual([
      "g1.lab:/gluster_bricks/vol",
      "g2.lab:/gluster_bricks/vol",
      "g3.lab:/gluster_bricks/vol",
      "g4.lab:/gluster_bricks/vol",
    ]);
    const jobs = (await api.as("json").get(`jobs?search=correlation_id%3Dbricks-add-${tag}`)).parsed() as {
      job: Obj[];
    };
    expect(jobs.job.map((j) => [j.description, j.status])).toEqual([
      ["Adding Bricks to Gluster Volume vol", "finished"],
    ]);
    const events = (
      await api.as("json").get(`events?search=correlation_id%3Dbricks-add-${tag}`)
    ).parsed() as {
      event: Obj[];
    };
    expect(events.event.map((e) => [e.code, e.description])).toEqual([
      ["4019", "2 brick(s) added to volume vol of cluster gcl."],
    ]);
  });

  test("the replica count of a replicated volume: not reduced, raised by one at most", async () => {
    const body = `<bricks>${brick(h[0], "/gluster_bricks/more")}${brick(h[1], "/gluster_bricks/more")}</bricks>`;
    let res = await api.post(bricksOf(), body);
    expect(res.status).toBe(409);
    expect(detail(res)).toBe("[Cannot add Brick(s). Replica count cannot be reduced when adding bricks.]");
    res = await api.post(`${bricksOf()}?replica_count=4`, body);
    expect(res.status).toBe(409);
    expect(detail(res)).toBe("[Cannot add Brick(s). Replica count cannot be increased by more than one.]");
    expect(await brickNames()).toHaveLength(4);
  });

  test("REST layer: a brick without brick_dir is `Incomplete parameters`; no bricks at all", async () => {
    let res = await api.post(
      `${bricksOf()}?replica_count=2`,
      `<bricks><brick><server_id>${h[0]}</server_id></brick></bricks>`,
    );
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Incomplete parameters",
      detail: "GlusterBrick [brickDir] required for add",
    });
    res = await api.post(`${bricksOf()}?replica_count=2`, "<bricks><brick/></bricks>");
    expect(faultOf(res).detail).toBe("GlusterBrick [serverId, brickDir] required for add");
    res = await api.post(`${bricksOf()}?replica_count=2`, "<bricks/>");
    expect(res.status).toBe(400);
    expect(detail(res)).toBe("[Cannot add Brick(s). Bricks are required.]");
  });

  test("servers outside the cluster, duplicates, bricks in use, a replica set on one server", async () => {
    let res = await api.post(
      `${bricksOf()}?replica_count=2`,
      `<bricks>${brick(outsider, "/b/x")}${brick(h[0], "/b/x")}</bricks>`,
    );
    expect(res.status).toBe(400);
    expect(detail(res)).toBe("[Cannot add Brick(s). Invalid server id in brick.]");
    res = await api.post(
      `${bricksOf()}?replica_count=2`,
      `<bricks>${brick(h[0], "/b/d")}${brick(h[0], "/b/d")}</bricks>`,
    );
    expect(res.status).toBe(409);
    expect(detail(res)).toBe("[Cannot add Brick(s). Duplicate entries found for brick g1.lab:/b/d.]");
    res = await api.post(
      `${bricksOf()}?replica_count=2`,
      `<bricks>${brick(h[1], "/gluster_bricks/vol")}${brick(h[2], "/b/new")}</bricks>`,
    );
    expect(res.status).toBe(409);
    expect(detail(res)).toBe(
      "[Cannot add Brick(s). Brick g2.lab:/gluster_bricks/vol is already used by the volume vol.]",
    );
    res = await api.post(
      `${bricksOf()}?replica_count=2`,
      `<bricks>${brick(h[0], "/b/s1")}${brick(h[0], "/b/s2")}</bricks>`,
    );
    expect(res.status).toBe(409);
    expect(detail(res)).toBe(
      "[Cannot add Brick(s). Replica set contains bricks from same server. This is not supported for hyper-converged cluster.]",
    );
    expect(await brickNames()).toHaveLength(4);
  });

  test("raising replica 2 to 3 puts the new brick into the set; JSON body", async () => {
    const grow = await makeVolume("grow", "replicate", [h[0], h[1]]);
    const res = await api
      .as("json")
      .post(
        `${bricksOf(grow)}?replica_count=3`,
        JSON.stringify({ brick: [{ server_id: h[2], brick_dir: "/gluster_bricks/grow" }] }),
      );
    expect(res.status).toBe(201);
    expect(await volume(grow)).toMatchObject({
      volume_type: "replicate",
      replica_count: "3",
      status: "down",
    });
    expect(await brickNames(grow)).toEqual([
      "g1.lab:/gluster_bricks/grow",
      "g2.lab:/gluster_bricks/grow",
      "g3.lab:/gluster_bricks/grow",
    ]);
    // Reduce it again by removing one brick with replica_count=2 (DELETE of one brick).
    const listed = (JSON.parse((await api.as("json").get(bricksOf(grow))).body) as { brick: Obj[] }).brick;
    let del = await api.delete(`${bricksOf(grow)}/${String(listed[2].id)}?replica_count=1`);
    expect(del.status).toBe(409);
    expect(detail(del)).toBe("[Cannot remove Brick(s). Replica count cannot be reduced by more than one.]");
    del = await api.delete(`${bricksOf(grow)}/${String(listed[2].id)}?replica_count=2`);
    expect(del.status).toBe(200);
    expect(await volume(grow)).toMatchObject({ volume_type: "replicate", replica_count: "2" });
    expect(await brickNames(grow)).toHaveLength(2);
    expect((await api.delete(`${bricksOf(grow)}/00000000-0000-0000-0000-0000000000aa`)).status).toBe(404);
  });

  test("remove a replica set by name: back to replicate, job and event 4014", async () => {
    const body =
      "<action><bricks><brick><name>g3.lab:/gluster_bricks/vol</name></brick>" +
      "<brick><name>g4.lab:/gluster_bricks/vol</name></brick></bricks></action>";
    const res = await del(bricksOf(), body, { "correlation-id": `bricks-rm-${tag}` });
    expect(res.status).toBe(200);
    expect(await volume()).toMatchObject({ volume_type: "replicate", replica_count: "2" });
    expect(await brickNames()).toEqual(["g1.lab:/gluster_bricks/vol", "g2.lab:/gluster_bricks/vol"]);
    const jobs = (await api.as("json").get(`jobs?search=correlation_id%3Dbricks-rm-${tag}`)).parsed() as {
      job: Obj[];
    };
    expect(jobs.job.map((j) => j.description)).toEqual(["Removing Bricks from Gluster Volume vol"]);
    const events = (await api.as("json").get(`events?search=correlation_id%3Dbricks-rm-${tag}`)).parsed() as {
      event: Obj[];
    };
    expect(events.event.map((e) => [e.code, e.description])).toEqual([
      ["4014", "Bricks removed from Gluster Volume vol of cluster gcl."],
    ]);
  });

  test("remove faults: all bricks, an unknown brick, a raised replica count, no id or name", async () => {
    const names = await brickNames();
    const body = (items: string) => `<action><bricks>${items}</bricks></action>`;
    let res = await del(bricksOf(), body(names.map((n) => `<brick><name>${n}</name></brick>`).join("")));
    expect(res.status).toBe(409);
    expect(detail(res)).toBe("[Cannot remove Brick(s). Cannot remove all the bricks from a Volume.]");
    res = await del(bricksOf(), body("<brick><name>g4.lab:/nowhere</name></brick>"));
    expect(res.status).toBe(400);
    expect(detail(res)).toBe("[Cannot remove Brick(s). Invalid gluster brick.]");
    res = await del(`${bricksOf()}?replica_count=3`, body(`<brick><name>${names[0]}</name></brick>`));
    expect(res.status).toBe(409);
    expect(detail(res)).toBe(
      "[Cannot remove Brick(s). Replica count cannot be increased when removing bricks.]",
    );
    res = await del(bricksOf(), body("<brick><brick_dir>/x</brick_dir></brick>"));
    expect(res.status).toBe(400);
    expect(faultOf(res)).toEqual({
      reason: "Incomplete parameters",
      detail: "GlusterBrick [id|name] required for remove",
    });
    res = await del(bricksOf(), body(""));
    expect(detail(res)).toBe("[Cannot remove Brick(s). Bricks are required.]");
    expect(await brickNames()).toHaveLength(2);
  });

  test("no up server in the cluster: the engine refuses both", async () => {
    const lonely = await makeVolume("lonely", "distribute", [outsider], otherClusterId);
    let res = await api.post(
      `${bricksOf(lonely, otherClusterId)}`,
      `<bricks>${brick(outsider, "/b/2")}</bricks>`,
    );
    expect(res.status).toBe(409);
    expect(detail(res)).toBe("[Cannot add Brick(s). No up server found in gcl2.]");
    res = await del(
      bricksOf(lonely, otherClusterId),
      "<action><bricks><brick><name>g5.lab:/gluster_bricks/lonely</name></brick></bricks></action>",
    );
    expect(detail(res)).toBe("[Cannot remove Brick(s). No up server found in gcl2.]");
  });
});
