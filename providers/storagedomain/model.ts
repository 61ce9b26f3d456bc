// Storage domain: inputs, validation, and the explicit mapping to and from the API's storage_domain.
// A StorageDomain resource is the domain *and* its attachment: it exists once it is active in its
// data center. Data on storage is never destroyed unless `destroyDataOnDelete` says so.
import { z } from "zod";
import { AdoptSchema, EngineNameSchema, TimeoutsSchema } from "../core/base";
import type { Policy } from "../core/diff";
import { apiBody, type FieldMappers } from "../core/mapping";
import type { ApiStorageDomain } from "../ovirt/storagedomains";

const percent = (what: string) =>
  z
    .number({ error: "must be a number" })
    .int({ error: `is not a whole ${what} percentage between 0 and 100` })
    .min(0, { error: `is not a whole ${what} percentage between 0 and 100` })
    .max(100, { error: `is not a whole ${what} percentage between 0 and 100` });

const StorageSchema = z
  .object({
    type: z.enum(["glusterfs", "nfs"]),
    /** The NFS server, or a Gluster server of the volume. */
    address: z
      .string({ error: "must be a host name or address" })
      .min(1, { error: "must not be empty" })
      .regex(/^[A-Za-z0-9.:_[\]-]+$/, { error: "is not a host name or address" }),
    /** The NFS export (`/exports/data1`) or the Gluster volume (`/rhv4vol`). */
    path: z
      .string({ error: "must be a path" })
      .regex(/^\/\S*$/, { error: 'must be an absolute path such as "/exports/data1" or "/rhv4vol"' }),
    mountOptions: z.string().min(1, { error: "must not be empty" }).optional(),
    nfsVersion: z.enum(["auto", "v3", "v4", "v4_0", "v4_1", "v4_2"]).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.type !== "nfs" && s.nfsVersion !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["nfsVersion"],
        input: s.nfsVersion,
        message: "applies only to storage of type nfs",
      });
    }
  });

// Engine rules (StorageDomainStatic: @ValidName, size 1..50; thresholds 0..100).
export const StorageDomainArgsSchema = z
  .object({
    engine: EngineNameSchema,
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(50, { error: "is longer than 50 characters" })
      .regex(/^[A-Za-z0-9_.-]*$/, { error: "may only contain letters a-z, A-Z, digits, '.', '_' and '-'" }),
    type: z.enum(["data", "iso", "export"]),
    storage: StorageSchema,
    /** The host (name) that connects the storage and does add/remove; it must be up. */
    hostName: z.string({ error: "must be the name of a host" }).min(1, { error: "must not be empty" }),
    /** The data center the domain is attached to and active in. */
    dataCenterId: z.string({ error: "must be a data center id" }).min(1, { error: "must not be empty" }),
    description: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    comment: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    wipeAfterDelete: z.boolean({ error: "must be true or false" }).optional(),
    warningLowSpace: percent("warning").optional(),
    criticalSpace: percent("critical space").optional(),
    /** Format the domain (delete its data) when the resource is deleted. Off unless set. */
    destroyDataOnDelete: z.boolean({ error: "must be true or false" }).default(false),
    timeouts: TimeoutsSchema.optional(),
    adopt: AdoptSchema,
  })
  .strict();

export type StorageDomainArgs = z.output<typeof StorageDomainArgsSchema>;
export type StorageDomainInputs = z.input<typeof StorageDomainArgsSchema>;

export interface StorageDomainOutputs extends StorageDomainArgs {
  /** True when `adopt` took over an existing object (create made no change on the engine). */
  adopted?: boolean;
  /** The status in the data center (active once created). */
  status?: string;
  master?: boolean;
  storageFormat?: string;
  /** Bytes. */
  available?: number;
  used?: number;
  /** The domain was already on storage (made by another engine) and was imported, keeping its id. */
  imported?: boolean;
}

export const storageDomainPolicies: { readonly [K in keyof StorageDomainArgs]-?: Policy } = {
  // Another engine, another data center, other storage or another kind of domain: the domain is
  // detached and removed (never formatted) and the new one made, or imported from the same storage.
  engine: "replace",
  dataCenterId: "replace",
  type: "replace",
  storage: "replace",
  name: "update",
  description: "update",
  comment: "update",
  wipeAfterDelete: "update",
  warningLowSpace: "update",
  criticalSpace: "update",
  hostName: "update",
  destroyDataOnDelete: "update",
  timeouts: "update",
  // Taking over an existing object is a create-time choice: changing it later changes nothing.
  adopt: "ignore",
};

/** The fields the engine stores and PUT can change. */
export const UPDATABLE: ReadonlyArray<keyof StorageDomainArgs> = [
  "name",
  "description",
  "comment",
  "wipeAfterDelete",
  "warningLowSpace",
  "criticalSpace",
];

const toApiFields: FieldMappers<StorageDomainArgs, ApiStorageDomain> = {
  engine: () => undefined,
  timeouts: () => undefined,
  adopt: () => undefined,
  destroyDataOnDelete: () => undefined,
  dataCenterId: () => undefined,
  name: (name) => ({ name }),
  type: (type) => ({ type }),
  hostName: (name) => ({ host: { name } }),
  storage: (s) => ({
    storage: {
      type: s.type,
      address: s.address,
      path: s.path,
      mount_options: s.mountOptions,
      nfs_version: s.nfsVersion,
      vfs_type: s.type === "glusterfs" ? "glusterfs" : undefined,
    },
  }),
  description: (description) => ({ description }),
  comment: (comment) => ({ comment }),
  wipeAfterDelete: (wipe_after_delete) => ({ wipe_after_delete }),
  warningLowSpace: (warning_low_space_indicator) => ({ warning_low_space_indicator }),
  criticalSpace: (critical_space_action_blocker) => ({ critical_space_action_blocker }),
};

export function storageDomainToApi(
  args: StorageDomainArgs,
  fields: ReadonlyArray<keyof StorageDomainArgs>,
): ApiStorageDomain {
  return apiBody(toApiFields, args, fields);
}

export function storageDomainFromApi(d: ApiStorageDomain): Partial<StorageDomainArgs> {
  const s = d.storage;
  return {
    name: d.name,
    type: d.type as StorageDomainArgs["type"] | undefined,
    storage:
      s?.type === "nfs" || s?.type === "glusterfs"
        ? {
            type: s.type,
            address: s.address ?? "",
            path: s.path ?? "",
            mountOptions: s.mount_options,
            nfsVersion: s.nfs_version as StorageDomainArgs["storage"]["nfsVersion"],
          }
        : undefined,
    dataCenterId: d.data_centers?.[0]?.id ?? d.data_center?.id,
    description: d.description ?? "",
    comment: d.comment ?? "",
    wipeAfterDelete: d.wipe_after_delete,
    warningLowSpace: d.warning_low_space_indicator,
    criticalSpace: d.critical_space_action_blocker,
  };
}

/** Outputs that are not inputs; `attached` is the domain as seen in its data center. */
export function storageDomainComputed(
  top: ApiStorageDomain,
  attached: ApiStorageDomain | undefined,
): Omit<StorageDomainOutputs, keyof StorageDomainArgs | "imported"> {
  return {
    status: attached?.status ?? top.status,
    master: attached?.master ?? top.master,
    storageFormat: top.storage_format,
    available: top.available,
    used: top.used,
  };
}
