// VMs: /vms with the start/stop/shutdown/reboot actions, /vms/{id}/nics and /vms/{id}/diskattachments
// (model types/Vm.java, Nic.java, DiskAttachment.java; API-NOTES 3.8). Memory is in bytes on the wire.
import {
  decode,
  decodeCollection,
  encode,
  entityFields,
  list,
  object,
  Ref,
  type Decoded,
  type ObjectType,
} from "./codec";
import { CollectionService, searchValue } from "./collection";
import type { Connection, Query } from "./connection";
import type { OperationContext } from "./context";
import { DiskType } from "./disks";
import { isFault } from "./errors";
import { brand, type Brand } from "./ids";

export type VmId = Brand<string, "VmId">;
export const vmId = (id: string): VmId => brand<"VmId">(id, "VM");

const Topology = object({ sockets: "int32", cores: "int32", threads: "int32" });

export const InitializationType = object({
  host_name: "string",
  user_name: "string",
  root_password: "string",
  authorized_ssh_keys: "string",
  custom_script: "string",
  regenerate_ssh_keys: "bool",
});

export const VmType = object({
  ...entityFields,
  status: "string",
  type: "string",
  memory: "int64",
  memory_policy: object({ guaranteed: "int64", max: "int64", ballooning: "bool" }),
  cpu: object({ architecture: "string", topology: Topology }),
  os: object({ type: "string" }),
  high_availability: object({ enabled: "bool", priority: "int32" }),
  initialization: InitializationType,
  next_run_configuration_exists: "bool",
  start_time: "date",
  stop_time: "date",
  cluster: Ref,
  template: Ref,
  host: Ref,
});
export type ApiVm = Decoded<typeof VmType>;

export const NicType = object({
  ...entityFields,
  interface: "string",
  linked: "bool",
  plugged: "bool",
  mac: object({ address: "string" }),
  vnic_profile: Ref,
});
export type ApiNic = Decoded<typeof NicType>;

export const DiskAttachmentType = object({
  id: "string",
  href: "string",
  active: "bool",
  bootable: "bool",
  interface: "string",
  pass_discard: "bool",
  read_only: "bool",
  disk: DiskType,
  vm: Ref,
});
export type ApiDiskAttachment = Decoded<typeof DiskAttachmentType>;

/** A VM's CD-ROM as /vms/{id}/cdroms lists it (the persistent media: what it boots with next). */
export const CdromType = object({ id: "string", file: object({ id: "string" }) });

/**
 * A VM as read's listing returns it: with its NICs, its disk attachments (their disks inlined) and
 * its CD-ROMs followed (`?follow=`, API-NOTES 1.3). A member is absent when the engine did not
 * inline it.
 */
export const ListedVmType = object({
  ...VmType.fields,
  nics: list(NicType, "nic"),
  disk_attachments: list(DiskAttachmentType, "disk_attachment"),
  cdroms: list(CdromType, "cdrom"),
});
export type ListedVm = Decoded<typeof ListedVmType>;

/** What read compares besides the VM itself, inlined in its listing. */
export const VM_READ_FOLLOW = "nics,disk_attachments.disk,cdroms";
/** VMs per page of read's listing: a page of 500 VMs with their devices is a few MB. */
export const VM_READ_PAGE_SIZE = 500;

export type VmAction = "start" | "stop" | "shutdown" | "reboot" | "migrate";

export class VmsService extends CollectionService<typeof ListedVmType, VmId> {
  // Read (readCached) lists every VM with its devices, a page at a time: one request per page for
  // a refresh instead of one per VM and device list.
  protected override readonly readQuery: Query = { follow: VM_READ_FOLLOW };
  protected override readonly readPageSize: number = VM_READ_PAGE_SIZE;

  constructor(conn: Connection) {
    super(conn, { path: "vms", singular: "vm", type: ListedVmType, label: "VM" });
  }

  /** The configuration the VM boots with next (the pending next-run one when it exists). */
  async tryGetNextRun(ctx: OperationContext, id: VmId): Promise<ApiVm | undefined> {
    return this.tryGet(ctx, id, { next_run: true });
  }

  async updateWith(ctx: OperationContext, id: VmId, body: ApiVm, query?: Query): Promise<ApiVm> {
    return this.update(ctx, id, body, query);
  }

  /** POST /vms/{id}/<action>. Retrying is harmless: a repeated start/stop fails with a conflict the caller reads. */
  async action(
    ctx: OperationContext,
    id: VmId,
    name: VmAction,
    body: Record<string, unknown> = {},
  ): Promise<void> {
    await this.conn.request(ctx, "POST", `${this.entityPath(id)}/${name}`, { body, idempotent: true });
  }

  /** The VMs running on a host (search `host=`). */
  async onHost(ctx: OperationContext, hostName: string): Promise<ApiVm[]> {
    return this.list(ctx, { search: `host=${searchValue(hostName)}` });
  }

  async nics(ctx: OperationContext, id: VmId): Promise<ApiNic[]> {
    const res = await this.conn.request(ctx, "GET", `${this.entityPath(id)}/nics`);
    return decodeList(NicType, "nic", res.data);
  }

  async addNic(ctx: OperationContext, id: VmId, nic: ApiNic): Promise<ApiNic> {
    const res = await this.conn.request(ctx, "POST", `${this.entityPath(id)}/nics`, {
      body: encodeBody(NicType, nic),
    });
    return decodeOne(NicType, res.data);
  }

  async updateNic(ctx: OperationContext, id: VmId, nicId: string, nic: ApiNic): Promise<ApiNic> {
    const res = await this.conn.request(
      ctx,
      "PUT",
      `${this.entityPath(id)}/nics/${encodeURIComponent(nicId)}`,
      {
        body: encodeBody(NicType, nic),
      },
    );
    return decodeOne(NicType, res.data);
  }

  async removeNic(ctx: OperationContext, id: VmId, nicId: string): Promise<void> {
    await ignoreNotFound(
      this.conn.request(ctx, "DELETE", `${this.entityPath(id)}/nics/${encodeURIComponent(nicId)}`),
    );
  }

  /** The VM's disk attachments (each names its disk by id). */
  async diskAttachments(ctx: OperationContext, id: VmId): Promise<ApiDiskAttachment[]> {
    const res = await this.conn.request(ctx, "GET", `${this.entityPath(id)}/diskattachments`);
    return decodeList(DiskAttachmentType, "disk_attachment", res.data);
  }

  async addDiskAttachment(ctx: OperationContext, id: VmId, a: ApiDiskAttachment): Promise<ApiDiskAttachment> {
    const res = await this.conn.request(ctx, "POST", `${this.entityPath(id)}/diskattachments`, {
      body: encodeBody(DiskAttachmentType, a),
    });
    return decodeOne(DiskAttachmentType, res.data);
  }

  async updateDiskAttachment(
    ctx: OperationContext,
    id: VmId,
    attachmentId: string,
    a: ApiDiskAttachment,
  ): Promise<ApiDiskAttachment> {
    const res = await this.conn.request(
      ctx,
      "PUT",
      `${this.entityPath(id)}/diskattachments/${encodeURIComponent(attachmentId)}`,
      { body: encodeBody(DiskAttachmentType, a) },
    );
    return decodeOne(DiskAttachmentType, res.data);
  }
}

function decodeList<T extends ObjectType>(type: T, singular: string, data: unknown): Decoded<T>[] {
  return decodeCollection(type, singular, data);
}

function decodeOne<T extends ObjectType>(type: T, data: unknown): Decoded<T> {
  return decode(type, data ?? {});
}

function encodeBody<T extends ObjectType>(type: T, value: Decoded<T>): Record<string, unknown> {
  return encode(type, value);
}

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!isFault(err, "not_found")) throw err;
  }
}
