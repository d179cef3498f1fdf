import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths pino replaces with `[redacted]`: auth headers, keys, secrets and passwords, wherever they appear. */
export const redactedPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  'writeKey',
  '*.writeKey',
  '*.*.writeKey',
  'adminKey',
  '*.adminKey',
  'key',
  '*.key',
  'secret',
  '*.secret',
  '*.*.secret',
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'apiKey',
  '*.apiKey',
  'databaseUrl',
  '*.databaseUrl',
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level (default `info`; `loadConfig` reads `SEGFLOW_LOG_LEVEL` into the config). */
  readonly level?: string;
  /** Where lines go (default stderr, keeping stdout for the CLI's own output such as the bound URL). */
  readonly destination?: DestinationStream;
}

/**
 * segflow's logger: pino JSON lines with secrets redacted ({@link redactedPaths}). Keys are never logged on
 * purpose; redaction is the safety net for objects logged whole.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'segflow',
      level: options.level ?? 'info',
      redact: { paths: [...redactedPaths], censor: '[redacted]' },
    },
    options.destination ?? pino.destination(2),
  );
}
