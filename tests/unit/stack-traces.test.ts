// The program's lean stack traces (providers/core/stack-traces.ts): V8's own formatting instead of
// source-map-support's, and short traces; OVIRT_LAB_FULL_STACKS keeps everything as it was.
import { LEAN_STACK_FRAMES, useLeanStackTraces } from "../../providers/core/stack-traces";

type Formatter = ((err: Error, frames: NodeJS.CallSite[]) => unknown) | undefined;
const E = Error as unknown as { prepareStackTrace: Formatter; stackTraceLimit: number };
const saved = { prepare: E.prepareStackTrace, limit: Error.stackTraceLimit };
afterEach(() => {
  E.prepareStackTrace = saved.prepare;
  Error.stackTraceLimit = saved.limit;
});

function deep(n: number): string {
  return n === 0 ? (new Error("x").stack ?? "") : deep(n - 1);
}

test("a formatter someone installed is replaced and traces keep only a few frames, as V8 writes them", () => {
  let calls = 0;
  E.prepareStackTrace = () => {
    calls++;
    return "mapped";
  };
  Error.stackTraceLimit = 50;
  expect(useLeanStackTraces({})).toBe(true);
  const stack = deep(20);
  expect(calls).toBe(0);
  const lines = stack.split("\n");
  expect(lines[0]).toBe("Error: x");
  expect(lines.slice(1)).toHaveLength(LEAN_STACK_FRAMES);
  // The line format Pulumi's SDK parses for source positions: "    at fn (file:line:column)".
  expect(lines[1]).toMatch(/^ {4}at deep \(.*stack-traces\.test\.ts:\d+:\d+\)$/);
});

test("even with an unlimited stackTraceLimit (what the SDK sets to find a resource's caller), a trace stays short", () => {
  useLeanStackTraces({});
  Error.stackTraceLimit = Number.POSITIVE_INFINITY;
  expect(deep(30).split("\n")).toHaveLength(1 + LEAN_STACK_FRAMES);
});

test("OVIRT_LAB_FULL_STACKS=1 leaves the formatter and the limit alone", () => {
  const mapped = () => "mapped";
  E.prepareStackTrace = mapped;
  Error.stackTraceLimit = 50;
  expect(useLeanStackTraces({ OVIRT_LAB_FULL_STACKS: "1" })).toBe(false);
  expect(E.prepareStackTrace).toBe(mapped);
  expect(Error.stackTraceLimit).toBe(50);
  expect(deep(3)).toBe("mapped");
});
