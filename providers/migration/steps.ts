// What each migration step does. Every step first looks at the engine and does only what is left
// (the host already gone, the domain already in maintenance...), so a step interrupted by a crash
// simply runs again. Returns one line saying what was done, kept in the step's outputs.
import { spawn } from "child_process";
import type { OvirtClient } from "../ovirt/client";
import type { OperationContext } from "../ovirt/context";
import { dataCenterId } from "../ovirt/datacenters";
import { isFault } from "../ovirt/errors";
import type { Expectation } from "../ovirt/expectations";
import { hostId } from "../ovirt/hosts";
import { getLogger } from "../ovirt/log";
import { storageDomainId, type ApiStorageDomain } from "../ovirt/storagedomains";
import { vmId, type ApiVm } from "../ovirt/vms";
import { waitFor } from "../ovirt/wait";
import type { StepArgs } from "./model";

const remaining = (ctx: OperationContext) => Math.max(0, ctx.deadline - Date.now());
const DOWN = new Set(["down", "image_locked"]);
const progress = (line: string) => getLogger().info(line);

async function waitUntil(
  ctx: OperationContext,
  what: string,
  awaited: string,
  check: () => Promise<string | true>,
  expect?: Expectation,
) {
  await waitFor({
    what,
    awaited,
    timeoutMs: remaining(ctx),
    initialDelayMs: 200,
    maxDelayMs: 5000,
    onProgress: progress,
    expect,
    poll: async () => {
      const r = await check();
      return r === true ? { done: true, state: awaited } : { done: false, state: r };
    },
  });
}

/** Shuts a VM down and waits for `down`. A VM already down (or going down) is fine. */
async function shutDown(c: OvirtClient, ctx: OperationContext, vm: ApiVm): Promise<void> {
  const id = vmId(vm.id ?? "");
  try {
    await c.vms.action(ctx, id, "shutdown");
  } catch (err) {
    if (!(isFault(err, "conflict") && /not running/i.test(err instanceof Error ? err.message : "")))
      throw err;
  }
  await waitUntil(
    ctx,
    `VM "${vm.name}"`,
    "status down",
    async () => {
      const v = await c.vms.tryGet(ctx, id);
      return !v || DOWN.has(v.status ?? "") ? true : `status ${v.status}`;
    },
    { kind: "vm.shutdown", engine: c.engine },
  );
}

async function hostEvacuate(c: OvirtClient, ctx: OperationContext, a: StepArgs): Promise<string> {
  const host = await c.hosts.findByName(ctx, a.subject);
  if (!host?.id) return `host ${a.subject} has left the engine already`;
  const running = (await c.vms.onHost(ctx, a.subject)).filter((v) => !DOWN.has(v.status ?? ""));
  if (running.length === 0) return "no VM runs on the host";
  const done: string[] = [];
  for (const vm of running) {
    const id = vmId(vm.id ?? "");
    if (a.vms === "stop") {
      progress(`host "${a.subject}": shutting down VM "${vm.name}"`);
      await shutDown(c, ctx, vm);
      done.push(`${vm.name} shut down`);
      continue;
    }
    progress(`host "${a.subject}": migrating VM "${vm.name}" away`);
    try {
      await c.vms.action(ctx, id, "migrate");
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      throw new Error(
        `host "${a.subject}": VM "${vm.name}" cannot be migrated away: ${text}. Set move.vms: stop on the ` +
          `host to shut its VMs down instead, or make room on another host of its cluster`,
        { cause: err },
      );
    }
    let where = "";
    await waitUntil(
      ctx,
      `VM "${vm.name}"`,
      "up on another host",
      async () => {
        const v = await c.vms.tryGet(ctx, id);
        if (!v) return true;
        if (v.status === "up" && v.host?.id && v.host.id !== host.id) {
          where = v.host.id;
          return true;
        }
        return `status ${v.status}`;
      },
      { kind: "vm.migrate", engine: c.engine },
    );
    const target = where ? await c.hosts.tryGet(ctx, hostId(where)) : undefined;
    done.push(`${vm.name} migrated to ${target?.name ?? where}`);
  }
  return done.join(", ");
}

async function hostMaintenance(c: OvirtClient, ctx: OperationContext, a: StepArgs): Promise<string> {
  const host = await c.hosts.findByName(ctx, a.subject);
  if (!host?.id) return `host ${a.subject} has left the engine already`;
  const id = hostId(host.id);
  if (host.status !== "maintenance") {
    if (host.status !== "preparing_for_maintenance") await c.hosts.action(ctx, id, "deactivate");
    await c.hosts.waitStatus(ctx, id, ["maintenance"], {
      what: `host "${a.subject}"`,
      onProgress: progress,
      kind: "host.maintenance",
    });
    return "host in maintenance";
  }
  return "host was in maintenance already";
}

async function hostRemove(c: OvirtClient, ctx: OperationContext, a: StepArgs): Promise<string> {
  const host = await c.hosts.findByName(ctx, a.subject);
  if (!host?.id) return `host ${a.subject} had left the engine already`;
  if (host.status !== "maintenance") {
    throw new Error(
      `host "${a.subject}" is ${host.status}, not in maintenance, so it is not removed (someone activated ` +
        `it after the maintenance step?): put it in maintenance and run pulumi up again`,
    );
  }
  await c.hosts.remove(ctx, hostId(host.id));
  await waitUntil(ctx, `host "${a.subject}"`, "removed", async () =>
    (await c.hosts.findByName(ctx, a.subject)) ? "still there" : true,
  );
  return "host removed from the engine";
}

/** Runs the user's reinstall command; its output is logged with the root password masked. */
async function hostReprovision(ctx: OperationContext, a: StepArgs): Promise<string> {
  const mask = (line: string) => (a.rootPassword ? line.split(a.rootPassword).join("[secret]") : line);
  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn("sh", ["-c", a.command ?? ""], {
      env: {
        ...process.env,
        OVIRT_LAB_HOST: a.subject,
        OVIRT_LAB_ADDRESS: a.address ?? "",
        OVIRT_LAB_ROOT_PASSWORD: a.rootPassword ?? "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), remaining(ctx));
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        tail.push(mask(line));
        if (tail.length > 20) tail.shift();
        progress(`host "${a.subject}": reprovision: ${mask(line)}`);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve(status ?? -1);
    });
  });
  if (code !== 0) {
    throw new Error(
      `host "${a.subject}": the reprovision command exited with status ${code}; its last output:\n` +
        tail.join("\n"),
    );
  }
  return "machine reprovisioned";
}

async function findDomain(
  c: OvirtClient,
  ctx: OperationContext,
  name: string,
): Promise<ApiStorageDomain | undefined> {
  return c.storagedomains.findByName(ctx, name);
}

/** The data center a domain is attached to, and its status there. */
async function attachment(c: OvirtClient, ctx: OperationContext, sd: ApiStorageDomain) {
  const dc = sd.data_centers?.[0]?.id ?? sd.data_center?.id;
  if (!dc || !sd.id) return undefined;
  const att = await c.storagedomains.tryGetAttached(ctx, dataCenterId(dc), storageDomainId(sd.id));
  return att ? { dc: dataCenterId(dc), status: att.status ?? "unknown" } : undefined;
}

async function domainStopVms(c: OvirtClient, ctx: OperationContext, a: StepArgs): Promise<string> {
  const sd = await findDomain(c, ctx, a.subject);
  if (!sd?.id) return `storage domain ${a.subject} has left the engine already`;
  const vms = (await c.storagedomains.vmsOn(ctx, storageDomainId(sd.id))).filter(
    (v) => !DOWN.has(v.status ?? ""),
  );
  for (const vm of vms) {
    progress(`storage domain "${a.subject}": shutting down VM "${vm.name}"`);
    await shutDown(c, ctx, vm);
  }
  return vms.length ? `shut down ${vms.map((v) => v.name).join(", ")}` : "no VM on the domain was running";
}

async function domainMaintenance(c: OvirtClient, ctx: OperationContext, a: StepArgs): Promise<string> {
  const sd = await findDomain(c, ctx, a.subject);
  if (!sd?.id) return `storage domain ${a.subject} has left the engine already`;
  const att = await attachment(c, ctx, sd);
  if (!att) return "the domain is not attached to a data center";
  if (att.status === "maintenance") return "domain was in maintenance already";
  const sid = storageDomainId(sd.id);
  if (att.status !== "preparing_for_maintenance") await c.storagedomains.deactivate(ctx, att.dc, sid);
  await waitUntil(
    ctx,
    `storage domain "${a.subject}"`,
    "status maintenance",
    async () => {
      const d = await c.storagedomains.tryGetAttached(ctx, att.dc, sid);
      return !d || d.status === "maintenance" ? true : `status ${d.status}`;
    },
    { kind: "storagedomain.maintenance", engine: c.engine },
  );
  return "domain in maintenance";
}

async function domainDetach(c: OvirtClient, ctx: OperationContext, a: StepArgs): Promise<string> {
  const sd = await findDomain(c, ctx, a.subject);
  if (!sd?.id) return `storage domain ${a.subject} has left the engine already`;
  const att = await attachment(c, ctx, sd);
  if (!att) return "domain was detached already";
  const sid = storageDomainId(sd.id);
  await c.storagedomains.detach(ctx, att.dc, sid);
  await waitUntil(
    ctx,
    `storage domain "${a.subject}"`,
    "detached",
    async () => ((await c.storagedomains.tryGetAttached(ctx, att.dc, sid)) ? "attached" : true),
    { kind: "storagedomain.detach", engine: c.engine },
  );
  return "domain detached from its data center";
}

async function domainRemove(c: OvirtClient, ctx: OperationContext, a: StepArgs): Promise<string> {
  const sd = await findDomain(c, ctx, a.subject);
  if (!sd?.id) return `storage domain ${a.subject} had left the engine already`;
  if (await attachment(c, ctx, sd)) {
    throw new Error(`storage domain "${a.subject}" is still attached to a data center; it is not removed`);
  }
  const sid = storageDomainId(sd.id);
  // Removing needs an up host; with none left (every host moved), the engine only forgets it.
  const up = (await c.hosts.list(ctx, { search: "status=up" }))[0];
  if (up?.name) await c.storagedomains.removeWith(ctx, sid, { host: up.name, format: false });
  else await c.storagedomains.forget(ctx, sid);
  await waitUntil(ctx, `storage domain "${a.subject}"`, "removed", async () =>
    (await findDomain(c, ctx, a.subject)) ? "still there" : true,
  );
  return up?.name
    ? `removed through host ${up.name}, not formatted`
    : "forgotten by the engine (no host up), not formatted";
}

/** Runs one step. `client` is the step's engine (unused by host-reprovision). */
export async function runStep(c: OvirtClient, ctx: OperationContext, a: StepArgs): Promise<string> {
  switch (a.action) {
    case "host-evacuate":
      return hostEvacuate(c, ctx, a);
    case "host-maintenance":
      return hostMaintenance(c, ctx, a);
    case "host-remove":
      return hostRemove(c, ctx, a);
    case "host-reprovision":
      return hostReprovision(ctx, a);
    case "domain-stop-vms":
      return domainStopVms(c, ctx, a);
    case "domain-maintenance":
      return domainMaintenance(c, ctx, a);
    case "domain-detach":
      return domainDetach(c, ctx, a);
    case "domain-remove":
      return domainRemove(c, ctx, a);
  }
}
