// `ovirt-lab:secrets`: the lab's secret values, kept apart from `ovirt-lab:lab` so the lab's shape
// stays readable in previews while every value here is a Pulumi secret:
//   pulumi config set --secret --path 'secrets.hosts.calvin.rootPassword' ...
import { z } from "zod";

const secret = z.string().min(1, "must not be empty");

export const SecretsSpec = z
  .object({
    hosts: z
      .record(
        z.string(),
        z.object({ rootPassword: secret.optional(), powerManagementPassword: secret.optional() }).strict(),
      )
      .default({}),
    vms: z
      .record(
        z.string(),
        z.object({ rootPassword: secret.optional(), customScript: secret.optional() }).strict(),
      )
      .default({}),
    gluster: z
      .object({ sshPrivateKey: secret.optional(), sshPassword: secret.optional() })
      .strict()
      .default({})
      .describe("How the stack logs in to the Gluster servers (or lab.gluster.ssh.privateKeyPath)."),
  })
  .strict();

export type SecretsSpec = z.infer<typeof SecretsSpec>;
