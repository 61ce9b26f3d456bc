// The data center provider's implementation, loaded at run time through the runtime (never serialized).
import { makeProvider, type ResourceKind } from "../core/base";
import { dataCenterId, type ApiDataCenter, type DataCenterId } from "../ovirt/datacenters";
import {
  DataCenterArgsSchema,
  dataCenterComputed,
  dataCenterFromApi,
  dataCenterPolicies,
  dataCenterToApi,
  type DataCenterArgs,
} from "./model";

export const dataCenterKind: ResourceKind<DataCenterArgs, ApiDataCenter, DataCenterId> = {
  kind: "datacenter",
  label: "data center",
  schema: DataCenterArgsSchema,
  policies: dataCenterPolicies,
  defaultTimeouts: { create: 300, update: 300, delete: 300 },
  service: (client) => client.datacenters,
  id: dataCenterId,
  toApi: dataCenterToApi,
  fromApi: dataCenterFromApi,
  computed: dataCenterComputed,
};

export const dataCenterProvider = makeProvider(dataCenterKind);
