// Property-based tests of the JSON codec (fast-check): any declaration's values survive an
// encode/decode round trip; whatever JSON an engine (or a hostile peer) sends, decoding either works
// or throws a CodecError naming a path, never a TypeError; prototype keys stay inert.
import fc from "fast-check";
import { ClusterType } from "../../providers/ovirt/clusters";
import {
  CodecError,
  decode,
  decodeCollection,
  encode,
  list,
  object,
  type Field,
  type ObjectType,
  type Scalar,
} from "../../providers/ovirt/codec";
import { DataCenterType } from "../../providers/ovirt/datacenters";
import { HostType } from "../../providers/ovirt/hosts";
import { NetworkType } from "../../providers/ovirt/networks";
import { StorageDomainType } from "../../providers/ovirt/storagedomains";
import { VmType } from "../../providers/ovirt/vms";

const RUNS = 300;
const scalars: Scalar[] = ["string", "bool", "int32", "int64", "decimal", "date"];
const key = fc.stringMatching(/^[a-z][a-z_]{0,11}$/);

/** Declarations: scalars, objects and lists (wrapped or not), a few levels deep. */
const { field: declaration } = fc.letrec<{ field: Field; obj: ObjectType }>((tie) => ({
  field: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(...scalars),
    tie("obj"),
    fc
      .record({
        kind: fc.constant("list" as const),
        item: tie("field"),
        wrapper: fc.option(key, { nil: undefined }),
      })
      .map((l) => list(l.item, l.wrapper)),
  ),
  obj: fc.dictionary(key, tie("field"), { maxKeys: 5 }).map((fields) => object(fields)),
}));

/** A decoded value of declaration `f` (what a provider would hand to encode). */
function valueOf(f: Field): fc.Arbitrary<unknown> {
  if (typeof f === "string") {
    switch (f) {
      case "string":
        return fc.string();
      case "bool":
        return fc.boolean();
      case "int32":
        return fc.integer({ min: -2147483648, max: 2147483647 });
      case "int64":
        return fc.maxSafeInteger();
      case "decimal":
        return fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d));
      case "date":
        return fc.date({ noInvalidDate: true });
    }
  }
  if (f.kind === "list") return fc.array(valueOf(f.item), { maxLength: 3 });
  const entries = Object.entries(f.fields).map(
    ([k, v]) => [k, fc.option(valueOf(v), { nil: undefined })] as const,
  );
  return fc
    .record(Object.fromEntries(entries))
    .map((o) =>
      Object.fromEntries(Object.entries(o as Record<string, unknown>).filter(([, v]) => v !== undefined)),
    );
}

test("encode then decode gives back the value, for any declaration", () => {
  fc.assert(
    fc.property(
      declaration
        .filter((f): f is ObjectType => typeof f !== "string" && f.kind === "object")
        .chain((t) => fc.tuple(fc.constant(t), valueOf(t))),
      ([type, value]) => {
        const wire = JSON.parse(JSON.stringify(encode(type, value as never))) as unknown;
        expect(decode(type, wire)).toEqual(value);
      },
    ),
    { numRuns: RUNS },
  );
});

const realTypes = { ClusterType, DataCenterType, HostType, NetworkType, StorageDomainType, VmType };

test("any JSON against the real API types: decoded, or a CodecError naming a path", () => {
  fc.assert(
    fc.property(fc.constantFrom(...Object.entries(realTypes)), fc.jsonValue(), ([, type], raw) => {
      try {
        decode(type, raw, "x");
      } catch (err) {
        expect(err).toBeInstanceOf(CodecError);
        expect((err as CodecError).path.startsWith("x")).toBe(true);
      }
      try {
        decodeCollection(type, "x", raw);
      } catch (err) {
        expect(err).toBeInstanceOf(CodecError);
      }
    }),
    { numRuns: RUNS * 3 },
  );
});

test("mutated engine answers: one field swapped for junk decodes or fails with that field's path", () => {
  const host = {
    name: "h1",
    address: "10.0.0.1",
    status: "up",
    cluster: { id: "c1" },
    memory: 1024,
    port: "54321",
  };
  fc.assert(
    fc.property(fc.constantFrom(...Object.keys(host)), fc.jsonValue(), (k, junk) => {
      const raw = { ...host, [k]: junk };
      try {
        decode(HostType, raw);
      } catch (err) {
        expect(err).toBeInstanceOf(CodecError);
        expect((err as CodecError).path.split(/[.[]/)[0]).toBe(k);
      }
    }),
    { numRuns: RUNS },
  );
});

test("keys named like Object.prototype members are plain data, in and out", () => {
  const hostile = fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf");
  fc.assert(
    fc.property(hostile, fc.jsonValue(), (k, v) => {
      const raw = JSON.parse(`{"name": "dc", ${JSON.stringify(k)}: ${JSON.stringify(v)}}`) as unknown;
      const out = decode(DataCenterType, raw) as Record<string, unknown>;
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect(out.name).toBe("dc");
      const sent = encode(DataCenterType, out as never);
      expect(Object.getPrototypeOf(sent)).toBe(Object.prototype);
    }),
    { numRuns: 100 },
  );
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});
