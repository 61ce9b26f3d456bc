// The jobs every user command leaves behind (ExecutionHandler): created with the request's correlation
// id and an "Executing" step, `started` while the command's asynchronous part runs, then `finished`
// or `failed`. Every area records its commands through these functions, e.g.
//   const job = startJob(engine, { description: jobText("AddVds", { VDS: name, Cluster: c }), correlationId });
//   ... later, from a scheduler handler: endJob(engine, job, true);
// or, for a command that completes at once: recordJob(engine, { description, correlationId }).
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import type { Job, Step, StepType } from "./model";

/**
 * Job descriptions (ExecutionMessages.properties, `job.<Command>`). Areas add theirs here; the
 * placeholders are filled by jobText.
 */
export const JOB_TEXTS = {
  AddVds: "Adding new Host ${VDS} to Cluster ${Cluster}",
  UpdateVds: "Updating Host ${VDS} properties",
  ChangeVDSCluster: "Changing Host ${VDS} Cluster to ${Cluster}",
  RemoveVds: "Removing Host ${VDS} from Cluster ${Cluster}",
  ActivateVds: "Invoking Activate Host ${VDS}",
  InitVdsOnUp: "Activating Host ${VDS}",
  MaintenanceNumberOfVdss: "Moving Host(s) ${VDS} to Maintenance",
  InstallVdsInternal: "Installing Host ${VDS}",
  StartVds: "Starting Host ${VDS} (Fencing) on Cluster ${Cluster}",
  StopVds: "Stopping Host ${VDS} (Fencing) on Cluster ${Cluster}",
  RestartVds: "Restarting Host ${VDS} (Fencing) on Cluster ${Cluster}",
  FenceVdsManualy: "Fencing Host ${VDS} manually",
  // Not in ExecutionMessages (the engine's bundle has no job.* key for these commands); our wording.
  UpgradeHost: "Upgrading Host ${VDS}",
  HostUpgradeCheck: "Checking for available updates on Host ${VDS}",
  RefreshHost: "Refreshing capabilities of Host ${VDS}",
  StartClusterUpgrade: "Starting upgrade of Cluster ${Cluster}",
  FinishClusterUpgrade: "Finishing upgrade of Cluster ${Cluster}",
  // Other areas' commands.
  AddCluster: "Adding Cluster ${ClusterName} to Data Center ${StoragePool}",
  UpdateCluster: "Updating Cluster ${Cluster}",
  RemoveCluster: "Deleting Cluster ${Cluster}",
  RunVm: "Launching VM ${VM}",
  MigrateVm: "Migrating VM ${VM}",
  MigrateVmToServer: "Migrating VM ${VM} to Host ${VDS}",
  CancelMigrateVm: "Canceling migration of VM ${VM}",
  DetachStorageDomainFromPool: "Detaching Storage Domain ${Storage} from Data Center ${StoragePool}",
  AddDisk: "Adding Disk",
  AttachStorageDomainToPool: "Attaching Storage Domain ${Storage} to Data Center ${StoragePool}",
  AddGlusterFsStorageDomain: "Adding Gluster FS Storage Domain ${Storage} to Data Center ${StoragePool}",
  CreateGlusterVolume: "Creating Gluster Volume ${GlusterVolume} on Cluster ${Cluster}",
  // Storage domains and Gluster volumes (storagedomains/, glustervolumes/).
  AddNFSStorageDomain: "Adding NFS Storage Domain ${Storage}",
  AddPosixFsStorageDomain: "Adding Posix FS Storage Domain ${Storage}",
  AddExistingFileStorageDomain: "Adding File Storage Domain ${Storage}",
  ActivateStorageDomain: "Activating Storage Domain ${Storage} on Data Center ${StoragePool}",
  DeactivateStorageDomainWithOvfUpdate:
    "Deactivating Storage Domain ${Storage} in Data Center ${StoragePool}",
  StartGlusterVolume: "Starting Gluster Volume ${GlusterVolume}",
  StopGlusterVolume: "Stopping Gluster Volume ${GlusterVolume}",
  CommitNetworkChanges: "Applying saved network configuration to Host ${VDS}",
  ImportVmTemplateFromConfiguration:
    "Importing Template ${VmTemplate} from configuration to Cluster ${Cluster}",
  AddBricksToGlusterVolume: "Adding Bricks to Gluster Volume ${GlusterVolume}",
  GlusterVolumeRemoveBricks: "Removing Bricks from Gluster Volume ${GlusterVolume}",
} as const;

export type JobCommand = keyof typeof JOB_TEXTS;

export function fill(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\$\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** The description of `command`'s job with its placeholders filled. */
export function jobText(command: JobCommand, vars: Readonly<Record<string, string>>): string {
  return fill(JOB_TEXTS[command], vars);
}

let seqCounter = 0;

/** Increasing across restarts (microsecond clock) and within one millisecond (counter). */
function nextSeq(): number {
  seqCounter = Math.max(seqCounter + 1, Date.now() * 1000);
  return seqCounter;
}

export interface StartJobOptions {
  description: string;
  correlationId: string;
  /** The first step's description; "Executing" by default. */
  step?: string;
  stepType?: StepType;
  /** The host the step runs on, when there is one. */
  executionHostId?: string;
}

/** Creates a `started` job with one `started` step and returns its id. */
export function startJob(engine: EngineContext, opts: StartJobOptions): string {
  const now = Date.now();
  const id = crypto.randomUUID();
  const step: Step = {
    id: crypto.randomUUID(),
    description: opts.step ?? "Executing",
    type: opts.stepType ?? "executing",
    number: 0,
    status: "started",
    start_time: now,
    external: false,
    job: { id },
    execution_host: opts.executionHostId ? { id: opts.executionHostId } : undefined,
  };
  const job: Job = {
    id,
    description: opts.description,
    status: "started",
    start_time: now,
    last_updated: now,
    external: false,
    auto_cleared: true,
    owner: { id: engine.adminUserId },
    correlation_id: opts.correlationId,
    seq: nextSeq(),
    steps: [step],
  };
  engine.store.insert("job", job);
  return id;
}

/** Adds a `started` step to a running job (e.g. "Installing Host" after validation). */
export function addStep(
  engine: EngineContext,
  jobId: string,
  description: string,
  type: StepType = "executing",
): void {
  const job = engine.store.get<Job>("job", jobId);
  if (!job || job.status !== "started") return;
  const now = Date.now();
  for (const s of job.steps) {
    if (s.status === "started") {
      s.status = "finished";
      s.end_time = now;
    }
  }
  job.steps.push({
    id: crypto.randomUUID(),
    description,
    type,
    number: job.steps.length,
    status: "started",
    start_time: now,
    external: false,
    job: { id: jobId },
  });
  job.last_updated = now;
  engine.store.update("job", job);
}

/** Ends a job and its open steps: `finished` when it succeeded, `failed` otherwise. Idempotent. */
export function endJob(engine: EngineContext, jobId: string | undefined, succeeded: boolean): void {
  if (!jobId) return;
  const job = engine.store.get<Job>("job", jobId);
  if (!job || job.status !== "started") return;
  const now = Date.now();
  const status = succeeded ? "finished" : "failed";
  for (const s of job.steps) {
    if (s.status === "started") {
      s.status = status;
      s.end_time = now;
    }
  }
  job.status = status;
  job.end_time = now;
  job.last_updated = now;
  engine.store.update("job", job);
}

/** A job for a command that completed while the request ran. Returns its id. */
export function recordJob(engine: EngineContext, opts: StartJobOptions & { succeeded?: boolean }): string {
  const id = startJob(engine, opts);
  endJob(engine, id, opts.succeeded ?? true);
  return id;
}
