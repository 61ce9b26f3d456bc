// The engine's JSON quirks, decoded and encoded in one place.
import { ClusterType } from "../../providers/ovirt/clusters";
import {
  CodecError,
  decode,
  decodeCollection,
  encode,
  list,
  object,
  Version,
} from "../../providers/ovirt/codec";
import { DataCenterType } from "../../providers/ovirt/datacenters";

// The documented JSON example of GET /clusters (model types/Cluster.java; ../shared/ovirt/samples/clusters.json).
const clustersSample = {
  cluster: [
    {
      ballooning_enabled: "false",
      cpu: { architecture: "x86_64", type: "Intel SandyBridge Family" },
      custom_scheduling_policy_properties: {
        property: [
          { name: "HighUtilization", value: "80" },
          { name: "CpuOverCommitDurationMinutes", value: "2" },
        ],
      },
      error_handling: { on_error: "migrate" },
      fencing_policy: {
        enabled: "true",
        skip_if_connectivity_broken: { enabled: "false", threshold: "50" },
        skip_if_gluster_bricks_up: "false",
        skip_if_gluster_quorum_not_met: "false",
        skip_if_sd_active: { enabled: "false" },
      },
      gluster_service: "false",
      firewall_type: "iptables",
      ha_reservation: "false",
      ksm: { enabled: "true", merge_across_nodes: "true" },
      memory_policy: { over_commit: { percent: "100" }, transparent_hugepages: { enabled: "true" } },
      migration: {
        auto_converge: "inherit",
        bandwidth: { assignment_method: "auto" },
        compressed: "inherit",
        policy: { id: "00000000-0000-0000-0000-000000000000" },
      },
      required_rng_sources: { required_rng_source: ["random"] },
      switch_type: "legacy",
      threads_as_cores: "false",
      trusted_service: "false",
      tunnel_migration: "false",
      version: { major: "4", minor: "1" },
      virt_service: "true",
      data_center: { href: "/ovirt-engine/api/datacenters/123", id: "123" },
      mac_pool: { href: "/ovirt-engine/api/macpools/456", id: "456" },
      scheduling_policy: { href: "/ovirt-engine/api/schedulingpolicies/789", id: "789" },
      actions: {
        link: [{ href: "/ovirt-engine/api/clusters/234/resetemulatedmachine", rel: "resetemulatedmachine" }],
      },
      name: "Default",
      description: "The default server cluster",
      href: "/ovirt-engine/api/clusters/234",
      id: "234",
      link: [{ href: "/ovirt-engine/api/clusters/234/permissions", rel: "permissions" }],
    },
  ],
};

const Sample = object({
  flag: "bool",
  count: "int32",
  size: "int64",
  ratio: "decimal",
  when: "date",
  label: "string",
  version: Version,
  versions: list(Version, "version"),
  tags: list("string"),
  nested: object({ on: "bool", n: "int32" }),
});

describe("decode", () => {
  test("booleans arrive as strings, case-insensitive, 0/1 accepted", () => {
    for (const [raw, want] of [
      ["true", true],
      ["false", false],
      ["TRUE", true],
      ["False", false],
      ["1", true],
      ["0", false],
      [true, true],
    ] as const) {
      expect(decode(Sample, { flag: raw }).flag).toBe(want);
    }
  });

  test("32-bit integers arrive as strings, 64-bit integers and decimals as numbers", () => {
    const d = decode(Sample, { count: "150", size: 274877906944, ratio: 2.5 });
    expect(d).toEqual({ count: 150, size: 274877906944, ratio: 2.5 });
    expect(decode(Sample, { count: "-1" }).count).toBe(-1);
  });

  test("dates arrive as epoch milliseconds", () => {
    const d = decode(Sample, { when: 1490266328973 });
    expect(d.when).toEqual(new Date(1490266328973));
  });

  test("wrapped arrays and nested objects are decoded by their declarations", () => {
    const d = decode(Sample, {
      version: { major: "4", minor: "4" },
      versions: {
        version: [
          { major: "4", minor: "3" },
          { major: "4", minor: "4" },
        ],
      },
      tags: ["a", "b"],
      nested: { on: "true", n: "7" },
    });
    expect(d.version).toEqual({ major: 4, minor: 4 });
    expect(d.versions).toEqual([
      { major: 4, minor: 3 },
      { major: 4, minor: 4 },
    ]);
    expect(d.tags).toEqual(["a", "b"]);
    expect(d.nested).toEqual({ on: true, n: 7 });
  });

  test("an empty wrapped array may come as {} ", () => {
    expect(decode(Sample, { versions: {} }).versions).toEqual([]);
  });

  test("undeclared fields pass through untouched; nulls are dropped", () => {
    const d = decode(Sample, { label: "x", extra: { deep: "true" }, nothing: null }) as Record<
      string,
      unknown
    >;
    expect(d).toEqual({ label: "x", extra: { deep: "true" } });
  });

  test("malformed values fail with the path of the field", () => {
    expect(() => decode(Sample, { nested: { n: "seven" } })).toThrow(CodecError);
    expect(() => decode(Sample, { nested: { n: "seven" } })).toThrow(
      /nested\.n: expected an int32, got "seven"/,
    );
    expect(() => decode(Sample, { flag: "maybe" })).toThrow(/flag: expected a boolean, got "maybe"/);
    expect(() => decode(Sample, { count: "2147483648" })).toThrow(/count/);
    expect(() => decode(Sample, { count: "1.5" })).toThrow(/count/);
    expect(() => decode(Sample, { versions: [{ major: "4" }] })).toThrow(
      /versions: expected \{"version": \[...\]\}/,
    );
    expect(() => decode(Sample, "not an object")).toThrow(/expected an object/);
  });
});

describe("collections", () => {
  test("are keyed by the singular element name", () => {
    const clusters = decodeCollection(ClusterType, "cluster", clustersSample);
    expect(clusters).toHaveLength(1);
    expect(clusters[0].name).toBe("Default");
  });

  test("empty: {} or a missing key or no body at all", () => {
    expect(decodeCollection(DataCenterType, "data_center", {})).toEqual([]);
    expect(decodeCollection(DataCenterType, "data_center", { link: [] })).toEqual([]);
    expect(decodeCollection(DataCenterType, "data_center", undefined)).toEqual([]);
    expect(decodeCollection(DataCenterType, "data_center", "")).toEqual([]);
  });

  test("a body that is no collection fails", () => {
    expect(() => decodeCollection(DataCenterType, "data_center", { data_center: {} })).toThrow(CodecError);
    expect(() => decodeCollection(DataCenterType, "data_center", [1])).toThrow(CodecError);
  });
});

describe("the documented cluster sample", () => {
  const [c] = decodeCollection(ClusterType, "cluster", clustersSample);

  test("decodes into typed values", () => {
    expect(c.ballooning_enabled).toBe(false);
    expect(c.virt_service).toBe(true);
    expect(c.ksm).toEqual({ enabled: true, merge_across_nodes: true });
    expect(c.memory_policy?.over_commit?.percent).toBe(100);
    expect(c.version).toEqual({ major: 4, minor: 1 });
    expect(c.fencing_policy?.skip_if_connectivity_broken).toEqual({ enabled: false, threshold: 50 });
    expect(c.required_rng_sources).toEqual(["random"]);
    expect(c.data_center?.id).toBe("123");
  });

  test("encodes back to exactly what the engine sent (round trip)", () => {
    expect(encode(ClusterType, c)).toEqual(clustersSample.cluster[0]);
  });
});

describe("encode", () => {
  test("booleans and 32-bit integers become strings; 64-bit, decimals and dates numbers", () => {
    const body = encode(Sample, {
      flag: false,
      count: 150,
      size: 274877906944,
      ratio: 0.5,
      when: new Date(1000),
      nested: { on: true, n: 0 },
      versions: [{ major: 4, minor: 4 }],
      tags: ["x"],
    });
    expect(body).toEqual({
      flag: "false",
      count: "150",
      size: 274877906944,
      ratio: 0.5,
      when: 1000,
      nested: { on: "true", n: "0" },
      versions: { version: [{ major: "4", minor: "4" }] },
      tags: ["x"],
    });
  });

  test("undefined fields are left out", () => {
    expect(encode(Sample, { label: "a", flag: undefined })).toEqual({ label: "a" });
  });

  test("values of the wrong kind are refused with their path", () => {
    expect(() => encode(Sample, { nested: { n: 1.5 } })).toThrow(/nested\.n: cannot encode 1\.5 as int32/);
    expect(() => encode(Sample, { count: 2 ** 31 })).toThrow(/count/);
    expect(() => encode(Sample, { flag: "true" as unknown as boolean })).toThrow(/flag/);
  });

  test("decode(encode(x)) is x", () => {
    const x = {
      flag: true,
      count: -5,
      size: 9007199254740991,
      when: new Date(1490266328973),
      version: { major: 4, minor: 4, full_version: "4.4.10" },
      versions: [{ major: 4, minor: 2 }],
      nested: { on: false, n: 2147483647 },
    };
    expect(decode(Sample, encode(Sample, x))).toEqual(x);
  });
});
