// The ISO images of a legacy ISO storage domain: GET /storagedomains/{id}/files (model
// services/FilesService.java; the id of a file is its name). The listing half of "discover legacy
// ISO domains": what a lab would move to a 4.4 data domain as IsoImage resources.
import { decodeCollection, entityFields, object, Ref, type Decoded } from "./codec";
import type { Connection } from "./connection";
import type { OperationContext } from "./context";
import { UnexpectedError } from "./errors";
import type { StorageDomainsService } from "./storagedomains";

export const FileType = object({ ...entityFields, type: "string", storage_domain: Ref });
export type ApiFile = Decoded<typeof FileType>;

export interface IsoFile {
  /** The file name on the domain (also its id). */
  name: string;
  storageDomainId: string;
  storageDomainName: string;
}

/**
 * The ISO files of the ISO domain named (or with the id) `domain`, sorted by name. Refuses a domain
 * that is not an ISO domain, naming its type.
 */
export async function listIsoFiles(
  conn: Connection,
  domains: StorageDomainsService,
  ctx: OperationContext,
  domain: string,
): Promise<IsoFile[]> {
  const sd =
    (await domains.findByName(ctx, domain)) ?? (await domains.list(ctx)).find((d) => d.id === domain);
  if (!sd?.id) throw new UnexpectedError(`engine "${conn.engine}" has no storage domain named ${domain}`);
  if (sd.type !== "iso") {
    throw new UnexpectedError(
      `storage domain ${sd.name ?? sd.id} on engine "${conn.engine}" is a ${sd.type ?? "unknown"} domain, not an ISO domain`,
    );
  }
  const res = await conn.request(ctx, "GET", `/storagedomains/${encodeURIComponent(sd.id)}/files`);
  return decodeCollection(FileType, "file", res.data)
    .map((f) => ({ name: f.name ?? f.id ?? "", storageDomainId: sd.id!, storageDomainName: sd.name ?? "" }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every VM's one CD-ROM device (VmCdromsService). */
export const CDROM_ID = "00000000-0000-0000-0000-000000000000";

/** The media in a VM's CD-ROM ("" when empty); `current`: what the running VM sees now. */
export async function getCdrom(
  conn: Connection,
  ctx: OperationContext,
  vmId: string,
  current = false,
): Promise<string> {
  const res = await conn.request(ctx, "GET", `/vms/${encodeURIComponent(vmId)}/cdroms/${CDROM_ID}`, {
    query: current ? { current: true } : undefined,
  });
  const file = (res.data as { file?: { id?: string } } | undefined)?.file;
  return file?.id ?? "";
}

/** Inserts media (an ISO disk id or an ISO domain file name; "" ejects); `current`: only the running VM. */
export async function setCdrom(
  conn: Connection,
  ctx: OperationContext,
  vmId: string,
  file: string,
  current = false,
): Promise<void> {
  await conn.request(ctx, "PUT", `/vms/${encodeURIComponent(vmId)}/cdroms/${CDROM_ID}`, {
    body: { file: { id: file } },
    query: current ? { current: true } : undefined,
  });
}
