// The GlusterVolume model's pure parts: the gluster CLI's XML (as Gluster 10.3 prints it) and the
// `group` option's mapping (no servers needed).
import {
  optionsFromLive,
  optionsToSet,
  parseGroupFile,
  parseVolumeGet,
  parseVolumeInfo,
} from "../../providers/glustervolume/model";

const INFO = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput>
  <opRet>0</opRet>
  <opErrno>0</opErrno>
  <opErrstr/>
  <volInfo>
    <volumes>
      <volume>
        <name>rhv4vol</name>
        <id>1ffff9e0-35dc-4b48-a86f-d36786acb576</id>
        <status>1</status>
        <statusStr>Started</statusStr>
        <brickCount>3</brickCount>
        <replicaCount>3</replicaCount>
        <typeStr>Replicate</typeStr>
        <bricks>
          <brick uuid="712f9e90">198.18.0.11:/srv/gluster/rhv4vol<name>198.18.0.11:/srv/gluster/rhv4vol</name><hostUuid>712f9e90</hostUuid><isArbiter>0</isArbiter></brick>
          <brick uuid="05bf05db">198.18.0.12:/srv/gluster/rhv4vol<name>198.18.0.12:/srv/gluster/rhv4vol</name><hostUuid>05bf05db</hostUuid><isArbiter>0</isArbiter></brick>
          <brick uuid="a86ae380">198.18.0.13:/srv/gluster/rhv4vol<name>198.18.0.13:/srv/gluster/rhv4vol</name><hostUuid>a86ae380</hostUuid><isArbiter>0</isArbiter></brick>
        </bricks>
        <optCount>2</optCount>
        <options>
          <option><name>performance.quick-read</name><value>off</value></option>
          <option><name>performance.low-prio-threads</name><value>32</value></option>
        </options>
      </volume>
      <count>1</count>
    </volumes>
  </volInfo>
</cliOutput>`;

const MISSING = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput><opRet>-1</opRet><opErrno>30806</opErrno><opErrstr>Volume does not exist</opErrstr>
<volInfo><volumes><count>0</count></volumes></volInfo></cliOutput>`;

test("volume info: name, id, status, replica, bricks and options; a missing volume is undefined", () => {
  expect(parseVolumeInfo(INFO, "rhv4vol")).toEqual({
    name: "rhv4vol",
    id: "1ffff9e0-35dc-4b48-a86f-d36786acb576",
    status: "Started",
    type: "Replicate",
    replica: 3,
    bricks: ["11", "12", "13"].map((n) => ({ server: `198.18.0.${n}`, path: "/srv/gluster/rhv4vol" })),
    options: { "performance.quick-read": "off", "performance.low-prio-threads": "32" },
  });
  expect(parseVolumeInfo(MISSING, "rhv4vol")).toBeUndefined();
  expect(() =>
    parseVolumeInfo("Connection failed. Please check if gluster daemon is operational.", "x"),
  ).toThrow("has no <cliOutput>");
  const denied = MISSING.replace("30806", "30800").replace(
    "Volume does not exist",
    "Another transaction is in progress",
  );
  expect(() => parseVolumeInfo(denied, "rhv4vol")).toThrow(
    "gluster volume info rhv4vol: Another transaction is in progress",
  );
});

test("volume get: the effective value, without Gluster's ' (DEFAULT)' mark", () => {
  const xml = `<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><volGetopts><count>1</count>
    <Opt><Option>performance.quick-read</Option><Value>on (DEFAULT)</Value></Opt></volGetopts></cliOutput>`;
  expect(parseVolumeGet(xml, "v", "performance.quick-read")).toBe("on");
  expect(parseVolumeGet(xml, "v", "other")).toBeUndefined();
});

const VIRT = parseGroupFile("# virt\nperformance.quick-read=off\n\nperformance.low-prio-threads=32\n");

test("group virt is satisfied while its options hold; a drifted one shows under its own name", () => {
  expect(VIRT).toEqual({ "performance.quick-read": "off", "performance.low-prio-threads": "32" });
  const groups = { virt: VIRT };
  const live = {
    "performance.quick-read": "off",
    "performance.low-prio-threads": "32",
    "storage.owner-uid": "36",
  };
  const none = () => undefined;
  expect(optionsFromLive({ group: "virt", "storage.owner-uid": "36" }, live, groups, none)).toEqual({
    group: "virt",
    "storage.owner-uid": "36",
  });
  expect(
    optionsFromLive({ group: "virt" }, { ...live, "performance.quick-read": "on" }, groups, none),
  ).toEqual({
    "performance.quick-read": "on",
  });
  // Reset by hand: the effective (default) value is reported.
  const reset = { "performance.low-prio-threads": "32" };
  expect(
    optionsFromLive({ group: "virt" }, reset, groups, (k) =>
      k === "performance.quick-read" ? "on" : undefined,
    ),
  ).toEqual({
    "performance.quick-read": "on",
  });
});

test("what to set: the group only when it does not hold, then single options that differ after it", () => {
  const groups = { virt: VIRT };
  const holding = { "performance.quick-read": "off", "performance.low-prio-threads": "32" };
  expect(optionsToSet({ group: "virt" }, holding, groups)).toEqual([]);
  expect(optionsToSet({ group: "virt" }, { ...holding, "performance.quick-read": "on" }, groups)).toEqual([
    ["group", "virt"],
  ]);
  // A single option overriding one of the group's is set after the group, and then the group holds.
  const overridden = { group: "virt", "performance.low-prio-threads": "64" };
  const after = { "performance.quick-read": "off", "performance.low-prio-threads": "64" };
  expect(optionsToSet(overridden, after, groups)).toEqual([]);
  expect(optionsFromLive(overridden, after, groups, () => undefined)).toEqual(overridden);
  expect(optionsToSet({ group: "virt", "performance.low-prio-threads": "64" }, {}, groups)).toEqual([
    ["group", "virt"],
    ["performance.low-prio-threads", "64"],
  ]);
});
