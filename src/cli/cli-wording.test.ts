import { describe, expect, it } from 'vitest';
import { describeProblem } from './admin-client.js';

describe('CLI wording of server problems', () => {
  it('asks for --key or SEGFLOW_ADMIN_KEY instead of an Authorization header', () => {
    const text = describeProblem({ status: 401, code: 'AUTH_MISSING_ADMIN_KEY', title: 'Unauthorized', detail: 'Send an admin key as "Authorization: Bearer <key>".' });
    expect(text).toMatch(/^AUTH_MISSING_ADMIN_KEY: no admin key given: pass --key KEY or set SEGFLOW_ADMIN_KEY/);
    expect(text).not.toContain('Bearer');
  });

  it('keeps the server detail of problems that have no CLI wording', () => {
    expect(describeProblem({ status: 409, code: 'SEGMENT_NAME_TAKEN', title: 'Conflict', detail: 'The name "VIP" is taken.' })).toBe(
      'SEGMENT_NAME_TAKEN: The name "VIP" is taken.',
    );
  });
});
