/**
 * @module
 * Every migration of every area, in one list. Add a file `NNNN-name.ts` exporting a {@link Migration} and one
 * line here.
 */
import { migration0001 } from './0001-core.js';
import { migration0002 } from './0002-covering-identity-index.js';
import { migration0003 } from './0003-drop-event-time-index.js';
import { migration0004 } from './0004-event-log-generation.js';
import { migration0100 } from './0100-segments.js';
import { migration0101 } from './0101-membership.js';
import { migration0102 } from './0102-engine-timers.js';
import { migration0103 } from './0103-engine-timers-by-profile.js';
import { migration0104 } from './0104-events-profile-seq-name.js';
import { migration0105 } from './0105-engine-lease.js';
import { migration0110 } from './0110-event-partitions.js';
import { migration0111 } from './0111-cluster-processes.js';
import { migration0120 } from './0120-engine-tables-without-rowid.js';
import { migration0106 } from './0106-segment-backfills.js';
import { migration0107 } from './0107-segment-backfill-parts.js';
import { migration0200 } from './0200-destinations.js';
import { migration0201 } from './0201-destination-leases.js';
import { migration0202 } from './0202-list-sync-destinations.js';
import { migration0300 } from './0300-esp-replay-tokens.js';
import { migration0500 } from './0500-predict.js';
import { migration0600 } from './0600-experiments.js';
import { migration0601 } from './0601-experiment-rule-results.js';
import { migration0400 } from './0400-workflows.js';
import { migration0700 } from './0700-web-sessions.js';
import { migration0701 } from './0701-size-history.js';
import { migration0702 } from './0702-data-catalog.js';
import { migration0830 } from './0830-key-revocation.js';
import { migration0831 } from './0831-audit-log.js';
import { migration0720 } from './0720-alerts.js';
import { migration0721 } from './0721-workspace-activity.js';
import { migration0810 } from './0810-tracking-plan.js';
import { migration0800 } from './0800-erasures.js';
import { migration0801 } from './0801-membership-changes-by-profile.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** All migrations, in id order. */
export const migrations: readonly Migration[] = [
  // 0001–0099: store core (workspaces, profiles, identities, events)
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  // 0100–0199: engine and membership
  migration0100,
  migration0101,
  migration0102,
  migration0103,
  migration0104,
  migration0105,
  migration0106,
  migration0107,
  migration0110,
  migration0111,
  migration0120,
  // 0200–0299: destinations
  migration0200,
  migration0201,
  migration0202,
  // 0300–0399: email/ESP and subscriptions
  migration0300,
  // 0500–0599: predictions
  migration0500,
  // 0600–0699: experiments
  migration0600,
  migration0601,
  // 0400–0499: workflows
  migration0400,
  // 0700–0719: web app (sessions) and monitor (size history, data catalogue)
  migration0700,
  migration0701,
  migration0702,
  // 0830–0839: trust (key revocation, audit log)
  migration0830,
  migration0831,
  // 0720–0729: alerts (monitor)
  migration0720,
  migration0721,
  // 0810–0819: tracking plan
  migration0810,
  // 0800–0809: privacy (erasure, retention, consent)
  migration0800,
  migration0801,
];
