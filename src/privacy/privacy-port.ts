import type { Result } from '../core/index.js';
import type { Erasure, ErasureKind } from './erasure.js';
import type { ErasureReceipt, ErasureRequestError } from './erasure-service.js';
import type { ProfileExport } from './profile-export.js';

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
}
