// POST /vms/{id}/ticket (API-NOTES 3.8, samples/action_vm_ticket.xml): the console ticket
// (SetVmTicket). BackendGraphicsConsoleHelper.setTicket takes the action's ticket value, or a new
// one-time password (Ticketing.generateOTP: 6 random bytes in Base64, 8 characters, libvirt's limit),
// and its expiry in seconds (DEFAULT_TICKET_EXPIRY, 2 hours, when not given), and answers with the
// action carrying both; event VM_SET_TICKET (164). SetVmTicketCommand.validate
// accepts a VM that is up, paused, powering up, powering down or rebooting, otherwise
// ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL ("Cannot set Virtual Machine Ticket because the VM is in Down status.").
// SetVmTicket is not a monitored command (ActionType: SetVmTicket(22, CONNECT_TO_VM, false, …)), so
// it leaves no job and the answer has no `<job>`.
import crypto from "node:crypto";
import type { EngineContext } from "../../context";
import { syntaxFault } from "../../http/faults";
import { BodyShapeError, decodeStruct, parseBody } from "../../repr/decode";
import { field, struct, T } from "../../repr/schema";
import { element, leaf, type Value } from "../../repr/tree";
import type { Answer, ApiRequest } from "../context";
import { fail } from "../common/messages";
import { recordEvent } from "../events/record";
import { ActionFault } from "../jobs/command";
import { findByPathId } from "../respond";
import type { Vm, VmStatus } from "./model";

/** BackendGraphicsConsoleHelper.DEFAULT_TICKET_EXPIRY (seconds). */
export const DEFAULT_TICKET_EXPIRY = 120 * 60;

const TICKET_STATUSES: readonly VmStatus[] = [
  "up",
  "paused",
  "powering_up",
  "powering_down",
  "reboot_in_progress",
];

const TicketStruct = struct("Ticket", [field("expiry", T.int), field("value", T.string)]);
const TicketActionStruct = struct("Action", [field("ticket", T.struct(TicketStruct))]);

/** LocalizedVmStatus: the enum's words, capitalized ("Down", "Image Locked", "Wait For Launch"). */
function localizedStatus(status: string): string {
  return status
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");
}

/** Ticketing.generateOTP. */
function generateOtp(): string {
  return crypto.randomBytes(6).toString("base64");
}

export function ticketAction(engine: EngineContext, req: ApiRequest): Answer {
  const vm = findByPathId<Vm>(engine.store, "vm", req.params.id);
  let input: Value = {};
  try {
    const raw = parseBody(req.body, req.ctx.bodyFormat, "action");
    if (raw !== undefined) input = decodeStruct(TicketActionStruct, raw, req.ctx.render.model44);
  } catch (err) {
    if (err instanceof BodyShapeError) throw syntaxFault(req.ctx.origin, "vm/methods/ticket");
    throw err;
  }
  if (!TICKET_STATUSES.includes(vm.status))
    throw new ActionFault(
      fail("set", "Virtual Machine Ticket", "ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL", {
        vmStatus: localizedStatus(vm.status),
      }),
    );
  const ticket = input.ticket as { value?: string; expiry?: number } | undefined;
  const value = ticket?.value || generateOtp();
  const expiry = ticket?.expiry ?? DEFAULT_TICKET_EXPIRY;
  recordEvent(engine, {
    type: "VM_SET_TICKET",
    vars: { VmName: vm.name },
    correlationId: req.ctx.correlationId,
    vm: { id: vm.id, name: vm.name },
  });
  // The Action type's members in the XML writer's order (status before ticket).
  return {
    status: 200,
    node: element("action", [
      leaf("status", "complete"),
      element("ticket", [leaf("value", value), leaf("expiry", String(expiry))]),
    ]),
  };
}
