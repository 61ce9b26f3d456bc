// The GlusterVolume provider: the `gluster` CLI run over SSH on the volume's first server.
// - create makes the brick directories on every brick server, then looks before it creates: a
//   half-made volume (created but not configured or not started) is finished, never duplicated;
// - read maps `gluster volume info NAME --xml` onto the inputs the user set: an option changed by
//   hand shows in a refresh; `group: virt` stays as it is while the group's options hold;
// - update sets/resets options and starts/stops the volume (name, bricks, replica: replace);
// - delete refuses while `protect` is true; otherwise stop + delete, and the bricks' data stays.
import * as fs from "fs";
import type * as pulumi from "@pulumi/pulumi";
import { adoptMissing, logAdopting, type KindProvider, type Timeouts } from "../core/base";
import { bag, describeResource, isUnknown, validate } from "../core/check";
import { compact, diffFields } from "../core/diff";
import { getLogger } from "../ovirt/log";
import { shellQuote, withSession, type SshSession, type SshTarget } from "../ssh/client";
import {
  GlusterVolumeArgsSchema,
  glusterVolumePolicies,
  missingOptions,
  optionsFromLive,
  optionsToSet,
  parseGroupFile,
  parseVolumeGet,
  parseVolumeInfo,
  type GlusterVolumeArgs,
  type LiveVolume,
} from "./model";

type Props = Record<string, unknown>;
const LABEL = "gluster volume";
const DEFAULT_TIMEOUTS: Required<Timeouts> = { create: 300, update: 300, delete: 300 };
const fields = Object.keys(glusterVolumePolicies) as Array<keyof GlusterVolumeArgs>;

const who = (args: { name?: unknown }) => describeResource(LABEL, args.name);

function parse(inputs: unknown): GlusterVolumeArgs {
  const raw = bag(inputs);
  const r = validate(GlusterVolumeArgsSchema, raw, who(raw));
  if (!r.ok) throw new Error(r.failures.map((f) => f.reason).join("; "));
  return r.value;
}

function priorArgs(props: unknown): Partial<GlusterVolumeArgs> {
  const p = bag(props);
  const out: Record<string, unknown> = {};
  for (const f of fields) if (p[f] !== undefined) out[f] = p[f];
  return out;
}

/** One operation's deadline; every command gets what is left of it. */
class Budget {
  readonly deadline: number;
  constructor(
    readonly what: string,
    seconds: number,
  ) {
    this.deadline = Date.now() + seconds * 1000;
  }
  left(): number {
    const ms = this.deadline - Date.now();
    if (ms <= 0) throw new Error(`${this.what}: out of time (the operation's timeout is spent)`);
    return Math.min(ms, 120_000);
  }
}

function budget(args: Partial<GlusterVolumeArgs>, op: keyof Timeouts): Budget {
  return new Budget(`${who(args)} ${op}`, args.timeouts?.[op] ?? DEFAULT_TIMEOUTS[op]);
}

function target(args: GlusterVolumeArgs, address: string, time: Budget): SshTarget {
  const server = args.servers.find((s) => s.address === address);
  if (!server) throw new Error(`${who(args)}: ${address} is not one of its servers`);
  let privateKey = args.ssh.privateKey;
  if (!privateKey && args.ssh.privateKeyPath) {
    try {
      privateKey = fs.readFileSync(args.ssh.privateKeyPath, "utf8");
    } catch (err) {
      throw new Error(
        `${who(args)}: ssh.privateKeyPath ${args.ssh.privateKeyPath} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        { cause: err },
      );
    }
  }
  return {
    host: server.address,
    port: server.sshPort,
    username: server.sshUser,
    privateKey,
    password: args.ssh.password,
    hostKeyFingerprint: server.hostKeyFingerprint,
    knownHostsFile: args.ssh.knownHostsFile,
    connectTimeoutMs: Math.min(time.left(), 20_000),
  };
}

/** The gluster CLI of one server, over one SSH session. */
class Gluster {
  constructor(
    private readonly s: SshSession,
    private readonly name: string,
    private readonly time: Budget,
  ) {}

  private cli(args: string): Promise<string> {
    return this.s.run(`gluster --mode=script ${args}`, this.time.left());
  }

  async info(): Promise<LiveVolume | undefined> {
    // `volume info` exits 0 with opRet -1 for a missing volume in XML mode; exec keeps stdout either way.
    const r = await this.s.exec(
      `gluster --mode=script volume info ${shellQuote(this.name)} --xml`,
      this.time.left(),
    );
    if (!r.stdout.trim()) {
      throw new Error(
        `gluster volume info ${this.name} on ${this.s.target.host} failed (exit ${r.code}): ${r.stderr.trim()}`,
      );
    }
    return parseVolumeInfo(r.stdout, this.name);
  }

  async effective(keys: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const k of keys) {
      const r = await this.s.exec(
        `gluster --mode=script volume get ${shellQuote(this.name)} ${shellQuote(k)} --xml`,
        this.time.left(),
      );
      const v = r.stdout.trim() ? parseVolumeGet(r.stdout, this.name, k) : undefined;
      if (v !== undefined) out[k] = v;
    }
    return out;
  }

  /** The option sets of the groups `options` names, from /var/lib/glusterd/groups/ on this server. */
  async groups(options: Record<string, string>): Promise<Record<string, Record<string, string>>> {
    const out: Record<string, Record<string, string>> = {};
    const g = options.group;
    if (g === undefined) return out;
    const file = `/var/lib/glusterd/groups/${g}`;
    const r = await this.s.exec(`cat ${shellQuote(file)}`, this.time.left());
    if (r.code !== 0) {
      throw new Error(
        `options.group "${g}": ${file} is missing on ${this.s.target.host} (${r.stderr.trim()}); ` +
          `the groups Gluster knows are the files of /var/lib/glusterd/groups/`,
      );
    }
    out[g] = parseGroupFile(r.stdout);
    return out;
  }

  create(replica: number, bricks: Array<{ server: string; path: string }>): Promise<string> {
    const list = bricks.map((b) => shellQuote(`${b.server}:${b.path}`)).join(" ");
    const rep = replica > 1 ? `replica ${replica} ` : "";
    // `force`: bricks on a root file system (as on the lab's hosts) are refused without it.
    return this.cli(`volume create ${shellQuote(this.name)} ${rep}${list} force`);
  }
  set(key: string, value: string): Promise<string> {
    return this.cli(`volume set ${shellQuote(this.name)} ${shellQuote(key)} ${shellQuote(value)}`);
  }
  reset(key: string): Promise<string> {
    return this.cli(`volume reset ${shellQuote(this.name)} ${shellQuote(key)}`);
  }
  start(): Promise<string> {
    return this.cli(`volume start ${shellQuote(this.name)}`);
  }
  stop(): Promise<string> {
    return this.cli(`volume stop ${shellQuote(this.name)}`);
  }
  remove(): Promise<string> {
    return this.cli(`volume delete ${shellQuote(this.name)}`);
  }
}

async function onFirstServer<T>(
  args: GlusterVolumeArgs,
  time: Budget,
  fn: (g: Gluster) => Promise<T>,
): Promise<T> {
  return withSession(target(args, args.servers[0].address, time), (s) => fn(new Gluster(s, args.name, time)));
}

/** Makes the brick directories on each brick's server (`gluster volume create` wants their parents). */
async function makeBrickDirs(args: GlusterVolumeArgs, time: Budget): Promise<void> {
  const byServer = new Map<string, string[]>();
  for (const b of args.bricks) byServer.set(b.server, [...(byServer.get(b.server) ?? []), b.path]);
  for (const [server, paths] of byServer) {
    await withSession(target(args, server, time), (s) =>
      s.run(`mkdir -p ${paths.map(shellQuote).join(" ")}`, time.left()),
    );
  }
}

function sameBricks(a: LiveVolume["bricks"], b: GlusterVolumeArgs["bricks"]): boolean {
  return a.length === b.length && a.every((x, i) => x.server === b[i].server && x.path === b[i].path);
}

/** Options set and removed, then started/stopped, until the volume matches `args`. */
async function converge(
  g: Gluster,
  args: GlusterVolumeArgs,
  live: LiveVolume,
  removed: string[],
): Promise<void> {
  const log = getLogger();
  const options = { ...live.options };
  for (const k of removed) {
    if (k in options) {
      log.info(`${who(args)}: gluster volume reset ${args.name} ${k}`);
      await g.reset(k);
      delete options[k];
    }
  }
  const groups = await g.groups(args.options);
  for (const [k, v] of optionsToSet(args.options, options, groups)) {
    log.info(`${who(args)}: gluster volume set ${args.name} ${k} ${v}`);
    await g.set(k, v);
  }
  const started = live.status === "Started";
  if (args.started && !started) {
    log.info(`${who(args)}: gluster volume start ${args.name}`);
    await g.start();
  } else if (!args.started && started) {
    log.info(`${who(args)}: gluster volume stop ${args.name}`);
    await g.stop();
  }
}

/**
 * Option names that were managed before and are not any more: reset. A group stands for its
 * options; what the new options (or their group) still set is kept. (After a refresh, options that
 * drifted from the group appear under their own names in `before`: the group sets them again.)
 */
async function removedOptions(g: Gluster, before: Record<string, string>, now: Record<string, string>) {
  const kept = new Set(Object.keys(now));
  if (now.group !== undefined)
    for (const k of Object.keys((await g.groups(now))[now.group] ?? {})) kept.add(k);
  const out = Object.keys(before).filter((k) => k !== "group" && !kept.has(k));
  if (before.group !== undefined && before.group !== now.group) {
    for (const k of Object.keys((await g.groups(before))[before.group] ?? {})) {
      if (!kept.has(k) && !out.includes(k)) out.push(k);
    }
  }
  return out;
}

function computed(live: LiveVolume): Props {
  return { volumeId: live.id, status: live.status, type: live.type };
}

/** `args` with what the server reports for the fields the user manages. */
async function liveInputs(
  g: Gluster,
  prior: GlusterVolumeArgs,
  live: LiveVolume,
): Promise<GlusterVolumeArgs> {
  const groups = await g.groups(prior.options);
  const effective = await g.effective(missingOptions(prior.options, live.options, groups));
  return {
    ...prior,
    name: live.name,
    replica: live.replica,
    bricks: live.bricks,
    options: optionsFromLive(prior.options, live.options, groups, (k) => effective[k]),
    started: live.status === "Started",
  };
}

function outputs(args: GlusterVolumeArgs, live: LiveVolume): Props {
  return compact({ ...args, ...computed(live) });
}

export const glusterVolumeProvider: KindProvider = {
  async check(_olds, news) {
    const inputs = bag(news);
    const label = who(inputs);
    const r = validate(GlusterVolumeArgsSchema, inputs, label);
    const failures = r.ok ? [] : [...r.failures];
    const ssh = inputs.ssh as Record<string, unknown> | undefined;
    for (const key of ["privateKeyPath", "knownHostsFile"] as const) {
      const file = ssh?.[key];
      if (typeof file === "string" && !isUnknown(file) && file.startsWith("/") && !fs.existsSync(file)) {
        failures.push({ property: `ssh.${key}`, reason: `${label}: ssh.${key} "${file}" does not exist` });
      }
    }
    if (failures.length) return { inputs, failures };
    return { inputs: r.ok ? compact(r.value as Props) : inputs };
  },

  async diff(_id, olds, news) {
    const prior = bag(olds);
    const desired = bag(news);
    const { changed, replaces } = diffFields(glusterVolumePolicies, prior, desired);
    // `satisfies` compares only the keys desired sets: an option dropped from `options` is a change too.
    const want = desired.options;
    if (!changed.includes("options") && want !== undefined && !isUnknown(want)) {
      const had = Object.keys((prior.options as Record<string, string> | undefined) ?? {});
      if (had.some((k) => !(k in (want as Record<string, string>)))) changed.push("options");
    }
    const sameName = !isUnknown(desired.name) && desired.name === prior.name;
    return {
      changes: changed.length > 0,
      replaces,
      // One name, one volume: the old one must go first (and `protect` keeps it unless said otherwise).
      deleteBeforeReplace: replaces.length > 0 && sameName,
    };
  },

  async create(inputs) {
    const args = parse(inputs);
    const time = budget(args, "create");
    const log = getLogger();
    if (args.adopt) {
      // Taken over as it is: no brick directory, no create, no start, no option is set.
      const where = `Gluster server ${args.servers[0].address}`;
      const found = await onFirstServer(args, time, (g) => g.info());
      if (!found) throw adoptMissing(who(args), "Gluster volume", args.name, where);
      logAdopting(who(args), "Gluster volume", found.id, where);
      const seen = await glusterVolumeProvider.read(found.id, args);
      return { id: found.id, outs: { ...seen.props, adopted: true } };
    }
    await makeBrickDirs(args, time);
    const live = await onFirstServer(args, time, async (g) => {
      let found = await g.info();
      if (found) {
        if (found.replica !== args.replica || !sameBricks(found.bricks, args.bricks)) {
          throw new Error(
            `${who(args)}: ${args.servers[0].address} already has a volume ${args.name} (id ${found.id}) with ` +
              `replica ${found.replica} and bricks ${found.bricks.map((b) => `${b.server}:${b.path}`).join(" ")}, ` +
              `not replica ${args.replica} and bricks ${args.bricks.map((b) => `${b.server}:${b.path}`).join(" ")}. ` +
              `It is not adopted: rename this resource or remove that volume.`,
          );
        }
        log.info(`${who(args)}: adopting the existing volume ${found.id} (${found.status}) and finishing it`);
      } else {
        log.info(
          `${who(args)}: gluster volume create ${args.name} replica ${args.replica} (${args.bricks.length} bricks)`,
        );
        await g.create(args.replica, args.bricks);
        found = await g.info();
        if (!found)
          throw new Error(`${who(args)}: gluster volume create succeeded but volume info does not show it`);
      }
      await converge(g, args, found, []);
      const done = await g.info();
      if (!done) throw new Error(`${who(args)}: the volume disappeared while it was being configured`);
      return done;
    });
    return { id: live.id, outs: outputs(args, live) };
  },

  async read(id, props) {
    const prior = parse(priorArgs(props));
    const time = budget(prior, "update");
    return onFirstServer(prior, time, async (g): Promise<pulumi.dynamic.ReadResult<Props>> => {
      const live = await g.info();
      // Gone, or another volume by that name now: ours is not there any more.
      if (!live || live.id !== id) return { id: "" };
      const inputs = compact(await liveInputs(g, prior, live)) as unknown as Props;
      return { id, props: compact({ ...inputs, ...computed(live), adopted: bag(props).adopted }), inputs };
    });
  },

  async update(id, olds, news) {
    const args = parse(news);
    const before = priorArgs(olds);
    const time = budget(args, "update");
    const live = await onFirstServer(args, time, async (g) => {
      const found = await g.info();
      if (!found || found.id !== id) {
        throw new Error(
          `${who(args)}: volume ${id} no longer exists on ${args.servers[0].address} (removed outside Pulumi?); ` +
            "run `pulumi refresh` to forget it, then `pulumi up` to make it again",
        );
      }
      await converge(g, args, found, await removedOptions(g, before.options ?? {}, args.options));
      return (await g.info()) ?? found;
    });
    return { outs: compact({ ...outputs(args, live), adopted: bag(olds).adopted }) };
  },

  async delete(id, props) {
    const prior = parse(priorArgs(props));
    if (prior.protect) {
      throw new Error(
        `${who(prior)}: protect is true, so the volume is not deleted. To delete it, set \`protect: false\` on ` +
          `it (the lab config's gluster.volumes[].protect), run \`pulumi up\`, then destroy again. ` +
          `Deleting never removes the data in its bricks.`,
      );
    }
    const time = budget(prior, "delete");
    const log = getLogger();
    await onFirstServer(prior, time, async (g) => {
      const live = await g.info();
      if (!live || live.id !== id) {
        log.info(`${who(prior)}: volume ${id} was already gone`);
        return;
      }
      if (live.status === "Started") {
        log.info(`${who(prior)}: gluster volume stop ${prior.name}`);
        await g.stop();
      }
      log.info(`${who(prior)}: gluster volume delete ${prior.name}`);
      await g.remove();
      log.info(
        `${who(prior)}: deleted; the data in its bricks is left in place (` +
          `${live.bricks.map((b) => `${b.server}:${b.path}`).join(", ")}); Gluster will not reuse those ` +
          `directories for a new volume until they are cleaned by hand`,
      );
    });
  },
};
