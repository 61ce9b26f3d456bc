// One logical operation (a provider's create, a refresh of one object...): every request it makes
// carries the same Correlation-Id, so the engine's jobs and events can be traced back to it, and
// shares one deadline, so retries and waits stop when the user's timeout is spent.
import { randomBytes } from "crypto";

export interface OperationContext {
  readonly correlationId: string;
  /** Epoch ms. */
  readonly deadline: number;
}

/**
 * The engine keeps letters, digits, '-' and '_' of a correlation id and cuts it at 36 characters;
 * searchable job correlation ids are safest under 30, so ids are `<label>-<8 hex>` within 30.
 */
export function correlationId(label = "ovl"): string {
  const clean = label.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 21) || "ovl";
  return `${clean}-${randomBytes(4).toString("hex")}`;
}

export function newOperation(label: string, timeoutMs: number, now = Date.now()): OperationContext {
  return { correlationId: correlationId(label), deadline: now + timeoutMs };
}
