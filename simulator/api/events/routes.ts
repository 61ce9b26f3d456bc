// /events and /events/{id}: newest first, `from` (only events after that index), `max`, `search`
// (type=, severity>=warning, correlation_id=, event_host=…), and DELETE.
import type { EngineContext } from "../../context";
import type { ApiRequest, Area } from "../context";
import { listWithSearch } from "../common/search";
import { collectionAnswer, entityAnswer, performedAnswer } from "../respond";
import { notFound } from "../../http/faults";
import { EVENT, EVENT_SEARCH, SEVERITIES, type EngineEvent } from "./model";
import type { Value } from "../../repr/tree";

/** `severity>=warning` compares ranks: the words become their rank before the search runs. */
function rankSeverities(search: string | undefined): string | undefined {
  if (search === undefined) return undefined;
  return search.replace(
    /(\bseverity\s*(?:!=|<=|>=|=|<|>)\s*)"?(normal|warning|error|alert)"?/gi,
    (_m, head: string, word: string) => `${head}${SEVERITIES.indexOf(word.toLowerCase() as never)}`,
  );
}

function present(ev: EngineEvent): Value {
  const { names: _names, ...rest } = ev;
  return rest;
}

function list(engine: EngineContext, req: ApiRequest) {
  const q = req.ctx.query;
  const from = q.from !== undefined && /^\d+$/.test(q.from) ? Number(q.from) : undefined;
  const all = engine.store.list<EngineEvent>("event", (ev) => from === undefined || ev.index > from);
  const found = listWithSearch(
    all,
    { search: rankSeverities(q.search), case_sensitive: q.case_sensitive },
    EVENT_SEARCH,
    (ev) => String(ev.index),
  );
  // Newest first (audit_log_id DESC); `max` counts from the newest.
  found.sort((a, b) => b.index - a.index);
  const max = q.max !== undefined && /^\d+$/.test(q.max) ? Number(q.max) : undefined;
  return collectionAnswer(EVENT, (max === undefined ? found : found.slice(0, max)).map(present), req.ctx);
}

function getEvent(engine: EngineContext, raw: string): EngineEvent {
  if (!/^\d+$/.test(raw)) throw notFound();
  const ev = engine.store.get<EngineEvent>("event", String(Number(raw)));
  if (!ev) throw notFound();
  return ev;
}

export const eventRoutes: Area = (engine) => [
  { method: "GET", path: "/events", handle: (req) => list(engine, req) },
  {
    method: "GET",
    path: "/events/:id",
    handle: (req) => entityAnswer(EVENT, present(getEvent(engine, req.params.id)), req.ctx),
  },
  {
    method: "DELETE",
    path: "/events/:id",
    handle: (req) => {
      const ev = getEvent(engine, req.params.id);
      engine.store.remove("event", ev.id);
      return performedAnswer(req.ctx);
    },
  },
];
