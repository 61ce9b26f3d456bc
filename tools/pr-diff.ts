// `pulumi preview --json` -> Markdown for a pull-request comment: a one-line summary first, then
// the changes grouped by component, with the fields each update or replace changes. Secrets are
// masked by key name, by Pulumi's secret signature and by "[secret]" markers, so a secret never
// reaches the comment even when a provider forgot to mark it.
import * as fs from "fs";

interface ResourceState {
  urn?: string;
  type?: string;
  parent?: string;
  inputs?: Record<string, unknown>;
}

interface Step {
  op: string;
  urn: string;
  oldState?: ResourceState;
  newState?: ResourceState;
  diffReasons?: string[];
  replaceReasons?: string[];
}

export interface Preview {
  steps?: Step[];
  changeSummary?: Record<string, number>;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_KEY = /password|secret|token|passphrase|private|customScript|cloudInit/i;
const MASK = "[secret]";
const SHOWN_OPS = ["create", "update", "replace", "delete"] as const;
type ShownOp = (typeof SHOWN_OPS)[number];
const SYMBOL: Record<ShownOp, string> = { create: "+", update: "~", replace: "+-", delete: "-" };
const INTERNAL = new Set(["__provider"]);

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

/** `ovirt-lab:index:Lab` -> `Lab`; `pulumi-nodejs:dynamic/ovirt:Cluster` -> `Cluster`. */
function kindOf(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}

function typeOfUrn(urn: string): string {
  const parts = urn.split("::");
  const chain = parts[2] ?? "";
  return chain.slice(chain.lastIndexOf("$") + 1);
}

/** Replaces every secret inside `value` with the mask. */
export function mask(value: unknown, key = ""): unknown {
  if (SECRET_KEY.test(key)) return MASK;
  if (value === MASK) return MASK;
  if (Array.isArray(value)) return value.map((v) => mask(v));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (SECRET_SIG in obj) return MASK;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, mask(v, k)]));
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
  const short = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  // Backticks would end the inline code span.
  return `\`${short.replace(/`/g, "'")}\``;
}

function changedFields(step: Step): string[] {
  const before = (mask(step.oldState?.inputs ?? {}) ?? {}) as Record<string, unknown>;
  const after = (mask(step.newState?.inputs ?? {}) ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => !INTERNAL.has(k))
    .sort();
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `\`${k}\`: ${show(before[k])} → ${show(after[k])}`);
}

function createdFields(step: Step): string[] {
  const after = (mask(step.newState?.inputs ?? {}) ?? {}) as Record<string, unknown>;
  return Object.keys(after)
    .filter((k) => !INTERNAL.has(k))
    .sort()
    .map((k) => `\`${k}\`: ${show(after[k])}`);
}

function opOf(step: Step): ShownOp | undefined {
  if (step.op === "replace" || step.op === "create-replacement") return "replace";
  return (SHOWN_OPS as readonly string[]).includes(step.op) ? (step.op as ShownOp) : undefined;
}

export function renderPreview(preview: Preview, stack: string): string {
  const steps = (preview.steps ?? []).filter((s) => {
    const type = s.newState?.type ?? s.oldState?.type ?? typeOfUrn(s.urn);
    return !type.startsWith("pulumi:");
  });
  // A replace shows up as replace + create-replacement + delete-replaced: keep one per URN.
  const byUrn = new Map<string, { step: Step; op: ShownOp }>();
  for (const step of steps) {
    const op = opOf(step);
    if (!op) continue;
    const seen = byUrn.get(step.urn);
    if (!seen || op === "replace") byUrn.set(step.urn, { step, op });
  }
  const counts: Record<ShownOp, number> = { create: 0, update: 0, replace: 0, delete: 0 };
  for (const { op } of byUrn.values()) counts[op] += 1;
  const same = preview.changeSummary?.same ?? 0;
  const lines = [
    `**ovirt-lab preview of \`${stack}\`: ${counts.create} to create, ${counts.update} to update, ` +
      `${counts.replace} to replace, ${counts.delete} to delete** (${same} unchanged)`,
  ];
  if (byUrn.size === 0) {
    lines.push("", "No changes.");
    return lines.join("\n") + "\n";
  }
  const groups = new Map<string, Array<{ step: Step; op: ShownOp }>>();
  for (const entry of byUrn.values()) {
    const parent = entry.step.newState?.parent ?? entry.step.oldState?.parent;
    const group =
      parent && !typeOfUrn(parent).startsWith("pulumi:")
        ? `${kindOf(typeOfUrn(parent))} \`${nameOf(parent)}\``
        : "Stack";
    const list = groups.get(group) ?? [];
    list.push(entry);
    groups.set(group, list);
  }
  for (const [group, entries] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push("", `### ${group}`, "");
    entries.sort((a, b) => nameOf(a.step.urn).localeCompare(nameOf(b.step.urn)));
    for (const { step, op } of entries) {
      const type = step.newState?.type ?? step.oldState?.type ?? typeOfUrn(step.urn);
      lines.push(`- \`${SYMBOL[op]}\` **${op}** ${kindOf(type)} \`${nameOf(step.urn)}\``);
      const fields = op === "create" ? createdFields(step) : op === "delete" ? [] : changedFields(step);
      for (const f of fields) lines.push(`  - ${f}`);
    }
  }
  return lines.join("\n") + "\n";
}

if (require.main === module) {
  const [file, stack = "lab"] = process.argv.slice(2);
  const text = fs.readFileSync(file && file !== "-" ? file : 0, "utf8");
  process.stdout.write(renderPreview(JSON.parse(text) as Preview, stack));
}
