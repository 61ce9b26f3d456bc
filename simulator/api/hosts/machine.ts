// The host state machines (AddVds/InstallVdsInternal, ActivateVds, MaintenanceNumberOfVdss,
// UpgradeHost, host-upgrade-check, fencing), run by the scheduler with the engine's durations:
//   add/install:  installing -> initializing -> up | non_operational     (activate, the default)
//                 installing -> maintenance                              (activate=false)
//                 installing -> install_failed  (bad credentials, host managed by another engine)
//   deactivate:   up -> preparing_for_maintenance -> maintenance
//   activate:     maintenance -> unassigned -> up | non_operational
//   upgrade:      [up -> preparing_for_maintenance -> maintenance ->] installing -> reboot ->
//                 initializing -> up   (or back to maintenance when it started there)
//   fence:        restart: reboot -> initializing -> up; stop: down; start: reboot -> ... -> up
// A host that does not support its cluster's level ends non_operational (VDS_CLUSTER_VERSION_NOT_SUPPORTED).
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import {
  claimHost,
  installedOs,
  readHost,
  registerHost,
  updateHost,
  type PhysicalHost,
} from "../../dataplane/hosts";
import { engineSshKey } from "../../pki";
import type { Cluster } from "../clusters/model";
import { levelString } from "../common/levels";
import { recordEvent, type EventTypeName } from "../events/record";
import { addStep, endJob } from "../jobs/record";
import {
  authFailedText,
  hasDeploy,
  managedElsewhereText,
  noSessionText,
  startDeploy,
  takeDeploy,
  type DeployFacts,
  type DeployOutcome,
} from "./deploy";
import type { Host, HostStatus } from "./model";
import { migrateVmsOff, vmsOnHost } from "../vms/migrate";

/** Engine milliseconds of each step (scaled by --time-scale). */
export const DURATIONS = {
  install: 40_000,
  initialize: 10_000,
  maintenance: 5_000,
  activate: 5_000,
  upgradeCheck: 10_000,
  upgrade: 60_000,
  reboot: 30_000,
} as const;

const H = {
  install: "host.install",
  initialized: "host.initialized",
  maintenance: "host.maintenance",
  upgradeCheck: "host.upgradecheck",
  upgrade: "host.upgrade",
  rebooted: "host.rebooted",
} as const;

interface Payload {
  hostId: string;
}

/** The public key the engine deploys hosts with (pki-resource engine-certificate OPENSSH-PUBKEY). */
export function engineSshPublicKey(engine: EngineContext): string {
  // The real key pair in the engine's PKI directory (generated on first use); the synthetic line only
  // for a context without one.
  if (engine.pkiDir) return engineSshKey(engine.pkiDir).publicKey;
  const blob = crypto.createHash("sha512").update(`ovirt-engine:${engine.instanceId}`).digest("base64");
  return `ssh-rsa AAAAB3NzaC1yc2E${blob} ovirt-engine`;
}

function clusterOf(engine: EngineContext, h: Host): Cluster | undefined {
  return engine.store.get<Cluster>("cluster", h.cluster.id);
}

function named(h: Host) {
  return { id: h.id, name: h.name };
}

function event(
  engine: EngineContext,
  h: Host,
  type: EventTypeName,
  vars: Record<string, string> = {},
  byUser = false,
) {
  const c = clusterOf(engine, h);
  recordEvent(engine, {
    type,
    vars,
    host: named(h),
    cluster: c ? { id: c.id, name: c.name } : undefined,
    correlationId: h.pending?.correlationId,
    byUser,
  });
}

function save(engine: EngineContext, h: Host): void {
  engine.store.update("host", h);
}

const STATUS_TEXT: Partial<Record<HostStatus, string>> = {
  up: "Up",
  maintenance: "Maintenance",
  non_operational: "NonOperational",
  install_failed: "InstallFailed",
  down: "Down",
};

/** Ends the running command: the host's final status, the job, the status event. */
function settle(engine: EngineContext, h: Host, status: HostStatus, succeeded = true): void {
  const jobId = h.pending?.jobId;
  h.status = status;
  save(engine, h);
  endJob(engine, jobId, succeeded);
  if (status === "up" || status === "non_operational" || status === "maintenance") {
    event(engine, h, "VDS_DETECTED", { HostStatus: STATUS_TEXT[status] ?? status });
  }
  delete h.pending;
  save(engine, h);
}

/** What getCapabilities tells the engine about the machine. */
function capabilities(h: Host, m: PhysicalHost, fingerprintSeed: string): Host {
  const cpu = m.cpu;
  return {
    ...h,
    certificate: { organization: "lab", subject: `O=lab,CN=${m.address}` },
    cpu: {
      name: cpu.name,
      speed: cpu.speed,
      topology: { cores: cpu.cores, sockets: cpu.sockets, threads: cpu.threads },
      type: cpu.type,
    },
    hardware_information: {
      family: m.os === "el7" ? "Red Hat Enterprise Linux" : "Red Hat Enterprise Linux 8",
      manufacturer: "Red Hat",
      product_name: "KVM",
      supported_rng_sources: ["random", "hwrng"],
      uuid: m.hardwareUuid,
      version: m.os === "el7" ? "RHEL 7.6.0 PC (i440FX + PIIX, 1996)" : "RHEL-8.6.0 PC (Q35 + ICH9, 2009)",
    },
    iscsi: { initiator: `iqn.1994-05.com.redhat:${m.hardwareUuid.slice(0, 12).toLowerCase()}` },
    kdump_status: "disabled",
    libvirt_version: { ...m.libvirt },
    max_scheduling_memory: Math.floor(m.memory * 0.8),
    memory: m.memory,
    numa_supported: false,
    os: {
      custom_kernel_cmdline: "",
      reported_kernel_cmdline: m.kernelCmdline,
      type: "RHEL",
      version: { full_version: m.osVersion.full_version, major: m.osVersion.major, minor: m.osVersion.minor },
    },
    se_linux: { mode: "enforcing" },
    ssh: {
      ...h.ssh,
      fingerprint: `SHA256:${crypto.createHash("sha256").update(fingerprintSeed).digest("base64").replace(/=+$/, "")}`,
    },
    version: { ...m.vdsm },
    supported_levels: [...m.clusterLevels],
    reinstallation_required: false,
  };
}

/** Whether host-deploy can log in: the root password, or the engine's key in authorized_keys. */
function authenticates(
  engine: EngineContext,
  h: Host,
  m: PhysicalHost,
  password: string | undefined,
): boolean {
  if (h.ssh.authentication_method === "publickey") return m.authorizedKey === engineSshPublicKey(engine);
  return password !== undefined && m.rootPassword === password;
}

/** Starts (re)installing `h`: status installing, the install step, the timer. */
export function beginInstall(
  engine: EngineContext,
  h: Host,
  opts: { activate: boolean; jobId: string; correlationId: string; password?: string; fingerprint?: string },
): void {
  if (engine.hostDeploy === "ssh") return beginSshInstall(engine, h, opts);
  // A machine never seen before is registered as a fresh install matching the engine (EL8 for 4.4,
  // EL7 for 4.3) with the given credentials, so a demo needs no preparation.
  if (!readHost(engine.dataPlane, h.address)) {
    registerHost(engine.dataPlane, h.address, engine.personality.version === "4.4" ? "el8" : "el7", {
      rootPassword: h.ssh.authentication_method === "password" ? opts.password : undefined,
      authorizedKey: h.ssh.authentication_method === "publickey" ? engineSshPublicKey(engine) : undefined,
    });
  }
  h.status = "installing";
  h.pending = { activate: opts.activate, jobId: opts.jobId, correlationId: opts.correlationId };
  save(engine, h);
  addStep(engine, opts.jobId, `Installing Host ${h.name}`);
  event(engine, h, "VDS_INSTALL_IN_PROGRESS", { Message: "Stage: Initializing" });
  // Host-deploy's SSH login is decided now, so the password never reaches the durable timer.
  const m = readHost(engine.dataPlane, h.address)!;
  const authOk = authenticates(engine, h, m, opts.password);
  engine.scheduler.after(H.install, DURATIONS.install, { hostId: h.id, authOk });
}

function failInstall(engine: EngineContext, h: Host, message: string): void {
  event(engine, h, "VDS_INSTALL_FAILED", { FailedInstallMessage: message });
  settle(engine, h, "install_failed", false);
}

function onInstall(engine: EngineContext, p: Payload & { authOk: boolean; ssh?: boolean }): void {
  const h = engine.store.get<Host>("host", p.hostId);
  if (!h || h.status !== "installing") return;
  if (p.ssh) return onSshInstall(engine, h);
  const m = readHost(engine.dataPlane, h.address);
  if (!m) return failInstall(engine, h, noSessionText(h.address));
  if (!p.authOk) return failInstall(engine, h, authFailedText(h.address));
  const claim = claimHost(engine.dataPlane, h.address, {
    instanceId: engine.instanceId,
    engineFullVersion: engine.personality.fullVersion,
    engineName: `oVirt Engine ${engine.personality.fullVersion}`,
    hostId: h.id,
  });
  if (!claim.ok) return failInstall(engine, h, managedElsewhereText(h.address, claim.managedBy));
  installed(engine, capabilities(h, claim.host, `${claim.host.hardwareUuid}:${claim.host.os}`));
}

/** Host-deploy is done: VDS_INSTALL, then initializing (activate) or maintenance. */
function installed(engine: EngineContext, installed: Host): void {
  installed.update_available = false;
  event(engine, installed, "VDS_INSTALL");
  if (installed.pending?.activate) {
    installed.status = "initializing";
    save(engine, installed);
    engine.scheduler.after(H.initialized, DURATIONS.initialize, { hostId: installed.id });
  } else {
    settle(engine, installed, "maintenance");
  }
}

// ---- hostDeploy "ssh": a real host-deploy session (deploy.ts) next to the durable install timer ----

function beginSshInstall(
  engine: EngineContext,
  h: Host,
  opts: { activate: boolean; jobId: string; correlationId: string; password?: string; fingerprint?: string },
): void {
  h.status = "installing";
  h.pending = {
    activate: opts.activate,
    jobId: opts.jobId,
    correlationId: opts.correlationId,
    deploy: "ssh",
  };
  save(engine, h);
  addStep(engine, opts.jobId, `Installing Host ${h.name}`);
  event(engine, h, "VDS_INSTALL_IN_PROGRESS", { Message: "Stage: Initializing" });
  // The password lives in the session's closure only; the timer carries the host id.
  startDeploy(engine, h, { password: opts.password, fingerprint: opts.fingerprint ?? h.ssh.fingerprint });
  engine.scheduler.after(H.install, DURATIONS.install, { hostId: h.id, authOk: false, ssh: true });
}

function onSshInstall(engine: EngineContext, h: Host): void {
  const outcome = takeDeploy(engine, h.id, (o) => {
    // The session ended after the timer: finish in a transaction of its own.
    try {
      engine.store.transaction(() => {
        const now = engine.store.get<Host>("host", h.id);
        if (now && now.status === "installing" && now.pending?.deploy === "ssh")
          finishSshInstall(engine, now, o);
      });
    } catch (err) {
      process.stderr.write(`engine: host-deploy of ${h.name} could not be recorded: ${String(err)}\n`);
    }
  });
  if (outcome === "running") return;
  // No session in this process: the engine restarted while the host was installing.
  if (outcome === undefined) return failInterrupted(engine, h);
  finishSshInstall(engine, h, outcome);
}

/** What ResourceManager does at start-up with a host caught installing: InstallFailed. */
function failInterrupted(engine: EngineContext, h: Host): void {
  settle(engine, h, "install_failed", false);
}

function finishSshInstall(engine: EngineContext, h: Host, o: DeployOutcome): void {
  if (!o.ok) return failInstall(engine, h, o.message);
  recordFacts(engine, h.address, o.facts);
  const claim = claimHost(engine.dataPlane, h.address, {
    instanceId: engine.instanceId,
    engineFullVersion: engine.personality.fullVersion,
    engineName: `oVirt Engine ${engine.personality.fullVersion}`,
    hostId: h.id,
    hostKeyFingerprint: o.facts.fingerprint,
  });
  if (!claim.ok) return failInstall(engine, h, managedElsewhereText(h.address, claim.managedBy));
  const next = capabilities(h, claim.host, "");
  next.ssh = { ...next.ssh, fingerprint: o.facts.fingerprint };
  installed(engine, next);
}

/** The machine's record now says what host-deploy read over SSH (a machine never seen is registered). */
function recordFacts(engine: EngineContext, address: string, f: DeployFacts): PhysicalHost {
  registerHost(engine.dataPlane, address, f.os);
  return updateHost(engine.dataPlane, address, (x) => {
    const table = installedOs(f.os);
    const same = table.osVersion.major === f.osMajor && table.osVersion.minor === f.osMinor;
    return {
      ...x,
      ...table,
      osVersion: {
        major: f.osMajor,
        minor: f.osMinor,
        full_version: same ? table.osVersion.full_version : `${f.osMajor}.${f.osMinor}`,
      },
      vdsm: { ...f.vdsm, full_version: f.vdsmFull },
      hostname: f.hostname,
      sshFingerprint: f.fingerprint,
    };
  })!;
}

/** At start-up: hosts caught in a host-deploy session of the previous process failed to install. */
function failInterruptedInstalls(engine: EngineContext): void {
  for (const h of engine.store.list<Host>("host")) {
    if (h.status === "installing" && h.pending?.deploy === "ssh" && !hasDeploy(engine, h.id))
      engine.store.transaction(() => failInterrupted(engine, h));
  }
}

/** The host joins its cluster: up, or non_operational when its vdsm lacks the cluster's level. */
function onInitialized(engine: EngineContext, p: Payload): void {
  const h = engine.store.get<Host>("host", p.hostId);
  if (!h || !["initializing", "unassigned"].includes(h.status)) return;
  const c = clusterOf(engine, h);
  const level = c ? levelString(c.version) : undefined;
  const supported = h.supported_levels ?? [];
  if (c && level && !supported.includes(level)) {
    event(engine, h, "VDS_CLUSTER_VERSION_NOT_SUPPORTED", {
      VdsSupportedVersions: supported.join(","),
      CompatibilityVersion: level,
    });
    return settle(engine, h, "non_operational");
  }
  settle(engine, h, "up");
}

export function beginActivate(engine: EngineContext, h: Host, jobId: string, correlationId: string): void {
  h.status = "unassigned";
  h.pending = { activate: true, jobId, correlationId };
  save(engine, h);
  engine.scheduler.after(H.initialized, DURATIONS.activate, { hostId: h.id });
}

export function beginMaintenance(
  engine: EngineContext,
  h: Host,
  jobId: string,
  correlationId: string,
  then?: "upgrade",
): void {
  h.status = "preparing_for_maintenance";
  h.pending = { activate: false, jobId, correlationId, returnTo: then === "upgrade" ? "up" : undefined };
  save(engine, h);
  migrateVmsOff(engine, h.id, { jobId, correlationId });
  engine.scheduler.after(H.maintenance, DURATIONS.maintenance, { hostId: h.id, then });
}

function onMaintenance(engine: EngineContext, p: Payload & { then?: "upgrade" }): void {
  const h = engine.store.get<Host>("host", p.hostId);
  if (!h || h.status !== "preparing_for_maintenance") return;
  // The host stays preparing_for_maintenance while VMs run on it (MaintenanceVds migrated them;
  // the engine retries those still up on it while another host can take them).
  if (vmsOnHost(engine, h.id).length > 0) {
    migrateVmsOff(engine, h.id, { correlationId: h.pending?.correlationId });
    engine.scheduler.after(H.maintenance, DURATIONS.maintenance, p);
    return;
  }
  if (p.then === "upgrade") {
    h.status = "maintenance";
    save(engine, h);
    event(engine, h, "VDS_MAINTENANCE");
    return startUpgrade(engine, h);
  }
  event(engine, h, "VDS_MAINTENANCE");
  settle(engine, h, "maintenance");
}

export function beginUpgradeCheck(
  engine: EngineContext,
  h: Host,
  jobId: string,
  correlationId: string,
): void {
  event(engine, { ...h, pending: { activate: false, correlationId } }, "HOST_AVAILABLE_UPDATES_STARTED");
  engine.scheduler.after(H.upgradeCheck, DURATIONS.upgradeCheck, { hostId: h.id, jobId, correlationId });
}

function onUpgradeCheck(engine: EngineContext, p: Payload & { jobId: string; correlationId: string }): void {
  const h = engine.store.get<Host>("host", p.hostId);
  if (!h) return endJob(engine, p.jobId, false);
  const m = readHost(engine.dataPlane, h.address);
  h.update_available = !!m?.updatesAvailable;
  save(engine, h);
  event(
    engine,
    { ...h, pending: { activate: false, correlationId: p.correlationId } },
    "HOST_AVAILABLE_UPDATES_FINISHED",
    {
      Message: h.update_available ? "found updates for packages vdsm, vdsm-client" : "no updates found.",
    },
  );
  endJob(engine, p.jobId, true);
}

/** Upgrade: from maintenance (the engine moved it there first when it was up). */
export function beginUpgrade(
  engine: EngineContext,
  h: Host,
  opts: { jobId: string; correlationId: string; reboot: boolean },
): void {
  const wasUp = h.status === "up" || h.status === "non_operational";
  event(
    engine,
    { ...h, pending: { activate: false, correlationId: opts.correlationId } },
    "HOST_UPGRADE_STARTED",
    {},
    true,
  );
  if (wasUp) {
    beginMaintenance(engine, h, opts.jobId, opts.correlationId, "upgrade");
    const again = engine.store.get<Host>("host", h.id)!;
    again.pending = { ...again.pending!, returnTo: "up", reboot: opts.reboot };
    save(engine, again);
    return;
  }
  h.pending = {
    activate: false,
    jobId: opts.jobId,
    correlationId: opts.correlationId,
    returnTo: "maintenance",
    reboot: opts.reboot,
  };
  startUpgrade(engine, h);
}

function startUpgrade(engine: EngineContext, h: Host): void {
  h.status = "installing";
  save(engine, h);
  if (h.pending?.jobId) addStep(engine, h.pending.jobId, `Upgrading Host ${h.name}`);
  engine.scheduler.after(H.upgrade, DURATIONS.upgrade, { hostId: h.id });
}

function onUpgrade(engine: EngineContext, p: Payload): void {
  const h = engine.store.get<Host>("host", p.hostId);
  if (!h || h.status !== "installing") return;
  const m = updateHost(engine.dataPlane, h.address, (x) => ({
    ...x,
    updatesAvailable: false,
    vdsm: {
      ...x.vdsm,
      build: x.vdsm.build + 1,
      full_version: x.vdsm.full_version.replace(
        /^vdsm-(\d+)\.(\d+)\.(\d+)/,
        (_a, a, b, c: string) => `vdsm-${a}.${b}.${Number(c) + 1}`,
      ),
    },
  }));
  let next: Host = m ? capabilities(h, m, `${m.hardwareUuid}:${m.os}`) : h;
  next.update_available = false;
  const reboot = h.pending?.reboot ?? true;
  event(engine, next, reboot ? "HOST_UPGRADE_FINISHED_AND_WILL_BE_REBOOTED" : "HOST_UPGRADE_FINISHED");
  if (reboot) {
    next.status = "reboot";
    save(engine, next);
    engine.scheduler.after(H.rebooted, DURATIONS.reboot, { hostId: h.id });
    return;
  }
  next = { ...next };
  afterRestart(engine, next);
}

function afterRestart(engine: EngineContext, h: Host): void {
  if (h.pending?.returnTo === "maintenance") return settle(engine, h, "maintenance");
  h.status = "initializing";
  save(engine, h);
  engine.scheduler.after(H.initialized, DURATIONS.initialize, { hostId: h.id });
}

function onRebooted(engine: EngineContext, p: Payload): void {
  const h = engine.store.get<Host>("host", p.hostId);
  if (!h || h.status !== "reboot") return;
  afterRestart(engine, h);
}

/** Fencing through power management: restart/start reboot the machine, stop powers it off. */
export function beginFence(
  engine: EngineContext,
  h: Host,
  fenceType: "restart" | "start" | "stop",
  jobId: string,
  correlationId: string,
): void {
  if (fenceType === "stop") {
    h.pending = { activate: false, jobId, correlationId };
    return settle(engine, h, "down");
  }
  const returnTo: HostStatus = h.status === "maintenance" ? "maintenance" : "up";
  h.status = "reboot";
  h.pending = { activate: true, jobId, correlationId, returnTo };
  save(engine, h);
  engine.scheduler.after(H.rebooted, DURATIONS.reboot, { hostId: h.id });
}

/** Registers the handlers; called once when the hosts area is mounted (before the scheduler starts). */
export function registerHostMachine(engine: EngineContext): void {
  failInterruptedInstalls(engine);
  engine.scheduler.on(H.install, (p) => onInstall(engine, p as Payload & { authOk: boolean; ssh?: boolean }));
  engine.scheduler.on(H.initialized, (p) => onInitialized(engine, p as Payload));
  engine.scheduler.on(H.maintenance, (p) => onMaintenance(engine, p as Payload & { then?: "upgrade" }));
  engine.scheduler.on(H.upgradeCheck, (p) =>
    onUpgradeCheck(engine, p as Payload & { jobId: string; correlationId: string }),
  );
  engine.scheduler.on(H.upgrade, (p) => onUpgrade(engine, p as Payload));
  engine.scheduler.on(H.rebooted, (p) => onRebooted(engine, p as Payload));
}
