// The benchmark's Pulumi program (run by bench/run.ts in a scratch project, never by the lab stack).
// `bench:shape`:
// - "scale": a data center, a cluster and `bench:vms` diskless, stopped VMs from the Blank template:
//   the provider's own costs (requests, state, memory) without the engine's async work;
// - "converge": the chain the lab's converge waits on, data center -> cluster -> host install ->
//   NFS storage domain -> `bench:vms` stopped VMs with one disk each on it.
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../providers/cluster/resource";
import { DataCenter } from "../../providers/datacenter/resource";
import { Host } from "../../providers/host/resource";
import { useLeanStackTraces } from "../../providers/core/stack-traces";
import { StorageDomain } from "../../providers/storagedomain/resource";
import { Vm } from "../../providers/vm/resource";

// As the lab program does (index.ts): stack traces are most of a no-op preview's cost otherwise.
useLeanStackTraces();
const config = new pulumi.Config("bench");
const shape = config.require("shape");
const count = config.requireNumber("vms");
const engine = "target";

const dc = new DataCenter("bench_dc", { engine, name: "bench_dc", compatibilityVersion: "4.4" });
const cluster = new Cluster("bench_cluster", {
  engine,
  name: "bench_cluster",
  dataCenterId: dc.id,
  cpuType: "Intel Skylake Server Family",
});

let domainId: pulumi.Output<string> | undefined;
let after: pulumi.Resource[] = [];
if (shape === "converge") {
  const host = new Host("calvin", {
    engine,
    name: "calvin",
    address: "calvin.lab",
    clusterId: cluster.id,
    rootPassword: pulumi.secret("bench-root-pw"),
  });
  const sd = new StorageDomain(
    "bench_data",
    {
      engine,
      name: "bench_data",
      type: "data",
      storage: { type: "nfs", address: "depot.lab", path: "/exports/bench" },
      hostName: "calvin",
      dataCenterId: dc.id,
    },
    { dependsOn: [host] },
  );
  domainId = sd.id;
  after = [sd];
}

for (let i = 0; i < count; i++) {
  const name = `bench-vm-${String(i).padStart(4, "0")}`;
  new Vm(
    name,
    {
      engine,
      name,
      clusterId: cluster.id,
      memoryMiB: 512,
      runState: "stopped",
      ...(domainId
        ? {
            disks: domainId.apply((sd) => [
              { name: `${name}_root`, sizeGiB: 1, storageDomainId: sd, bootable: true },
            ]),
          }
        : {}),
    },
    { dependsOn: after },
  );
}

export const dataCenterId = dc.id;
