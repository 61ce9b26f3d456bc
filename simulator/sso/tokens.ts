// SSO access tokens, kept in SQLite so they survive a restart (clients keep their sessions) until
// they expire or are revoked.
import crypto from "node:crypto";
import type { Db } from "../store/database";

/** How long a token lives. The SDKs re-authenticate on 401, so a fixed lifetime is enough. */
export const TOKEN_LIFETIME_MS = 10 * 60 * 60 * 1000;

export interface IssuedToken {
  token: string;
  scope: string;
  validTo: number;
}

export class TokenStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  issue(userName: string, scope: string): IssuedToken {
    // The engine's tokens are opaque url-safe strings; so are these.
    const token = crypto.randomBytes(48).toString("base64url");
    const validTo = this.now() + TOKEN_LIFETIME_MS;
    this.db
      .prepare("INSERT INTO tokens (token, user_name, scope, valid_to) VALUES (?, ?, ?, ?)")
      .run(token, userName, scope, validTo);
    return { token, scope, validTo };
  }

  /** The user a valid token belongs to, or undefined for unknown, revoked or expired tokens. */
  userOf(token: string): string | undefined {
    const row = this.db.prepare("SELECT user_name, valid_to FROM tokens WHERE token = ?").get(token) as
      { user_name: string; valid_to: number } | undefined;
    if (!row || row.valid_to <= this.now()) return undefined;
    return row.user_name;
  }

  revoke(token: string): void {
    this.db.prepare("DELETE FROM tokens WHERE token = ?").run(token);
  }

  /** Drops expired rows; called at start so the table does not grow forever. */
  purgeExpired(): void {
    this.db.prepare("DELETE FROM tokens WHERE valid_to <= ?").run(this.now());
  }

  /** Sessions currently valid (the API root's users.active). */
  activeCount(): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM tokens WHERE valid_to > ?").get(this.now()) as { n: number }
    ).n;
  }
}
