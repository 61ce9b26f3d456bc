// Faults are classified once, from the engine's exact texts (API-NOTES 5.1/5.2), into kinds the
// retry logic and providers act on, with messages a user can act on.
import {
  AuthError,
  classifyResponse,
  classifySsoFailure,
  classifyTransport,
  ConflictError,
  faultOf,
  LockedError,
  NotFoundError,
  OvirtError,
  TlsError,
  TransientError,
  UnexpectedError,
  ValidationError,
} from "../../providers/ovirt/errors";

const ctx = (status: number, method = "POST", path = "/clusters") => ({
  engine: "target",
  method,
  path,
  status,
  correlationId: "cluster-create-1a2b3c4d",
});
const fault = (reason: string, detail?: string) => (detail === undefined ? { reason } : { reason, detail });

describe("HTTP faults", () => {
  test.each([
    // 5.2: duplicate names are plain conflicts.
    [
      409,
      fault("Operation Failed", "[Cannot create Cluster. Cluster name is already in use.]"),
      ConflictError,
      "conflict",
    ],
    [
      409,
      fault("Operation Failed", "[Cannot create Data Center. The Data Center name is already in use.]"),
      ConflictError,
      "conflict",
    ],
    [
      409,
      fault(
        "Operation Failed",
        "[Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first.]",
      ),
      ConflictError,
      "conflict",
    ],
    [
      409,
      fault("Operation Failed", "[Cannot remove Cluster. Cluster contains one or more Hosts]"),
      ConflictError,
      "conflict",
    ],
    // 5.2: ACTION_TYPE_FAILED_OBJECT_LOCKED.
    [
      409,
      fault(
        "Operation Failed",
        "[Cannot edit Cluster. Related operation is currently in progress. Please try again later.]",
      ),
      LockedError,
      "conflict_locked",
    ],
    [
      409,
      fault("Operation Failed", "[Cannot run VM: VM is locked. Please try again in a few minutes.]"),
      LockedError,
      "conflict_locked",
    ],
    // 3 / 5.1: validation.
    [
      400,
      fault("Input validation failed.", "Parameter 'cluster.name' is mandatory but was not provided."),
      ValidationError,
      "validation",
    ],
    [400, fault("Incomplete parameters", "Vm [name] required for add"), ValidationError, "validation"],
    [
      400,
      fault(
        "Operation Failed",
        "[Cannot change Cluster Compatibility Version to higher version when there are active Hosts with lower version.\n-Please move Host h1 with lower version to maintenance first.]",
      ),
      ValidationError,
      "validation",
    ],
    // 5.1: 404 with an empty body, or a reference that cannot be resolved.
    [404, undefined, NotFoundError, "not_found"],
    [404, fault("Operation Failed", "Entity not found: Hosts: name=myhost"), NotFoundError, "not_found"],
    [401, "<html><head><title>Error</title></head><body>Unauthorized</body></html>", AuthError, "auth"],
    [403, fault("Operation Failed", "[User is not authorized to perform this action.]"), AuthError, "auth"],
    [500, fault("Operation Failed"), TransientError, "transient"],
    [503, undefined, TransientError, "transient"],
    [302, undefined, UnexpectedError, "unexpected"],
  ])("%i %j -> %p", (status, body, cls, kind) => {
    const err = classifyResponse(ctx(status), body);
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(OvirtError);
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(err.method).toBe("POST");
    expect(err.path).toBe("/clusters");
    expect(err.correlationId).toBe("cluster-create-1a2b3c4d");
    expect(err.engine).toBe("target");
  });

  test("the message leads with the engine's own detail and says where it happened", () => {
    const err = classifyResponse(
      ctx(409),
      fault("Operation Failed", "[Cannot create Cluster. Cluster name is already in use.]"),
    );
    expect(err.reason).toBe("Operation Failed");
    expect(err.detail).toBe("[Cannot create Cluster. Cluster name is already in use.]");
    expect(err.message).toBe(
      'engine "target": POST /clusters failed: [Cannot create Cluster. Cluster name is already in use.] ' +
        '(HTTP 409 Conflict, reason "Operation Failed", correlation id cluster-create-1a2b3c4d)',
    );
  });

  test("a fault with only a reason shows the reason", () => {
    const err = classifyResponse(ctx(500), fault("Operation Failed"));
    expect(err.message).toContain("failed: Operation Failed (HTTP 500 Internal Server Error");
  });

  test("a 404 with no body still says what was not found", () => {
    const err = classifyResponse(ctx(404, "GET", "/datacenters/abc"), undefined);
    expect(err.message).toBe(
      'engine "target": GET /datacenters/abc failed: not found (HTTP 404 Not Found, correlation id cluster-create-1a2b3c4d)',
    );
  });

  test("failed actions nest the fault", () => {
    expect(faultOf({ status: "failed", fault: { reason: "Operation Failed", detail: "[x]" } })).toEqual({
      reason: "Operation Failed",
      detail: "[x]",
    });
    const err = classifyResponse(ctx(409), {
      status: "failed",
      fault: {
        reason: "Operation Failed",
        detail: "[Cannot upgrade Host. There are no available updates for the host.]",
      },
    });
    expect(err.kind).toBe("conflict");
    expect(err.detail).toContain("no available updates");
  });
});

describe("SSO faults", () => {
  const sso = {
    engine: "target",
    method: "POST",
    path: "/ovirt-engine/sso/oauth/token",
    username: "admin@internal",
  };

  test("bad credentials (REST API scope shape: error_code + error)", () => {
    const text =
      "Cannot authenticate user 'admin@internal': Unable to log in. Verify your login information or contact the system administrator.";
    const err = classifySsoFailure({ ...sso, status: 400 }, { error_code: "access_denied", error: text });
    expect(err).toBeInstanceOf(AuthError);
    expect(err.kind).toBe("auth");
    expect(err.reason).toBe("access_denied");
    expect(err.detail).toBe(text);
    expect(err.message).toBe(
      `engine "target": SSO login as admin@internal failed: access_denied: ${text} (HTTP 400 Bad Request)`,
    );
  });

  test("other scopes' shape: error + error_description", () => {
    const err = classifySsoFailure(
      { ...sso, status: 400 },
      {
        error: "access_denied",
        error_description:
          "Unable to log in because the user account is disabled or locked. Contact the system administrator.",
      },
    );
    expect(err.kind).toBe("auth");
    expect(err.reason).toBe("access_denied");
    expect(err.message).toContain("disabled or locked");
  });

  test("a missing Accept header is a request error, still reported with the engine's text", () => {
    const err = classifySsoFailure(
      { ...sso, status: 400 },
      { error: "invalid_request", error_description: "Missing parameter: 'Accept Header'" },
    );
    expect(err.message).toContain("invalid_request: Missing parameter: 'Accept Header'");
  });

  test("an SSO server error is transient", () => {
    expect(classifySsoFailure({ ...sso, status: 503 }, undefined).kind).toBe("transient");
  });
});

describe("transport faults", () => {
  const tls = { url: "https://engine.lab/ovirt-engine/api", caFile: "/etc/pki/lab-ca.pem" };

  test.each([
    ["ECONNRESET", "read ECONNRESET", false],
    ["ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:18443", true],
    ["ETIMEDOUT", "connect ETIMEDOUT", false],
    ["ECONNABORTED", "timeout of 60000ms exceeded", false],
    [undefined, "socket hang up", false],
  ])("%s (%s) is transient", (code, message, notSent) => {
    const err = classifyTransport(
      { code, message },
      { engine: "target", method: "GET", path: "/clusters" },
      tls,
    );
    expect(err).toBeInstanceOf(TransientError);
    expect(err.notSent).toBe(notSent);
    expect(err.message).toContain(message);
  });

  test.each([
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
  ])("%s is a TLS error naming the CA file and URL and suggesting a fix", (code) => {
    const err = classifyTransport(
      { code, message: "self-signed certificate in certificate chain" },
      { engine: "target" },
      tls,
    );
    expect(err).toBeInstanceOf(TlsError);
    expect(err.kind).toBe("tls");
    expect(err.message).toContain("/etc/pki/lab-ca.pem");
    expect(err.message).toContain("https://engine.lab/ovirt-engine/api");
    expect(err.message).toContain("caFile");
    expect(err.message).toContain("insecure: true");
  });

  test("a TLS error without a configured CA says the system CAs were used", () => {
    const err = classifyTransport(
      { code: "SELF_SIGNED_CERT_IN_CHAIN", message: "x" },
      {},
      { url: "https://e/ovirt-engine/api" },
    );
    expect(err.message).toContain("system's trusted CAs");
  });

  test("an unknown host is not retried as transient", () => {
    const err = classifyTransport(
      { code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND engine.lab" },
      {},
      tls,
    );
    expect(err.kind).toBe("unexpected");
    expect(err.notSent).toBe(true);
  });
});
