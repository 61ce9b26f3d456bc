// POST /clusters/{id}/upgrade (since 4.3.2): `<action><upgrade_action>start|finish</upgrade_action>`
// sets or clears the cluster's "upgrade running" flag (the ANSIBLE cluster_upgrade role brackets host
// upgrades with it). It does not change the compatibility level.
import type { EngineContext } from "../../context";
import { mandatory, invalidValue, notFound } from "../../http/faults";
import { decodeStruct, parseBody } from "../../repr/decode";
import { field, struct, T } from "../../repr/schema";
import type { ApiRequest, Area } from "../context";
import { recordEvent } from "../events/record";
import { ActionFault, performAction } from "../jobs/command";
import { jobText } from "../jobs/record";
import { findByPathId, pathId } from "../respond";
import type { Cluster } from "./model";

const UpgradeAction = struct("Action", [field("upgrade_action", T.string)]);

/** The stored cluster with the engine-internal flag (not a member of the API's Cluster in 4.3/4.4). */
type UpgradableCluster = Cluster & { upgrade_running?: boolean };

function upgrade(engine: EngineContext, req: ApiRequest) {
  const c = findByPathId<UpgradableCluster>(engine.store, "cluster", req.params.id);
  if (req.params.dcId !== undefined && c.data_center?.id !== pathId(req.params.dcId)) throw notFound();
  const raw = parseBody(req.body, req.ctx.bodyFormat, "action");
  const a = (raw === undefined ? {} : decodeStruct(UpgradeAction, raw, req.ctx.render.model44)) as {
    upgrade_action?: string;
  };
  if (!a.upgrade_action) throw new ActionFault(mandatory("action.upgrade_action"));
  const what = a.upgrade_action.toLowerCase();
  if (what !== "start" && what !== "finish") {
    throw new ActionFault(invalidValue(`${a.upgrade_action} is not a member of ClusterUpgradeAction`));
  }
  const start = what === "start";
  return performAction(
    engine,
    req,
    {
      job: {
        description: jobText(start ? "StartClusterUpgrade" : "FinishClusterUpgrade", { Cluster: c.name }),
      },
    },
    () => undefined,
    () => {
      const next: UpgradableCluster = { ...c, upgrade_running: start };
      engine.store.update("cluster", next);
      recordEvent(engine, {
        type: start ? "USER_START_CLUSTER_UPGRADE" : "USER_FINISH_CLUSTER_UPGRADE",
        cluster: { id: c.id, name: c.name },
        correlationId: req.ctx.correlationId,
      });
    },
  );
}

export const clusterUpgradeRoutes: Area = (engine) => [
  { method: "POST", path: "/clusters/:id/upgrade", handle: (req) => upgrade(engine, req) },
  // The same action under the data center's view of its clusters (its link is rendered there too).
  { method: "POST", path: "/datacenters/:dcId/clusters/:id/upgrade", handle: (req) => upgrade(engine, req) },
];
