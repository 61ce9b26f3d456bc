// Templates: /templates (model types/Template.java). `Blank` (the nil id) always exists.
import { entityFields, object, Ref, type Decoded } from "./codec";
import { CollectionService } from "./collection";
import type { Connection } from "./connection";
import { brand, type Brand } from "./ids";

export type TemplateId = Brand<string, "TemplateId">;
export const templateId = (id: string): TemplateId => brand<"TemplateId">(id, "template");

export const TemplateType = object({
  ...entityFields,
  status: "string",
  memory: "int64",
  vm: Ref,
  cluster: Ref,
});
export type ApiTemplate = Decoded<typeof TemplateType>;

export class TemplatesService extends CollectionService<typeof TemplateType, TemplateId> {
  constructor(conn: Connection) {
    super(conn, { path: "templates", singular: "template", type: TemplateType, label: "template" });
  }
}
