// The engine's PKI: a CA made once per state directory and reused, and server certificates that
// Node's TLS accepts every time (serial numbers are valid DER) for localhost, 127.0.0.1 and --hostname.
import crypto from "node:crypto";
import tls from "node:tls";
import { prepareTls, serialNumber } from "../../simulator/pki";
import { tempStateDir } from "./support/engine";

describe("pki", () => {
  test("the CA is created once and reused", () => {
    const dir = tempStateDir("pki");
    const first = prepareTls(dir, "localhost");
    const second = prepareTls(dir, "localhost");
    expect(second.caPem).toBe(first.caPem);
    expect(second.cert).not.toBe(first.cert);
  });

  test("serial numbers are positive DER integers without leading zero bytes", () => {
    for (let i = 0; i < 2000; i++) {
      const first = parseInt(serialNumber().slice(0, 2), 16);
      expect(first >= 0x01 && first <= 0x7f).toBe(true);
    }
  });

  test("server certificates load, chain to the CA and name the host", () => {
    const dir = tempStateDir("pki-many");
    for (let i = 0; i < 5; i++) {
      const t = prepareTls(dir, "engine.lab.example");
      expect(() => tls.createSecureContext({ key: t.key, cert: t.cert })).not.toThrow();
      const cert = new crypto.X509Certificate(t.cert);
      expect(cert.verify(new crypto.X509Certificate(t.caPem).publicKey)).toBe(true);
      expect(cert.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, DNS:engine.lab.example");
    }
  });
});
