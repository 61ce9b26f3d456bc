// The representation layer on its own: one schema rendered to the engine's XML and JSON, and read
// back from both, with the engine's value faults.
import { decodeEntity, parseBody } from "../../simulator/repr/decode";
import { field, struct, T, type EntityType } from "../../simulator/repr/schema";
import { formatXmlDate, renderCollection, renderEntity } from "../../simulator/repr/tree";
import { toJson } from "../../simulator/repr/json";
import { toXml } from "../../simulator/repr/xml";
import { ApiFault } from "../../simulator/http/faults";

const THING: EntityType = {
  element: "thing",
  plural: "things",
  path: "things",
  struct: struct("Thing", [
    field("enabled", T.boolean),
    field("count", T.int),
    field("size", T.long),
    field("created", T.date),
    field("mode", T.enumOf("ThingMode", ["fast", "slow"])),
    field("tags", T.list("tag", T.string)),
    field("owner", T.ref("users")),
    field("extra", T.string, { model44: true }),
  ]),
  links: ["parts"],
  actions: { model43: ["start"], model44: ["start", "stop"] },
};

const ctx = { base: "/ovirt-engine/api", model44: false };
const value = {
  id: "1",
  name: "a & <b>",
  description: "",
  enabled: true,
  count: 3,
  size: 1073741824,
  created: Date.UTC(2020, 1, 3, 17, 51, 47, 577),
  mode: "fast",
  tags: ["x", "y"],
  owner: { id: "u1" },
  extra: "only in 4.4",
};
const syntax = () => new ApiFault(400, "Request syntactically incorrect.");

describe("representation", () => {
  test("XML: engine layout, escaping, empty strings, attributes in order", () => {
    expect(toXml(renderEntity(THING, value, ctx))).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<thing href="/ovirt-engine/api/things/1" id="1">',
        "    <actions>",
        '        <link href="/ovirt-engine/api/things/1/start" rel="start"/>',
        "    </actions>",
        "    <name>a &amp; &lt;b&gt;</name>",
        "    <description></description>",
        '    <link href="/ovirt-engine/api/things/1/parts" rel="parts"/>',
        "    <enabled>true</enabled>",
        "    <count>3</count>",
        "    <size>1073741824</size>",
        `    <created>${formatXmlDate(value.created)}</created>`,
        "    <mode>fast</mode>",
        "    <tags>",
        "        <tag>x</tag>",
        "        <tag>y</tag>",
        "    </tags>",
        '    <owner href="/ovirt-engine/api/users/u1" id="u1"/>',
        "</thing>",
        "",
      ].join("\n"),
    );
  });

  test("JSON: bare entity, strings for booleans and ints, numbers for longs and dates", () => {
    const json = JSON.parse(toJson(renderEntity(THING, value, { ...ctx, model44: true }))) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      href: "/ovirt-engine/api/things/1",
      id: "1",
      enabled: "true",
      count: "3",
      size: 1073741824,
      created: value.created,
      tags: { tag: ["x", "y"] },
      owner: { href: "/ovirt-engine/api/users/u1", id: "u1" },
      extra: "only in 4.4",
      actions: {
        link: [{ rel: "start" }, { rel: "stop" }].map((l) => expect.objectContaining(l) as unknown),
      },
    });
    expect(JSON.parse(toJson(renderCollection(THING, [value], ctx)))).toHaveProperty("thing");
    expect(JSON.parse(toJson(renderCollection(THING, [], ctx)))).toEqual({});
  });

  test("dates: milliseconds and a zone, parseable back to the same instant", () => {
    const text = formatXmlDate(value.created);
    expect(text).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$/);
    expect(Date.parse(text)).toBe(value.created);
  });

  test("XML and JSON input decode to the same value; absent members stay absent", () => {
    const xml =
      '<thing id="9"><name>n</name><enabled>TRUE</enabled><count>7</count><tags><tag>x</tag></tags><owner id="u"/></thing>';
    const json = JSON.stringify({
      id: "9",
      name: "n",
      enabled: "true",
      count: "7",
      tags: { tag: ["x"] },
      owner: { id: "u" },
    });
    const fromXml = decodeEntity(THING, parseBody(xml, "xml", "thing"), false, syntax);
    const fromJson = decodeEntity(THING, parseBody(json, "json", "thing"), false, syntax);
    expect(fromXml).toEqual({ id: "9", name: "n", enabled: true, count: 7, tags: ["x"], owner: { id: "u" } });
    expect(fromJson).toEqual(fromXml);
  });

  test("value faults are the engine's", () => {
    const decode = (body: string) => () =>
      decodeEntity(THING, parseBody(body, "json", "thing"), false, syntax);
    expect(decode('{"enabled":"yes"}')).toThrow(
      'Invalid value: Value "yes" isn\'t a valid boolean, it should be "true" , "false", "0" or "1"',
    );
    expect(decode('{"mode":"warp"}')).toThrow("Invalid value: warp is not a member of ThingMode");
    expect(decode('{"count":"3000000000"}')).toThrow(
      "Value 3000000000 is greater than maximum integer 2147483647",
    );
    expect(decode('{"count":"many"}')).toThrow("Request syntactically incorrect.");
    expect(() => parseBody("<thing>", "xml", "other")).toThrow();
  });
});
