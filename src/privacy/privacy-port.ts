import type { Result } from '../core/index.js';
import type { Erasure, ErasureKind } from './erasure.js';
import type { ErasureReceipt, ErasureRequestError } from './erasure-service.js';
import type { ProfileExport } from './profile-export.js';
import type { Retention } from './retention.js';

/** A segment whose rule reads further back than the retention keeps, and what in it does. */
export interface RetentionWarning {
  readonly segment: string;
  readonly findings: readonly string[];
}

/** What the HTTP API and the CLI may ask of the privacy area (built in `src/app`). */
export interface PrivacyPort {
  /** Records an erasure / suppression request over profile references and runs it as far as it goes now. */
  requestErasure(workspaceId: string, kind: ErasureKind, refs: readonly string[]): Promise<Result<ErasureReceipt, ErasureRequestError>>;
  /** One erasure with its progress. */
  erasure(workspaceId: string, id: string): Promise<Erasure | undefined>;
  /** The newest erasures. */
  erasures(workspaceId: string, limit: number): Promise<Erasure[]>;
  /** Everything held about the person `ref` names (a data-subject access request), or undefined. */
  exportProfile(workspaceId: string, ref: string): Promise<ProfileExport | undefined>;
  /** The workspace's event retention, with the segments whose rules read further back. */
  retention(workspaceId: string): Promise<{ retention: Retention; warnings: RetentionWarning[] }>;
  /** Sets (null: removes) the retention; answers as {@link PrivacyPort.retention} does. */
  setRetention(workspaceId: string, retention: Retention): Promise<{ retention: Retention; warnings: RetentionWarning[] }>;
}
