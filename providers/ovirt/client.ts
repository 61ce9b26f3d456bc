// One engine's client: the connection and a service per API area. Hosts, storage domains, Gluster,
// networks, VMs and jobs are added here the same way as they are built.
import { ApiService } from "./api";
import { ClustersService } from "./clusters";
import { Connection, type ConnectionSettings } from "./connection";
import { DataCentersService } from "./datacenters";

export class OvirtClient {
  readonly conn: Connection;
  readonly api: ApiService;
  readonly datacenters: DataCentersService;
  readonly clusters: ClustersService;

  constructor(settings: ConnectionSettings) {
    this.conn = new Connection(settings);
    this.api = new ApiService(this.conn);
    this.datacenters = new DataCentersService(this.conn);
    this.clusters = new ClustersService(this.conn);
  }

  get engine(): string {
    return this.conn.engine;
  }

  /** Logs out (best effort) and releases sockets. */
  close(): Promise<void> {
    return this.conn.logout();
  }
}
