import { createHash } from 'node:crypto';

/**
 * A person's point in [0, 1) for an experiment: the first 52 bits of SHA-256(salt ‖ 0x00 ‖ personId) / 2⁵².
 * Deterministic (the same in every process and after every restart, no state), uniform (SHA-256's output
 * bits are indistinguishable from uniform), and independent across experiments because each has its own salt:
 * knowing a person's arm in one experiment says nothing about another. The 0x00 separator keeps
 * ("ab", "c") and ("a", "bc") apart. FNV-style 32-bit hashes, common in feature-flag tools, are faster but
 * show measurable bias and correlation on sequential ids; one SHA-256 per evaluation is cheap at segflow's rates.
 * A pure function (hashing is no I/O); it lives in core because the rule language's `in_experiment_arm` and the
 * experiments both need it.
 */
export function assignmentPoint(salt: string, personId: string): number {
  const digest = createHash('sha256').update(salt).update('\u0000').update(personId).digest();
  // 52 bits: 4 bytes high word (32 bits) + 20 bits of the next, exact in a double
  return (digest.readUInt32BE(0) * 2 ** 20 + (digest.readUInt32BE(4) >>> 12)) / 2 ** 52;
}
