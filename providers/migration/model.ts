// A migration step (ADR 5): one verb of a host or storage domain move, a resource of its own so
// `pulumi preview` lists a move as its steps and an interrupted `up` resumes at the first step not
// recorded. Each step's create looks at the engine first and does only what is left, so running it
// again after a crash is safe. A done step is a record: update and delete change nothing.
import { z } from "zod";
import { EngineNameSchema, TimeoutsSchema } from "../core/base";

export const STEP_ACTIONS = [
  /** Migrate (or shut down) the VMs running on the host. */
  "host-evacuate",
  /** Host to maintenance. */
  "host-maintenance",
  /** Remove the host from the engine. */
  "host-remove",
  /** Run the user's reinstall command for the machine (no engine request). */
  "host-reprovision",
  /** Shut down the VMs with disks on the domain. */
  "domain-stop-vms",
  /** Domain to maintenance in its data center. */
  "domain-maintenance",
  /** Detach the domain from its data center (its VMs leave the engine, their data stays). */
  "domain-detach",
  /** Remove the (unattached) domain from the engine, never formatting it. */
  "domain-remove",
] as const;

export type StepAction = (typeof STEP_ACTIONS)[number];

export const StepArgsSchema = z
  .object({
    /** The engine the step acts on (for host-reprovision: the one the host left). */
    engine: EngineNameSchema,
    action: z.enum(STEP_ACTIONS, { error: `must be one of ${STEP_ACTIONS.join(", ")}` }),
    /** The host or storage domain's name. */
    subject: z
      .string({ error: "must be a host or storage domain name" })
      .min(1, { error: "must not be empty" }),
    /** host-evacuate: migrate the VMs to other hosts of the cluster, or shut them down. */
    vms: z.enum(["migrate", "stop"], { error: 'must be "migrate" or "stop"' }).optional(),
    /** host-reprovision: the command (`sh -c`), its machine's address and the new root password (secret). */
    command: z.string().min(1, { error: "must not be empty" }).optional(),
    address: z.string().min(1, { error: "must not be empty" }).optional(),
    rootPassword: z.string().optional(),
    timeouts: TimeoutsSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.action === "host-reprovision" && (s.command === undefined || s.address === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["command"],
        input: s.command,
        message: "host-reprovision needs command and address",
      });
    }
  });

export type StepArgs = z.output<typeof StepArgsSchema>;
export type StepInputs = z.input<typeof StepArgsSchema>;

/** Seconds per step when `timeouts` does not say: a reinstall or shutting down VMs takes a while. */
export const STEP_TIMEOUT_S = 3600;
