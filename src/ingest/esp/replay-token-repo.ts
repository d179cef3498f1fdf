import type { SqlExecutor } from '../../store/index.js';

/**
 * Durable memory of webhook tokens already used (Mailgun's `signature.token`), so that a captured request
 * cannot be replayed within its freshness window, even across restarts. Written once for both dialects on the
 * {@link SqlExecutor}; the table comes from migration 0300.
 */
export class ReplayTokenRepo {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * Records `token` for `provider` until `expiresAt` (epoch ms). True when it was new, false when it had been
   * seen before (a replay). The primary key makes concurrent claims of one token race-free: exactly one wins.
   */
  async claim(provider: string, token: string, expiresAt: number): Promise<boolean> {
    const changed = await this.sql.execute(
      'INSERT INTO esp_replay_tokens (provider, token, expires_at) VALUES ($1, $2, $3) ON CONFLICT (provider, token) DO NOTHING',
      [provider, token, expiresAt],
    );
    return changed === 1;
  }

  /**
   * Gives a claimed token back, when the request it authenticated could not be processed (ingestion
   * overloaded or failing): the provider's retry of the same request must then pass.
   */
  async release(provider: string, token: string): Promise<void> {
    await this.sql.execute('DELETE FROM esp_replay_tokens WHERE provider = $1 AND token = $2', [provider, token]);
  }

  /** Forgets tokens whose window has closed (they would be refused as stale anyway); returns how many. */
  async purgeExpired(now: number): Promise<number> {
    return this.sql.execute('DELETE FROM esp_replay_tokens WHERE expires_at < $1', [now]);
  }
}
