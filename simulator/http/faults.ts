// The errors the engine answers with. Thrown anywhere below a route; the server's error handler
// turns them into the engine's exact responses (API-NOTES 5.1).
import { element, leaf, type Node } from "../repr/tree";

/** A `<fault><reason/><detail/></fault>` answer. */
export class ApiFault extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(detail ? `${reason}: ${detail}` : reason);
  }

  toNode(): Node {
    const children = [leaf("reason", this.reason)];
    if (this.detail !== undefined) children.push(leaf("detail", this.detail));
    return element("fault", children);
  }
}

/** An answer with a status and no body at all: 404 for unknown ids, 400 for an unsupported Version. */
export class EmptyAnswer extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export const notFound = (): EmptyAnswer => new EmptyAnswer(404);

/** Missing mandatory input, as the generated JAX-RS helpers report it. */
export function mandatory(path: string): ApiFault {
  return new ApiFault(
    400,
    "Input validation failed.",
    `Parameter '${path}' is mandatory but was not provided.`,
  );
}

export function mandatoryEither(first: string, second: string): ApiFault {
  return new ApiFault(
    400,
    "Input validation failed.",
    `Parameters '${first}' or '${second}' are mandatory but both were not provided.`,
  );
}

export function invalidValue(detail: string): ApiFault {
  return new ApiFault(400, "Invalid value", detail);
}

/** A body the engine cannot read at all (UsageFinder's answer). `usage` is e.g. `clusters/methods/add`. */
export function syntaxFault(origin: string, usage: string): ApiFault {
  return new ApiFault(
    400,
    "Request syntactically incorrect.",
    `For correct usage, see: ${origin}/ovirt-engine/apidoc#services/${usage}`,
  );
}

/** A name or id in a request body that resolves to nothing (EntityNotFoundException). */
export function entityNotFound(what: string): ApiFault {
  return new ApiFault(404, "Operation Failed", `Entity not found: ${what}`);
}

/** An id in a request body that is not a UUID (MalformedIdExceptionMapper). */
export function malformedId(id: string): ApiFault {
  return new ApiFault(400, "Operation failed", `Invalid UUID string: ${id}`);
}
