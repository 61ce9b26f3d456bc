// Storage domains: /storagedomains and the attached view /datacenters/{id}/storagedomains (model
// types/StorageDomain.java, API-NOTES 3.5). The top level shows `status` only for unattached domains;
// the per-data-center status (locked, maintenance, active...) is read from the attached view.
import { decodeCollection, entityFields, list, object, Ref, type Decoded } from "./codec";
import { CollectionService, type ListOptions } from "./collection";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import type { DataCenterId } from "./datacenters";
import { isFault } from "./errors";
import { brand, type Brand } from "./ids";
import { VmType, type ApiVm } from "./vms";

export type StorageDomainId = Brand<string, "StorageDomainId">;
export const storageDomainId = (id: string): StorageDomainId =>
  brand<"StorageDomainId">(id, "storage domain");

export const HostStorageType = object({
  /** nfs, glusterfs, posixfs, iscsi, fcp, localfs... */
  type: "string",
  address: "string",
  path: "string",
  mount_options: "string",
  vfs_type: "string",
  /** auto, v3, v4, v4_0, v4_1, v4_2 */
  nfs_version: "string",
});

export const StorageDomainType = object({
  ...entityFields,
  /** data, iso, export... */
  type: "string",
  /** Top level: `unattached` or absent; attached view: active, maintenance, locked... */
  status: "string",
  master: "bool",
  storage: HostStorageType,
  storage_format: "string",
  available: "int64",
  used: "int64",
  committed: "int64",
  backup: "bool",
  wipe_after_delete: "bool",
  discard_after_delete: "bool",
  warning_low_space_indicator: "int32",
  critical_space_action_blocker: "int32",
  external_status: "string",
  /** Input: the host that does the work. */
  host: Ref,
  data_center: Ref,
  data_centers: list(Ref, "data_center"),
});

export type ApiStorageDomain = Decoded<typeof StorageDomainType>;

export interface RemoveOptions {
  /** Host name or id that does the removal (must be up). */
  host: string;
  /** Deletes the domain's data on storage. Never set by default. */
  format?: boolean;
}

export class StorageDomainsService extends CollectionService<typeof StorageDomainType, StorageDomainId> {
  constructor(conn: Connection) {
    super(conn, {
      path: "storagedomains",
      singular: "storage_domain",
      type: StorageDomainType,
      label: "storage domain",
    });
  }

  private attachedPath(dc: DataCenterId, sd?: StorageDomainId): string {
    const base = `/datacenters/${encodeURIComponent(dc)}/storagedomains`;
    return sd === undefined ? base : `${base}/${encodeURIComponent(sd)}`;
  }

  /** The domains whose storage is `address` + `path` (a path holds at most one domain of ours). */
  async findByStorage(ctx: OperationContext, type: string, address: string | undefined, path: string) {
    const all = await this.list(ctx);
    return all.find(
      (d) =>
        d.storage?.type === type && (d.storage.address ?? "") === (address ?? "") && d.storage.path === path,
    );
  }

  /**
   * Whether the add made under `ctx` imported a domain that was already on storage: the engine runs
   * AddExistingFileStorageDomain then, whose job ("Adding File Storage Domain …") carries the
   * operation's correlation id.
   */
  async addWasImport(ctx: OperationContext): Promise<boolean> {
    const res = await this.conn.request(ctx, "GET", "/jobs", {
      query: { search: `correlation_id=${ctx.correlationId}` },
    });
    const jobs = decodeCollection(object({ description: "string" }), "job", res.data);
    return jobs.some((j) => (j.description ?? "").startsWith("Adding File Storage Domain"));
  }

  /** GET /storagedomains/{sd}/vms: the VMs this engine has with disks on the domain. */
  async vmsOn(ctx: OperationContext, sd: StorageDomainId): Promise<ApiVm[]> {
    const path = `${this.entityPath(sd)}/vms`;
    const res = await this.conn.request(ctx, "GET", path);
    return decodeCollection(VmType, "vm", res.data);
  }

  /** GET /storagedomains/{sd}/vms?unregistered=true: VMs in the domain's OVF store this engine lacks. */
  async unregisteredVms(ctx: OperationContext, sd: StorageDomainId): Promise<ApiVm[]> {
    const path = `${this.entityPath(sd)}/vms`;
    const res = await this.conn.request(ctx, "GET", path, { query: { unregistered: true } });
    return decodeCollection(VmType, "vm", res.data);
  }

  /**
   * POST /storagedomains/{sd}/vms/{vm}/register into `cluster`, NICs mapped by source network and
   * profile name to profiles of this engine (API-NOTES 3.5). Not retried: the caller looks first.
   */
  async registerVm(
    ctx: OperationContext,
    sd: StorageDomainId,
    vm: string,
    cluster: string,
    profiles: Array<{ network: string; profile: string; to: string }>,
  ): Promise<void> {
    const path = `${this.entityPath(sd)}/vms/${encodeURIComponent(vm)}/register`;
    await this.conn.request(ctx, "POST", path, {
      body: {
        cluster: { id: cluster },
        reassign_bad_macs: false,
        registration_configuration: {
          vnic_profile_mappings: {
            registration_vnic_profile_mapping: profiles.map((p) => ({
              from: { name: p.profile, network: { name: p.network } },
              to: { id: p.to },
            })),
          },
        },
      },
    });
  }

  /** DELETE /storagedomains/{id}?host=&format= ; false when it was already gone. */
  async removeWith(ctx: OperationContext, id: StorageDomainId, opts: RemoveOptions): Promise<boolean> {
    return this.remove(ctx, id, { host: opts.host, format: opts.format ?? false });
  }

  /** DELETE ?destroy=true: the engine forgets the domain (no host needed); storage is not touched. */
  async forget(ctx: OperationContext, id: StorageDomainId): Promise<boolean> {
    return this.remove(ctx, id, { destroy: true });
  }

  async listInDataCenter(
    ctx: OperationContext,
    dc: DataCenterId,
    opts: ListOptions = {},
  ): Promise<ApiStorageDomain[]> {
    return this.listAt(ctx, this.attachedPath(dc), opts);
  }

  /** The domain as attached to `dc` (with its per-DC status), or undefined when it is not attached there. */
  async tryGetAttached(
    ctx: OperationContext,
    dc: DataCenterId,
    sd: StorageDomainId,
  ): Promise<ApiStorageDomain | undefined> {
    try {
      const res = await this.conn.request(ctx, "GET", this.attachedPath(dc, sd));
      return this.decodeOne(res.data, `GET ${this.attachedPath(dc, sd)}`);
    } catch (err) {
      if (isFault(err, "not_found")) return undefined;
      throw err;
    }
  }

  /** POST /datacenters/{dc}/storagedomains: attach (the engine activates it afterwards). */
  async attach(ctx: OperationContext, dc: DataCenterId, sd: StorageDomainId): Promise<ApiStorageDomain> {
    const res = await this.conn.request(ctx, "POST", this.attachedPath(dc), { body: { id: sd } });
    return this.decodeOne(res.data, `POST ${this.attachedPath(dc)}`);
  }

  async activate(ctx: OperationContext, dc: DataCenterId, sd: StorageDomainId): Promise<void> {
    await this.conn.request(ctx, "POST", `${this.attachedPath(dc, sd)}/activate`, { body: {} });
  }

  async deactivate(ctx: OperationContext, dc: DataCenterId, sd: StorageDomainId): Promise<void> {
    await this.conn.request(ctx, "POST", `${this.attachedPath(dc, sd)}/deactivate`, { body: {} });
  }

  /** DELETE on the attached entity: detach (the domain must be in maintenance). False if not attached. */
  async detach(ctx: OperationContext, dc: DataCenterId, sd: StorageDomainId): Promise<boolean> {
    try {
      await this.conn.request(ctx, "DELETE", this.attachedPath(dc, sd));
      return true;
    } catch (err) {
      if (isFault(err, "not_found")) return false;
      throw err;
    }
  }
}
