// POST /vms/{id}/freezefilesystems and /thawfilesystems (FreezeVm, ThawVm): the guest agent freezes
// or thaws the guest's filesystems. Both need the VM up (ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL, e.g.
// "Cannot freeze VM because the VM is in Down status."); events FREEZE_VM_SUCCESS (10767) and
// THAW_VM_SUCCESS (10768). ExecutionMessages has no job.FreezeVm / job.ThawVm, so the job's
// description is the action type's name (ExecutionMessageDirector.resolveJobMessage).
import type { EngineContext } from "../../context";
import type { Answer, ApiRequest } from "../context";
import { fail } from "../common/messages";
import { recordEvent } from "../events/record";
import { performAction } from "../jobs/command";
import { findByPathId } from "../respond";
import type { Vm } from "./model";

const localizedStatus = (status: string) =>
  status
    .split("_")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(" ");

export function filesystemsAction(engine: EngineContext, req: ApiRequest, freeze: boolean): Answer {
  const vm = findByPathId<Vm>(engine.store, "vm", req.params.id);
  return performAction(
    engine,
    req,
    { job: { description: freeze ? "FreezeVm" : "ThawVm" } },
    () => {
      if (vm.status !== "up")
        throw fail(freeze ? "freeze" : "thaw", "VM", "ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL", {
          vmStatus: localizedStatus(vm.status),
        });
    },
    () => {
      recordEvent(engine, {
        type: freeze ? "FREEZE_VM_SUCCESS" : "THAW_VM_SUCCESS",
        vars: { VmName: vm.name },
        correlationId: req.ctx.correlationId,
        vm: { id: vm.id, name: vm.name },
      });
    },
  );
}
