// Generates, from the one zod schema in config/, the JSON Schema editors use
// (config/ovirt-lab.schema.json) and the configuration reference (docs/configuration.md).
// `node dist/tools/config-docs.js` writes both; `--check` fails when either is out of date.
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { EnginesSpec } from "../config/engines";
import { LabSpec } from "../config/schema";
import { SecretsSpec } from "../config/secrets";

type JsonSchema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  minItems?: number;
};

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

export function configJsonSchema(): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "ovirt-lab stack config (the `config:` block of Pulumi.<stack>.yaml)",
    type: "object",
    properties: {
      "ovirt-lab:engines": jsonSchemaOf(EnginesSpec),
      "ovirt-lab:lab": jsonSchemaOf(LabSpec),
      "ovirt-lab:legacy": jsonSchemaOf(LabSpec),
      "ovirt-lab:secrets": jsonSchemaOf(SecretsSpec),
    },
  };
}

function typeText(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${JSON.stringify(v)}\``).join(" \\| ");
  if (s.anyOf) return s.anyOf.map(typeText).join(" or ");
  if (s.type === "array") return `list of ${s.items ? typeText(s.items) : "any"}`;
  if (Array.isArray(s.type)) return s.type.join(" or ");
  return s.type ?? "any";
}

function rules(s: JsonSchema): string {
  const out: string[] = [];
  if (s.pattern) out.push(`matches \`${s.pattern}\``);
  if (s.minimum !== undefined) out.push(`>= ${s.minimum}`);
  if (s.maximum !== undefined) out.push(`<= ${s.maximum}`);
  if (s.maxLength !== undefined) out.push(`at most ${s.maxLength} characters`);
  if (s.minItems !== undefined) out.push(`at least ${s.minItems}`);
  return out.join(", ");
}

function rows(s: JsonSchema, at: string, required: boolean, out: string[]): void {
  const def = s.default === undefined ? "" : `\`${JSON.stringify(s.default)}\``;
  if (at) {
    const desc = [s.description ?? "", rules(s)].filter(Boolean).join("; ");
    out.push(`| \`${at}\` | ${typeText(s)} | ${required ? "yes" : ""} | ${def} | ${desc} |`);
  }
  const item = s.type === "array" ? s.items : undefined;
  const obj = item ?? s;
  const prefix = item ? `${at}[]` : at;
  if (obj.properties) {
    for (const [key, child] of Object.entries(obj.properties)) {
      rows(child, prefix ? `${prefix}.${key}` : key, (obj.required ?? []).includes(key), out);
    }
  } else if (obj.additionalProperties && typeof obj.additionalProperties === "object") {
    rows(obj.additionalProperties, prefix ? `${prefix}.<name>` : "<name>", false, out);
  }
}

export function configReference(): string {
  const lines = [
    "# Configuration reference",
    "",
    "Generated from the schema in `config/` by `node dist/tools/config-docs.js`; do not edit by hand.",
    "Editors can validate `Pulumi.<stack>.yaml` with `config/ovirt-lab.schema.json`.",
    "Sizes take units: `32GiB`, `600GB`, `512MiB` (or a number of bytes).",
  ];
  const sections: Array<[string, z.ZodType, string]> = [
    ["ovirt-lab:engines", EnginesSpec, "Every engine the stack talks to, by name."],
    ["ovirt-lab:lab", LabSpec, "The lab: data center, clusters, hosts, networks, Gluster, storage, VMs."],
    ["ovirt-lab:secrets", SecretsSpec, "Secret values (set each with `pulumi config set --secret --path`)."],
  ];
  for (const [key, schema, what] of sections) {
    if (key === "ovirt-lab:secrets") {
      lines.push(
        "",
        "## `ovirt-lab:legacy`",
        "",
        "During a 4.3 -> 4.4 move: the legacy engine's lab, written by `node dist/tools/discover.js`, in the",
        "schema of `ovirt-lab:lab` (every object in it is adopted as it is; see docs/migration.md).",
      );
    }
    lines.push(
      "",
      `## \`${key}\``,
      "",
      what,
      "",
      "| path | type | required | default | notes |",
      "|---|---|---|---|---|",
    );
    rows(jsonSchemaOf(schema), "", false, lines);
  }
  return lines.join("\n") + "\n";
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..", "..");
  const outputs: Array<[string, string]> = [
    [path.join(root, "config", "ovirt-lab.schema.json"), JSON.stringify(configJsonSchema(), null, 2) + "\n"],
    [path.join(root, "docs", "configuration.md"), configReference()],
  ];
  const check = process.argv.includes("--check");
  let stale = false;
  for (const [file, text] of outputs) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (current === text) continue;
    if (check) {
      console.error(`${path.relative(root, file)} is out of date: run node dist/tools/config-docs.js`);
      stale = true;
    } else {
      fs.writeFileSync(file, text);
      console.log(`wrote ${path.relative(root, file)}`);
    }
  }
  if (stale) process.exit(1);
}
