// One engine's client: the connection and a service per API area. Hosts, storage domains, Gluster,
// networks, VMs and jobs are added here the same way as they are built.
import { ApiService } from "./api";
import { ClustersService } from "./clusters";
import { Connection, type ConnectionSettings } from "./connection";
import { DataCentersService } from "./datacenters";
import { DisksService } from "./disks";
import { GlusterVolumesService } from "./glustervolumes";
import { EventsService } from "./events";
import { HostsService } from "./hosts";
import { ImageTransfersService } from "./imagetransfers";
import { JobsService } from "./jobs";
import { NetworksService } from "./networks";
import { StorageDomainsService } from "./storagedomains";
import { TemplatesService } from "./templates";
import { VmsService } from "./vms";
import { VnicProfilesService } from "./vnicprofiles";

export class OvirtClient {
  readonly conn: Connection;
  readonly api: ApiService;
  readonly datacenters: DataCentersService;
  readonly clusters: ClustersService;
  readonly networks: NetworksService;
  readonly vnicprofiles: VnicProfilesService;
  readonly storagedomains: StorageDomainsService;
  readonly glustervolumes: GlusterVolumesService;
  readonly vms: VmsService;
  readonly disks: DisksService;
  readonly imagetransfers: ImageTransfersService;
  readonly templates: TemplatesService;
  readonly hosts: HostsService;
  readonly jobs: JobsService;
  readonly events: EventsService;

  constructor(settings: ConnectionSettings) {
    this.conn = new Connection(settings);
    this.api = new ApiService(this.conn);
    this.datacenters = new DataCentersService(this.conn);
    this.clusters = new ClustersService(this.conn);
    this.networks = new NetworksService(this.conn);
    this.vnicprofiles = new VnicProfilesService(this.conn);
    this.storagedomains = new StorageDomainsService(this.conn);
    this.glustervolumes = new GlusterVolumesService(this.conn);
    this.vms = new VmsService(this.conn);
    this.disks = new DisksService(this.conn);
    this.imagetransfers = new ImageTransfersService(this.conn);
    this.templates = new TemplatesService(this.conn);
    this.hosts = new HostsService(this.conn);
    this.jobs = new JobsService(this.conn);
    this.events = new EventsService(this.conn);
  }

  get engine(): string {
    return this.conn.engine;
  }

  /** Logs out (best effort) and releases sockets. */
  close(): Promise<void> {
    return this.conn.logout();
  }
}
