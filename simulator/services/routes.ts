// Unauthenticated engine services: the health page (used by ansible's engine_setup role) and the CA
// certificate download (pki-resource, and /ca.crt which Apache serves on a real engine).
import type { FastifyInstance, FastifyReply } from "fastify";

const HEALTH_TEXT = "DB Up!Welcome to Health Status!";

export function registerServiceRoutes(
  app: FastifyInstance,
  caPem: string,
  /** The engine's SSH public key line (pki.ts engineSshKey), for engine-certificate OPENSSH-PUBKEY. */
  sshPublicKey?: () => string,
): void {
  const sendCa = (reply: FastifyReply) =>
    reply.code(200).header("content-type", "application/x-x509-ca-cert").send(caPem);

  app.get("/ovirt-engine/services/health", async (_request, reply) =>
    reply.code(200).header("content-type", "text/html;charset=UTF-8").send(HEALTH_TEXT),
  );

  app.get("/ovirt-engine/services/pki-resource", async (request, reply) => {
    const { resource, format } = request.query as { resource?: string; format?: string };
    // What host-deploy puts in root's authorized_keys (the UI shows it for publickey hosts).
    if (resource === "engine-certificate" && format === "OPENSSH-PUBKEY" && sshPublicKey)
      return reply.code(200).header("content-type", "text/plain").send(`${sshPublicKey()}\n`);
    if (resource !== "ca-certificate" || (format !== "X509-PEM-CA" && format !== undefined))
      return reply.code(400).send();
    return sendCa(reply);
  });

  app.get("/ca.crt", async (_request, reply) => sendCa(reply));
}
