import type { ArmShare, Condition } from '../ast/index.js';
import type { Cursor } from './cursor.js';
import { parseNumberLiteral, parseStringLiteral } from './parse-value.js';
import type { Token } from './token.js';

const EXAMPLE = 'in_experiment_arm("cart-timing", "24h", salt "exp_1", arms ["1h" 45, "24h" 45, "holdout" 10])';

/**
 * `in_experiment_arm("<experiment>", "<arm>", salt "<salt>", arms ["<arm>" <weight>, …])`, the current token being
 * `in_experiment_arm`. `call` is the parser's shared `name( … )` helper (error recovery to the matching `)`).
 * Weight values are checked by the checker (RULE2020), so a bad split is reported with the rest of the rule.
 */
export function parseExperimentArm(
  c: Cursor,
  call: <T>(c: Cursor, name: string, example: string, body: () => T) => T | undefined,
): Condition | undefined {
  const start: Token = c.next();
  const parts = call(c, 'in_experiment_arm', EXAMPLE, () => {
    const experiment = parseStringLiteral(c, 'an experiment name in double quotes').value;
    c.expectPunct(',', `Write ${EXAMPLE}.`);
    const arm = parseStringLiteral(c, 'an arm name in double quotes').value;
    c.expectPunct(',', `Write ${EXAMPLE}.`);
    c.expectWord('salt', `Write ${EXAMPLE}.`);
    const salt = parseStringLiteral(c, 'the split salt in double quotes').value;
    c.expectPunct(',', `Write ${EXAMPLE}.`);
    c.expectWord('arms', `Write ${EXAMPLE}.`);
    c.expectPunct('[', `Write ${EXAMPLE}.`);
    const arms: ArmShare[] = [];
    do {
      const name = parseStringLiteral(c, 'an arm name in double quotes').value;
      const weight = parseNumberLiteral(c).value;
      arms.push({ name, weight });
    } while (c.acceptPunct(','));
    c.expectPunct(']', `Close the list of arms with "]".`);
    return { experiment, arm, salt, arms };
  });
  return parts && { kind: 'experiment_arm', ...parts, span: c.spanFrom(start) };
}
