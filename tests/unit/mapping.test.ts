// The explicit to/from-API mappings: every input reaches its API field with the engine's JSON
// types, and the engine's answer maps back onto the same inputs.
import { clusterFromApi, clusterToApi, type ClusterArgs } from "../../providers/cluster/model";
import {
  dataCenterComputed,
  dataCenterFromApi,
  dataCenterToApi,
  type DataCenterArgs,
} from "../../providers/datacenter/model";
import { ClusterType } from "../../providers/ovirt/clusters";
import { decode, encode } from "../../providers/ovirt/codec";
import { DataCenterType } from "../../providers/ovirt/datacenters";

const cluster: ClusterArgs = {
  engine: "target",
  name: "ocpcluster",
  dataCenterId: "dc-1",
  description: "OpenShift nodes",
  comment: "c",
  compatibilityVersion: "4.4",
  cpuType: "Intel Skylake Family",
  cpuArchitecture: "x86_64",
  threadsAsCores: true,
  ksm: { enabled: true, mergeAcrossNodes: false },
  memoryOverCommitPercent: 150,
  ballooning: true,
  virtService: true,
  glusterService: false,
  timeouts: { create: 10 },
};
const allClusterFields = Object.keys(cluster) as Array<keyof ClusterArgs>;

describe("cluster mapping", () => {
  test("the add body, as sent on the wire", () => {
    expect(encode(ClusterType, clusterToApi(cluster, allClusterFields))).toEqual({
      name: "ocpcluster",
      data_center: { id: "dc-1" },
      description: "OpenShift nodes",
      comment: "c",
      version: { major: "4", minor: "4" },
      cpu: { type: "Intel Skylake Family", architecture: "x86_64" },
      threads_as_cores: "true",
      ksm: { enabled: "true", merge_across_nodes: "false" },
      memory_policy: { over_commit: { percent: "150" } },
      ballooning_enabled: "true",
      virt_service: "true",
      gluster_service: "false",
    });
  });

  test("an update body holds only the changed fields", () => {
    expect(encode(ClusterType, clusterToApi(cluster, ["description", "memoryOverCommitPercent"]))).toEqual({
      description: "OpenShift nodes",
      memory_policy: { over_commit: { percent: "150" } },
    });
  });

  test("the engine's answer maps back onto the inputs", () => {
    const wire = encode(ClusterType, { id: "c-1", ...clusterToApi(cluster, allClusterFields) });
    const { engine: _e, timeouts: _t, ...inputs } = cluster;
    expect(clusterFromApi(decode(ClusterType, wire))).toEqual(inputs);
  });

  test("empty text the engine leaves out means empty", () => {
    const back = clusterFromApi(decode(ClusterType, { name: "x" }));
    expect(back.description).toBe("");
    expect(back.comment).toBe("");
    expect(back.ksm).toBeUndefined();
  });
});

describe("data center mapping", () => {
  const dc: DataCenterArgs = {
    engine: "target",
    name: "lab_dc",
    description: "the lab",
    comment: "c",
    local: false,
    compatibilityVersion: "4.3",
    quotaMode: "disabled",
  };

  test("the add body, as sent on the wire", () => {
    expect(
      encode(DataCenterType, dataCenterToApi(dc, Object.keys(dc) as Array<keyof DataCenterArgs>)),
    ).toEqual({
      name: "lab_dc",
      description: "the lab",
      comment: "c",
      local: "false",
      version: { major: "4", minor: "3" },
      quota_mode: "disabled",
    });
  });

  test("the engine's answer maps back, with status and supported versions as outputs", () => {
    const live = decode(DataCenterType, {
      id: "5ca0335c",
      name: "lab_dc",
      description: "the lab",
      comment: "c",
      local: "false",
      quota_mode: "disabled",
      status: "uninitialized",
      version: { major: "4", minor: "3" },
      supported_versions: {
        version: [
          { major: "4", minor: "2" },
          { major: "4", minor: "3" },
        ],
      },
    });
    const { engine: _e, ...inputs } = dc;
    expect(dataCenterFromApi(live)).toEqual(inputs);
    expect(dataCenterComputed(live)).toEqual({ status: "uninitialized", supportedVersions: ["4.2", "4.3"] });
  });
});
