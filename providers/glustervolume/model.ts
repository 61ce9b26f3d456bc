// GlusterVolume: a volume made on real Gluster servers with the `gluster` CLI over SSH (not through
// an engine). Inputs, validation, and the mapping from `gluster volume info --xml`.
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { AdoptSchema, TimeoutsSchema } from "../core/base";
import type { Policy } from "../core/diff";

const bool = z.boolean({ error: "must be true or false" });

const address = z
  .string({ error: "must be a host name or an IP address" })
  .min(1, { error: "must not be empty" })
  .regex(/^[A-Za-z0-9.:-]+$/, { error: "is not a host name or an IP address" })
  .refine((a) => !/^127\.|^localhost$|^::1$/.test(a), {
    error: "is a loopback address: Gluster refuses loopback peers and brick hosts",
  });

const port = z
  .number({ error: "must be a port number" })
  .int({ error: "is not a port number (1-65535)" })
  .min(1, { error: "is not a port number (1-65535)" })
  .max(65535, { error: "is not a port number (1-65535)" });

export const GlusterServerSchema = z
  .object({
    address,
    sshUser: z
      .string({ error: "must be a user name" })
      .min(1, { error: "must not be empty" })
      .default("root"),
    sshPort: port.default(22),
    /** `SHA256:...` of the server's SSH host key; else ssh.knownHostsFile is consulted. */
    hostKeyFingerprint: z
      .string()
      .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, {
        error: 'is not a fingerprint like "SHA256:<43 base64 characters>"',
      })
      .optional(),
  })
  .strict();

export const GlusterSshSchema = z
  .object({
    /** The private key itself (make it a Pulumi secret). */
    privateKey: z.string().min(1, { error: "must not be empty" }).optional(),
    /** A file holding the private key, read on the machine that runs Pulumi. */
    privateKeyPath: z.string().regex(/^\//, { error: "is not an absolute path" }).optional(),
    password: z.string().min(1, { error: "must not be empty" }).optional(),
    knownHostsFile: z.string().regex(/^\//, { error: "is not an absolute path" }).optional(),
  })
  .strict();

// Gluster's CLI: "Volume names can only contain alphanumeric, '-' and '_' characters", under 256.
export const GlusterVolumeArgsSchema = z
  .object({
    name: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(255, { error: "is longer than 255 characters" })
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, {
        error: "may only contain letters, digits, '-' and '_' (and not start with '-')",
      }),
    servers: z.array(GlusterServerSchema).min(1, { error: "must list at least one server" }),
    bricks: z
      .array(
        z
          .object({
            server: address,
            path: z
              .string({ error: "must be an absolute path" })
              .regex(/^\/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, {
                error: "is not an absolute path of letters, digits, '.', '_', '-' and '/'",
              })
              .refine((p) => !p.split("/").includes(".."), { error: "must not contain '..'" }),
          })
          .strict(),
      )
      .min(1, { error: "must list at least one brick" }),
    replica: z
      .number({ error: "must be a number" })
      .int({ error: "is not an integer between 1 and 3" })
      .min(1, { error: "is not an integer between 1 and 3" })
      .max(3, { error: "is not an integer between 1 and 3" })
      .default(3),
    options: z
      .record(
        z.string().regex(/^[A-Za-z0-9._-]+$/, { error: "is not a Gluster option name" }),
        z
          .string({ error: "must be a string" })
          .min(1, { error: "must not be empty" })
          .regex(/^[^\n\r]*$/, { error: "must be one line" }),
      )
      .default({ group: "virt" }),
    started: bool.default(true),
    protect: bool.default(true),
    ssh: GlusterSshSchema,
    timeouts: TimeoutsSchema.optional(),
    adopt: AdoptSchema,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.options.group !== undefined && !/^[A-Za-z0-9_-]+$/.test(v.options.group)) {
      ctx.addIssue({
        code: "custom",
        path: ["options", "group"],
        input: v.options.group,
        message: "is not a group name (a file of /var/lib/glusterd/groups/, e.g. virt)",
      });
    }
    const known = new Set(v.servers.map((s) => s.address));
    v.bricks.forEach((b, i) => {
      if (!known.has(b.server)) {
        ctx.addIssue({
          code: "custom",
          path: ["bricks", i, "server"],
          input: b.server,
          message: `is not one of the servers (${[...known].join(", ")})`,
        });
      }
    });
    const seen = new Set<string>();
    v.bricks.forEach((b, i) => {
      const key = `${b.server}:${b.path}`;
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["bricks", i], input: b, message: `names ${key} twice` });
      }
      seen.add(key);
    });
    if (v.bricks.length % v.replica !== 0) {
      ctx.addIssue({
        code: "custom",
        path: ["bricks"],
        input: v.bricks,
        message: `has ${v.bricks.length} bricks, not a multiple of replica ${v.replica}`,
      });
    }
    if (!v.ssh.privateKey && !v.ssh.privateKeyPath && !v.ssh.password) {
      ctx.addIssue({
        code: "custom",
        path: ["ssh"],
        input: undefined,
        message: "needs privateKey, privateKeyPath or password",
      });
    }
    const unchecked = v.servers.filter((s) => !s.hostKeyFingerprint).map((s) => s.address);
    if (!v.ssh.knownHostsFile && unchecked.length) {
      ctx.addIssue({
        code: "custom",
        path: ["ssh", "knownHostsFile"],
        input: undefined,
        message: `is required: servers ${unchecked.join(", ")} have no hostKeyFingerprint (host keys are always checked)`,
      });
    }
  });

export type GlusterVolumeArgs = z.output<typeof GlusterVolumeArgsSchema>;
export type GlusterVolumeInputs = z.input<typeof GlusterVolumeArgsSchema>;

export interface GlusterVolumeOutputs extends GlusterVolumeArgs {
  /** True when `adopt` took over an existing object (create made no change on the engine). */
  adopted?: boolean;
  volumeId: string;
  status: string;
  type: string;
}

export const glusterVolumePolicies: { readonly [K in keyof GlusterVolumeArgs]-?: Policy } = {
  // Another name, other bricks or another replica count is another volume.
  name: "replace",
  bricks: "replace",
  replica: "replace",
  // Where commands run and how: nothing on the volume changes.
  servers: "update",
  ssh: "update",
  options: "update",
  started: "update",
  protect: "update",
  timeouts: "update",
  // Taking over an existing object is a create-time choice: changing it later changes nothing.
  adopt: "ignore",
};

/** A volume as `gluster volume info NAME --xml` reports it. */
export interface LiveVolume {
  name: string;
  id: string;
  status: string;
  type: string;
  replica: number;
  bricks: Array<{ server: string; path: string }>;
  /** Options set on the volume (`gluster volume set`), as reported. */
  options: Record<string, string>;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ["volume", "brick", "option", "Opt"].includes(name),
});

export class GlusterCliError extends Error {
  constructor(
    message: string,
    readonly opErrno: number,
  ) {
    super(message);
    this.name = "GlusterCliError";
  }
}

type Xml = Record<string, unknown>;
const obj = (v: unknown): Xml => (typeof v === "object" && v !== null ? (v as Xml) : {});
const arr = (v: unknown): Xml[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "";

function cliOutput(xml: string, what: string): Xml {
  let doc: Xml;
  try {
    doc = obj(parser.parse(xml));
  } catch (err) {
    throw new Error(
      `${what}: the gluster CLI's answer is not XML (${(err as Error).message}): ${xml.slice(0, 300)}`,
      { cause: err },
    );
  }
  const out = obj(doc.cliOutput);
  if (!("opRet" in out))
    throw new Error(`${what}: the gluster CLI's answer has no <cliOutput>: ${xml.slice(0, 300)}`);
  return out;
}

/** Gluster's "Volume does not exist". */
export const GLUSTER_ENOENT_VOLUME = 30806;

/** Parses `gluster volume info NAME --xml`; undefined when the volume does not exist. */
export function parseVolumeInfo(xml: string, name: string): LiveVolume | undefined {
  const out = cliOutput(xml, `gluster volume info ${name}`);
  const ret = Number(str(out.opRet));
  if (ret !== 0) {
    const errno = Number(str(out.opErrno));
    const text = str(out.opErrstr);
    if (errno === GLUSTER_ENOENT_VOLUME || /does not exist/i.test(text)) return undefined;
    throw new GlusterCliError(`gluster volume info ${name}: ${text || `failed (errno ${errno})`}`, errno);
  }
  const vol = arr(obj(obj(out.volInfo).volumes).volume).find((v) => str(v.name) === name);
  if (!vol) return undefined;
  const bricks = arr(obj(vol.bricks).brick).map((b) => {
    const full = str(b.name);
    const i = full.indexOf(":");
    return { server: full.slice(0, i), path: full.slice(i + 1) };
  });
  const options: Record<string, string> = {};
  for (const o of arr(obj(vol.options).option)) options[str(o.name)] = str(o.value);
  return {
    name,
    id: str(vol.id),
    status: str(vol.statusStr),
    type: str(vol.typeStr),
    replica: Number(str(vol.replicaCount)) || 1,
    bricks,
    options,
  };
}

/** Parses `gluster volume get NAME KEY --xml`: the option's effective value ("on (DEFAULT)"...). */
export function parseVolumeGet(xml: string, name: string, key: string): string | undefined {
  const out = cliOutput(xml, `gluster volume get ${name} ${key}`);
  if (Number(str(out.opRet)) !== 0) return undefined;
  const opt = arr(obj(out.volGetopts).Opt).find((o) => str(o.Option) === key);
  // "on (DEFAULT)": the value is the default; the value is what matters here.
  return opt ? str(opt.Value).replace(/ \(DEFAULT\)$/, "") : undefined;
}

/** Throws when a CLI XML answer says the operation failed. */
export function checkCli(xml: string, what: string): void {
  const out = cliOutput(xml, what);
  if (Number(str(out.opRet)) !== 0) {
    throw new GlusterCliError(`${what}: ${str(out.opErrstr) || "failed"}`, Number(str(out.opErrno)));
  }
}

/** `/var/lib/glusterd/groups/<group>`: `key=value` lines. */
export function parseGroupFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * The group's options whose live value differs from the group's (missing counts as different),
 * except those the user sets on their own (`desired` overrides the group for those).
 */
export function groupDrift(
  group: Record<string, string>,
  live: Record<string, string>,
  desired: Record<string, string> = {},
): string[] {
  return Object.entries(group)
    .filter(([k, v]) => !(k in desired) && live[k] !== v)
    .map(([k]) => k);
}

/**
 * The live options in the shape of the user's `options`: each key the user set with its live
 * value, and `group` kept only while every option of the group has the group's value; otherwise
 * `group` is dropped and the options that drifted appear under their own names (so a refresh
 * shows what was changed by hand and the next `up` sets the group again).
 */
export function optionsFromLive(
  desired: Record<string, string>,
  live: Record<string, string>,
  groups: Record<string, Record<string, string>>,
  effective: (key: string) => string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(desired)) {
    if (k === "group") continue;
    const got = live[k] ?? effective(k);
    if (got !== undefined) out[k] = got;
  }
  const group = desired.group;
  if (group !== undefined) {
    const opts = groups[group] ?? {};
    const drifted = groupDrift(opts, live, desired);
    if (drifted.length === 0 && groups[group]) out.group = group;
    for (const k of drifted) {
      const got = live[k] ?? effective(k);
      if (got !== undefined) out[k] = got;
    }
  }
  return out;
}

/** The option names `optionsFromLive` may need effective values for (set by the user or the group, not live). */
export function missingOptions(
  desired: Record<string, string>,
  live: Record<string, string>,
  groups: Record<string, Record<string, string>>,
): string[] {
  const keys = new Set(Object.keys(desired).filter((k) => k !== "group"));
  if (desired.group !== undefined) {
    for (const k of groupDrift(groups[desired.group] ?? {}, live, desired)) keys.add(k);
  }
  return [...keys].filter((k) => live[k] === undefined);
}

/** The options to `gluster volume set`, in order (a group first, so single options win over it). */
export function optionsToSet(
  desired: Record<string, string>,
  live: Record<string, string>,
  groups: Record<string, Record<string, string>>,
): Array<[string, string]> {
  const sets: Array<[string, string]> = [];
  if (desired.group !== undefined) {
    const opts = groups[desired.group];
    if (!opts || groupDrift(opts, live, desired).length) sets.push(["group", desired.group]);
  }
  const afterGroup = { ...live, ...(sets.length ? groups[desired.group ?? ""] : {}) };
  for (const [k, v] of Object.entries(desired)) {
    if (k !== "group" && afterGroup[k] !== v) sets.push([k, v]);
  }
  return sets;
}
