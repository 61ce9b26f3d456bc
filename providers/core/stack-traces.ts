// Stack traces in the Pulumi program. Pulumi's runner installs source-map-support, which formats
// every stack trace through the source maps of dist/, and the SDK takes a full-length stack trace
// for every resource it registers (stored in the state as the resource's `stackTrace`) and one for
// most of its promises (runtime/debuggable.js). Together that was about 5 ms of CPU and ~300 bytes
// of state per resource (docs/benchmarks.md). The program's own errors carry their meaning in their
// messages (config paths, engine faults), so a short trace formatted from V8's call sites is enough:
// it still names the resource class, the component and the program line that declared a resource
// (the SDK skips the frames of its own constructors first). OVIRT_LAB_FULL_STACKS=1 keeps full,
// source-mapped traces for debugging.

/** Frames a stack trace keeps: the SDK's own 5, then the resource class, its component and its caller. */
export const LEAN_STACK_FRAMES = 8;

/** V8's own text of a call site, e.g. `new Vm (/lab/dist/providers/vm/resource.js:30:5)`. */
function callSiteText(f: NodeJS.CallSite): string {
  // (V8's CallSite has toString(); @types/node does not declare it.)
  return (f as unknown as { toString(): string }).toString();
}

/** Formats like V8 does (`Name: message` then `    at ...` lines), only the first frames. */
function leanFormat(err: Error, frames: NodeJS.CallSite[]): string {
  let head: string;
  try {
    head = String(err);
  } catch {
    head = "Error";
  }
  return [head, ...frames.slice(0, LEAN_STACK_FRAMES).map((f) => `    at ${callSiteText(f)}`)].join("\n");
}

/** Makes stack traces cheap for the rest of this process, unless OVIRT_LAB_FULL_STACKS is set. */
export function useLeanStackTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OVIRT_LAB_FULL_STACKS) return false;
  (Error as { prepareStackTrace?: unknown }).prepareStackTrace = leanFormat;
  Error.stackTraceLimit = LEAN_STACK_FRAMES;
  return true;
}
