import type { SegmentService } from '../engine/index.js';

/**
 * System segments of consent: `__consent_<category>` holds the people who have granted `<category>` now (rule
 * `consent("<category>")`). A destination that declares consent categories watches the ones it needs, as an
 * email-targeting destination watches `__email_eligible`: a withdrawal is an exit from the category's segment, which
 * the delivery worker turns into an `exited` for every segment the destination was told the person is in — so an
 * ESP list removes them at once, not at their next exit — and a grant is an entry that sends what was held back.
 * Going through the change log keeps these messages in order with the person's other changes, exactly once,
 * in the transaction that moves the destination's cursor.
 */
export const CONSENT_SEGMENT_PREFIX = '__consent_';

/** The system segment of one category (categories are compared lower-cased, as the consent gate does). */
export function consentSegmentName(category: string): string {
  return `${CONSENT_SEGMENT_PREFIX}${category.toLowerCase()}`;
}

/**
 * Registers the consent segments of `categories` in a workspace unless they exist (each backfills over the stored
 * history like any new segment). Category names are letters, digits, `_ . : -` (checked at destination input), so
 * they are safe in the rule text.
 */
export async function ensureConsentSegments(segments: SegmentService, workspaceId: string, categories: readonly string[]): Promise<void> {
  for (const category of new Set(categories.map((c) => c.toLowerCase()))) {
    const name = consentSegmentName(category);
    if (await segments.get(workspaceId, name)) continue;
    const created = await segments.create(workspaceId, {
      name,
      rule: `consent("${category}")`,
      description: `System segment: people who have granted the "${category}" consent category. Used by destinations that need it; do not delete.`,
    });
    if (!created.ok && created.error.kind !== 'name_taken') {
      throw new Error(`cannot register the ${name} system segment: ${JSON.stringify(created.error)}`);
    }
  }
}

/** The ids of the consent segments a destination watches, each with its category (missing ones are left out). */
export async function consentSegmentsOf(
  segments: Pick<SegmentService, 'get'>,
  workspaceId: string,
  categories: readonly string[] | undefined,
): Promise<ReadonlyMap<string, string>> {
  const out = new Map<string, string>();
  for (const category of new Set((categories ?? []).map((c) => c.toLowerCase()))) {
    const s = await segments.get(workspaceId, consentSegmentName(category));
    if (s) out.set(s.id, category);
  }
  return out;
}
