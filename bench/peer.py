"""The peer: the official oVirt Python SDK doing what the "scale" bench program does, the
straightforward way, as a plain sequential script: a data center, a cluster, then N diskless VMs
from the Blank template, each added and waited for (status down) before the next.

Environment: OVIRT_URL, OVIRT_PASSWORD, OVIRT_CA_FILE, BENCH_VMS. Prints one JSON line."""
import json
import os
import time

import ovirtsdk4 as sdk
import ovirtsdk4.types as types

n = int(os.environ["BENCH_VMS"])
start = time.monotonic()
conn = sdk.Connection(
    url=os.environ["OVIRT_URL"],
    username="admin@internal",
    password=os.environ["OVIRT_PASSWORD"],
    ca_file=os.environ["OVIRT_CA_FILE"],
)
system = conn.system_service()
dc = system.data_centers_service().add(
    types.DataCenter(name="peer_dc", local=False, version=types.Version(major=4, minor=4))
)
cluster = system.clusters_service().add(
    types.Cluster(
        name="peer_cluster",
        data_center=types.DataCenter(id=dc.id),
        cpu=types.Cpu(type="Intel Skylake Server Family"),
    )
)
vms = system.vms_service()
for i in range(n):
    vm = vms.add(
        types.Vm(
            name="peer-vm-%04d" % i,
            cluster=types.Cluster(id=cluster.id),
            template=types.Template(name="Blank"),
            memory=512 * 1024 * 1024,
        )
    )
    svc = vms.vm_service(vm.id)
    while svc.get().status != types.VmStatus.DOWN:
        time.sleep(1)
conn.close()
print(json.dumps({"vms": n, "wall_ms": round((time.monotonic() - start) * 1000)}))
