// Events (audit log; model types/Event.java): the stored shape, the wire type and the search keywords.
import { field, struct, T, type EntityType } from "../../repr/schema";
import type { Entity } from "../../store/entities";
import type { SearchFields } from "../common/search";

export const SEVERITIES = ["normal", "warning", "error", "alert"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface EngineEvent extends Entity {
  /** audit_log_id: increasing; the id is its decimal text. */
  index: number;
  code: number;
  severity: Severity;
  time: number;
  description: string;
  correlation_id?: string;
  origin: string;
  custom_id: number;
  flood_rate: number;
  log_on_host?: boolean;
  user?: { id: string };
  host?: { id: string };
  cluster?: { id: string };
  data_center?: { id: string };
  storage_domain?: { id: string };
  vm?: { id: string };
  template?: { id: string };
  /** Names at the time of the event, for the event_* search keywords. */
  names: {
    host?: string;
    cluster?: string;
    data_center?: string;
    storage?: string;
    vm?: string;
    template?: string;
    user?: string;
  };
}

export const EVENT: EntityType = {
  element: "event",
  plural: "events",
  path: "events",
  struct: struct("Event", [
    field("code", T.int),
    field("correlation_id", T.string),
    field("custom_id", T.int),
    field("flood_rate", T.int),
    field("index", T.int),
    field("log_on_host", T.boolean, { model44: true }),
    field("origin", T.string),
    field("severity", T.enumOf("LogSeverity", SEVERITIES)),
    field("time", T.date),
    field("cluster", T.ref("clusters")),
    field("data_center", T.ref("datacenters")),
    field("host", T.ref("hosts")),
    field("storage_domain", T.ref("storagedomains")),
    field("template", T.ref("templates")),
    field("user", T.ref("users")),
    field("vm", T.ref("vms")),
  ]),
  links: [],
  actions: { model43: [], model44: [] },
};

export const severityRank = (s: string): number => SEVERITIES.indexOf(s as Severity);

/** AuditLogConditionFieldAutoCompleter keywords (severity compares by rank: normal < … < alert). */
export const EVENT_SEARCH: SearchFields<EngineEvent> = {
  time: (e) => e.time,
  type: (e) => e.code,
  severity: (e) => severityRank(e.severity),
  message: (e) => e.description,
  correlation_id: (e) => e.correlation_id,
  origin: (e) => e.origin,
  custom_event_id: (e) => e.custom_id,
  usrname: (e) => e.names.user,
  event_host: (e) => e.names.host,
  event_vm: (e) => e.names.vm,
  event_template: (e) => e.names.template,
  event_storage: (e) => e.names.storage,
  event_datacenter: (e) => e.names.data_center,
  event_cluster: (e) => e.names.cluster,
};
