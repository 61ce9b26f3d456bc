// Host: inputs, validation, and the explicit mapping to and from the API's host.
import { z } from "zod";
import { AdoptSchema, EngineNameSchema, TimeoutsSchema } from "../core/base";
import type { Policy } from "../core/diff";
import { apiBody, type FieldMappers } from "../core/mapping";
import type { ApiHost } from "../ovirt/hosts";

/** Fence agent types the engine knows (config VdsFenceType, 4.3/4.4). */
export const PM_TYPES = [
  "apc",
  "apc_snmp",
  "bladecenter",
  "cisco_ucs",
  "drac5",
  "drac7",
  "eps",
  "hpblade",
  "ilo",
  "ilo2",
  "ilo3",
  "ilo4",
  "ilo_ssh",
  "ipmilan",
  "rsa",
  "rsb",
  "wti",
] as const;

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:]+$/;
const address = z
  .string({ error: "must be a host name or IP address" })
  .min(1, { error: "must not be empty" })
  .refine(
    (a) =>
      IPV4.test(a) || (a.includes(":") && IPV6.test(a)) || (HOSTNAME.test(a) && !/^\d+(\.\d+)*$/.test(a)),
    {
      error: "is not a host name or IP address",
    },
  );
const port = z
  .number({ error: "must be a port number" })
  .int({ error: "is not a port number (1-65535)" })
  .min(1, { error: "is not a port number (1-65535)" })
  .max(65535, { error: "is not a port number (1-65535)" });

export const PowerManagementSchema = z
  .object({
    type: z.enum(PM_TYPES),
    address,
    username: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
    password: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }),
    port: port.optional(),
    enabled: z.boolean({ error: "must be true or false" }).default(true),
  })
  .strict();

// Engine rules: host name up to 255 characters (VdsStatic @Size HOST_NAME_SIZE), SPM priority -1..10
// (-1 = never SPM), comment/description at most 4000 (GENERAL_MAX_SIZE).
export const HostArgsSchema = z
  .object({
    engine: EngineNameSchema,
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(255, { error: "is longer than 255 characters" })
      .regex(/^[\p{L}0-9._-]*$/u, { error: "may only contain letters, digits, '.', '_' and '-'" }),
    address,
    clusterId: z.string({ error: "must be a cluster id" }).min(1, { error: "must not be empty" }),
    /** host-deploy logs in as root with this password (secret; never read back). */
    rootPassword: z.string({ error: "must be a string" }).min(1, { error: "must not be empty" }).optional(),
    /**
     * The engine's SSH public key as installed in the host's authorized_keys (from
     * pki-resource?resource=engine-certificate&format=OPENSSH-PUBKEY): host-deploy then logs in with
     * the engine's key instead of a password.
     */
    sshPublicKey: z
      .string({ error: "must be a string" })
      .regex(/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+( .*)?$/, {
        error: 'is not an OpenSSH public key ("ssh-rsa AAAA... comment")',
      })
      .optional(),
    sshPort: port.optional(),
    powerManagement: PowerManagementSchema.optional(),
    spmPriority: z
      .number({ error: "must be a number" })
      .int({ error: "is not an integer between -1 and 10" })
      .min(-1, { error: "is not an integer between -1 and 10" })
      .max(10, { error: "is not an integer between -1 and 10" })
      .optional(),
    comment: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    description: z.string().max(4000, { error: "is longer than 4000 characters" }).optional(),
    timeouts: TimeoutsSchema.optional(),
    adopt: AdoptSchema,
  })
  .strict()
  .superRefine((h, ctx) => {
    // An adopted host is taken over as it is: nothing is installed, so no way to log in is needed.
    if (h.rootPassword === undefined && h.sshPublicKey === undefined && h.adopt !== true) {
      ctx.addIssue({
        code: "custom",
        path: ["rootPassword"],
        input: undefined,
        message: "is required unless sshPublicKey is set (host-deploy needs a way to log in)",
      });
    }
    if (h.rootPassword !== undefined && h.sshPublicKey !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["sshPublicKey"],
        input: h.sshPublicKey,
        message: "cannot be set together with rootPassword: choose one way to log in",
      });
    }
  });

export type HostArgs = z.output<typeof HostArgsSchema>;
export type HostInputs = z.input<typeof HostArgsSchema>;

export interface HostOutputs extends HostArgs {
  /** True when `adopt` took over an existing object (create made no change on the engine). */
  adopted?: boolean;
  status?: string;
  osVersion?: string;
  vdsmVersion?: string;
}

/** Fields the engine only changes while the host is in maintenance (maintenance -> update -> activate). */
export const MAINTENANCE_FIELDS: ReadonlyArray<keyof HostArgs> = ["address", "clusterId", "sshPort"];

export const hostPolicies: { readonly [K in keyof HostArgs]-?: Policy } = {
  // A physical host is managed by one engine at a time: another engine is another host, and the
  // old one must go first (deleteBeforeReplace, see provider.ts).
  engine: "replace",
  name: "update",
  // Changed in place through maintenance (the engine edits these only in maintenance).
  address: "update",
  clusterId: "update",
  sshPort: "update",
  rootPassword: "update",
  sshPublicKey: "update",
  powerManagement: "update",
  spmPriority: "update",
  comment: "update",
  description: "update",
  timeouts: "update",
  // Taking over an existing object is a create-time choice: changing it later changes nothing.
  adopt: "ignore",
};

const toApiFields: FieldMappers<HostArgs, ApiHost> = {
  engine: () => undefined,
  timeouts: () => undefined,
  adopt: () => undefined,
  name: (name) => ({ name }),
  address: (address) => ({ address }),
  clusterId: (id) => ({ cluster: { id } }),
  // Credentials are only used by installs (add, reinstall); the engine never stores or shows them.
  rootPassword: () => undefined,
  sshPublicKey: () => undefined,
  sshPort: (p) => ({ ssh: { port: p } }),
  powerManagement: (pm) => ({
    power_management: {
      enabled: pm.enabled,
      type: pm.type,
      address: pm.address,
      username: pm.username,
      password: pm.password,
      port: pm.port,
    },
  }),
  spmPriority: (priority) => ({ spm: { priority } }),
  comment: (comment) => ({ comment }),
  description: (description) => ({ description }),
};

export function hostToApi(args: HostArgs, fields: ReadonlyArray<keyof HostArgs>): ApiHost {
  return apiBody(toApiFields, args, fields);
}

/** The add body: the fields plus the way host-deploy logs in. */
export function hostAddBody(args: HostArgs, fields: ReadonlyArray<keyof HostArgs>): ApiHost {
  const body = hostToApi(args, fields);
  if (args.sshPublicKey !== undefined) {
    body.ssh = { ...body.ssh, authentication_method: "publickey" };
  } else if (args.rootPassword !== undefined) {
    body.root_password = args.rootPassword;
  }
  return body;
}

export function hostFromApi(h: ApiHost): Partial<HostArgs> {
  const pm = h.power_management;
  return {
    name: h.name,
    address: h.address,
    clusterId: h.cluster?.id,
    sshPort: h.ssh?.port,
    spmPriority: h.spm?.priority,
    comment: h.comment ?? "",
    description: h.description ?? "",
    powerManagement:
      pm?.address === undefined
        ? undefined
        : ({
            enabled: pm.enabled ?? false,
            type: pm.type as (typeof PM_TYPES)[number],
            address: pm.address,
            username: pm.username ?? "",
            port: pm.port,
          } as HostArgs["powerManagement"]),
  };
}

export function hostComputed(h: ApiHost): Omit<HostOutputs, keyof HostArgs> {
  return {
    status: h.status,
    osVersion: h.os?.version?.full_version,
    vdsmVersion: h.version?.full_version,
  };
}
