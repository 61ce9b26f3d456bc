// Events (audit log): /events (model types/Event.java), newest first. Used to explain a failure with
// the engine's own text (a host's install_failed, non_operational…).
import { decodeCollection, entityFields, object, Ref, type Decoded } from "./codec";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";

export const EventType = object({
  ...entityFields,
  code: "int32",
  index: "int32",
  severity: "string",
  time: "date",
  correlation_id: "string",
  origin: "string",
  host: Ref,
  cluster: Ref,
  data_center: Ref,
});

export type ApiEvent = Decoded<typeof EventType>;

export class EventsService {
  constructor(private readonly conn: Connection) {}

  /** GET /events with an engine search (e.g. `severity>=error and correlation_id=x`), newest first. */
  async search(
    ctx: OperationContext,
    search: string,
    opts: { max?: number; from?: number } = {},
  ): Promise<ApiEvent[]> {
    const res = await this.conn.request(ctx, "GET", "/events", {
      query: { search, max: opts.max, from: opts.from },
    });
    return decodeCollection(EventType, "event", res.data);
  }
}
