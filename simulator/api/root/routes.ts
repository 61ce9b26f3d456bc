// The API root, GET/HEAD /ovirt-engine/api (BackendApiResource, ApiRootLinksCreator): links in the
// engine's order with a `<rel>/search` twin for searchable collections, product_info per personality,
// special_objects, summary (admin view only), time, the session's user, and the same links sorted
// in a `Link:` header.
import type { EngineContext } from "../../context";
import { field, struct, T, VersionStruct } from "../../repr/schema";
import { element, links, renderStruct, type Node } from "../../repr/tree";
import { SETUP_IDS } from "../../setup";
import type { Answer, Area, RequestContext } from "../context";

interface RootLink {
  rel: string;
  searchable?: boolean;
  /** Matrix parameters of the search link (events carry `;from={event_id}`). */
  matrix?: string;
  model44?: boolean;
}

const ROOT_LINKS: readonly RootLink[] = [
  { rel: "clusters", searchable: true },
  { rel: "datacenters", searchable: true },
  { rel: "events", searchable: true, matrix: ";from={event_id}" },
  { rel: "hosts", searchable: true },
  { rel: "networks", searchable: true },
  { rel: "roles" },
  { rel: "storagedomains", searchable: true },
  { rel: "tags" },
  { rel: "bookmarks" },
  { rel: "icons" },
  { rel: "templates", searchable: true },
  { rel: "instancetypes", searchable: true },
  { rel: "users", searchable: true },
  { rel: "groups", searchable: true },
  { rel: "domains" },
  { rel: "vmpools", searchable: true },
  { rel: "vms", searchable: true },
  { rel: "disks", searchable: true },
  { rel: "jobs" },
  { rel: "storageconnections" },
  { rel: "vnicprofiles" },
  { rel: "diskprofiles" },
  { rel: "cpuprofiles" },
  { rel: "schedulingpolicyunits" },
  { rel: "schedulingpolicies" },
  { rel: "permissions" },
  { rel: "macpools" },
  { rel: "networkfilters" },
  { rel: "operatingsystems" },
  { rel: "externalhostproviders" },
  { rel: "openstackimageproviders" },
  { rel: "openstackvolumeproviders" },
  { rel: "openstacknetworkproviders" },
  { rel: "katelloerrata" },
  { rel: "affinitylabels" },
  { rel: "clusterlevels" },
  { rel: "imagetransfers" },
  { rel: "externalvmimports" },
  { rel: "externaltemplateimports", model44: true },
];

const SummaryItem = struct("ApiSummaryItem", [field("active", T.int), field("total", T.int)]);

const ApiStruct = struct("Api", [
  field(
    "product_info",
    T.struct(
      struct("ProductInfo", [
        field("instance_id", T.string),
        field("name", T.string),
        field("vendor", T.string),
        field("version", T.struct(VersionStruct)),
      ]),
    ),
  ),
  field(
    "special_objects",
    T.struct(
      struct("SpecialObjects", [
        field("blank_template", T.ref("templates")),
        field("root_tag", T.ref("tags")),
      ]),
    ),
  ),
  field(
    "summary",
    T.struct(
      struct("ApiSummary", [
        field("hosts", T.struct(SummaryItem)),
        field("storage_domains", T.struct(SummaryItem)),
        field("users", T.struct(SummaryItem)),
        field("vms", T.struct(SummaryItem)),
      ]),
    ),
  ),
  field("time", T.date),
  field("authenticated_user", T.ref("users")),
  field("effective_user", T.ref("users")),
]);

function rootLinks(ctx: RequestContext): Array<{ rel: string; href: string }> {
  const base = ctx.render.base;
  return ROOT_LINKS.filter((l) => !l.model44 || ctx.render.model44).flatMap((l) => {
    const plain = { rel: l.rel, href: `${base}/${l.rel}` };
    if (!l.searchable) return [plain];
    return [plain, { rel: `${l.rel}/search`, href: `${base}/${l.rel}${l.matrix ?? ""}?search={query}` }];
  });
}

function count(
  engine: EngineContext,
  kind: "host" | "vm" | "storage_domain",
  active: (s?: string) => boolean,
) {
  const all = engine.store.list<{ id: string; status?: string }>(kind);
  return { total: all.length, active: all.filter((e) => active(e.status)).length };
}

function rootNode(engine: EngineContext, ctx: RequestContext): Node {
  const p = engine.personality;
  const { major, minor, build, revision } = p.productVersion;
  const user = { id: engine.adminUserId };
  const value = {
    product_info: {
      instance_id: p.hasInstanceId ? engine.instanceId : undefined,
      name: "oVirt Engine",
      vendor: "ovirt.org",
      version: { build, full_version: p.fullVersion, major, minor, revision },
    },
    special_objects: { blank_template: { id: SETUP_IDS.blankTemplate }, root_tag: { id: SETUP_IDS.rootTag } },
    // Non-admin ("filtered") sessions get no summary (https://bugzilla.redhat.com/1612124).
    summary: ctx.filter
      ? undefined
      : {
          hosts: count(engine, "host", (s) => s === "up"),
          storage_domains: count(engine, "storage_domain", (s) => s === "active"),
          users: { total: engine.store.count("user"), active: engine.tokens.activeCount() },
          vms: count(engine, "vm", (s) => s !== undefined && s !== "down"),
        },
    time: Date.now(),
    authenticated_user: user,
    effective_user: user,
  };
  const body = renderStruct("api", ApiStruct, value, ctx.render);
  if (body.kind !== "element") throw new Error("api root must render as an element");
  return element("api", [links(rootLinks(ctx)), ...body.children]);
}

function linkHeader(ctx: RequestContext): string {
  return rootLinks(ctx)
    .map((l) => `<${ctx.origin}${l.href}>; rel=${l.rel}`)
    .sort()
    .join(",");
}

function root(engine: EngineContext, ctx: RequestContext): Answer {
  return { status: 200, node: rootNode(engine, ctx), headers: { link: linkHeader(ctx) } };
}

/** GET only: the server answers HEAD from the same route without a body, as the engine does. */
export const rootRoutes: Area = (engine) => [
  { method: "GET", path: "", handle: (req) => root(engine, req.ctx) },
];
