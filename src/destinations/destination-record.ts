/** Which segments a destination receives: every segment, or the listed segment ids. */
export type SegmentSelection = 'all' | readonly string[];

/** Why a destination is disabled: by a person, or automatically because it kept failing. */
export type DisabledReason = 'manual' | 'auto';

/** What a destination is: a signed webhook, or a list sync to an email service provider. */
export type DestinationKind = 'webhook' | 'sendgrid' | 'mailchimp' | 'klaviyo';

/** The kinds that sync segment membership into an ESP's lists (or tags). */
export const LIST_SYNC_KINDS: readonly DestinationKind[] = ['sendgrid', 'mailchimp', 'klaviyo'];

/** Whether the kind is a list sync (not a webhook). */
export function isListSync(kind: DestinationKind): kind is 'sendgrid' | 'mailchimp' | 'klaviyo' {
  return kind !== 'webhook';
}

/** Per-destination settings stored as JSON beside the record. Every field is optional; webhooks use only the budget. */
export interface DestinationConfig {
  /** The ESP's list id (SendGrid list UUID, Klaviyo list id) or Mailchimp audience id. */
  readonly list?: string;
  /**
   * Per-segment target, by segment id: a list id (SendGrid, Klaviyo) or a tag name (Mailchimp). Segments not
   * listed go to `list` (SendGrid, Klaviyo) or to a tag named after the segment (Mailchimp).
   */
  readonly mapping?: Readonly<Record<string, string>>;
  /** Profile traits sent with each contact as ESP fields (beside the email): segflow trait name → ESP field name. */
  readonly fields?: Readonly<Record<string, string>>;
  /** Mailchimp: the status a contact new to the audience gets (default `subscribed`). */
  readonly statusIfNew?: 'subscribed' | 'pending' | 'transactional';
  /** Mailchimp's data centre (`us6`); taken from the API key's suffix when absent. */
  readonly dataCenter?: string;
  /** Requests to the destination in flight at once (its own budget; other destinations are unaffected). */
  readonly concurrency?: number;
  /** Longest a single request to the destination may take, in ms (its own budget). */
  readonly timeoutMs?: number;
  /**
   * Consent categories (lower-cased) a person must have granted (`true` in their consent preferences) to be sent
   * to this destination; see `src/privacy/consent-gate.ts` and docs/privacy.md.
   */
  readonly consentCategories?: readonly string[];
}

/** A registered destination as stored (the signing secret included: never log or return it after creation). */
export interface DestinationRecord {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  readonly kind: DestinationKind;
  /** The webhook URL, or the ESP API's base URL (the provider's own host unless `baseUrl` overrode it). */
  readonly url: string;
  /** The webhook signing secret, or the ESP API key. */
  readonly secret: string;
  /** The secret replaced by the last rotation, still used (webhooks: signatures sent with both) until `previousSecretUntil`. */
  readonly previousSecret: string | null;
  readonly previousSecretUntil: number | null;
  readonly config: DestinationConfig;
  readonly segments: SegmentSelection;
  /** Email-targeting destinations never get an `entered` for a person who may not be emailed. */
  readonly emailTargeting: boolean;
  readonly enabled: boolean;
  readonly disabledReason: DisabledReason | null;
  readonly disabledAt: number | null;
  /** The last change-log seq turned into deliveries for this destination. */
  readonly cursorSeq: number;
  /** Deliveries dead-lettered since the last success. */
  readonly consecutiveDead: number;
  /** When the current run of failures began (null after a success). */
  readonly failingSince: number | null;
  /** How many times a request was answered 429 (rate limited) and waited for. */
  readonly rateLimitWaits: number;
  /** The last failed attempt's error and when it happened (cleared by nothing: it is history). */
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Whether a destination receives changes of this segment. */
export function selectsSegment(selection: SegmentSelection, segmentId: string): boolean {
  return selection === 'all' || selection.includes(segmentId);
}
