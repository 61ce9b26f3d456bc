// Logical networks. For now only what data centers and clusters need: every data center gets an
// `ovirtmgmt` management network (AddEmptyStoragePoolCommand.addDefaultNetworks), and a cluster's
// management network is its data center's. The /networks collection comes with the networks area.
import type { Entity } from "../../store/entities";

export const MANAGEMENT_NETWORK_NAME = "ovirtmgmt";

export interface Network extends Entity {
  name: string;
  description: string;
  data_center?: { id: string };
  usages: string[];
  vm_network: boolean;
}

export function managementNetwork(id: string, dataCenterId: string): Network {
  return {
    id,
    name: MANAGEMENT_NETWORK_NAME,
    description: "Management Network",
    data_center: { id: dataCenterId },
    usages: ["management", "vm"],
    vm_network: true,
  };
}
