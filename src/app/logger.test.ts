import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('createLogger', () => {
  it('redacts authorization headers, write keys, secrets and passwords', async () => {
    const { lines, logger } = capture();
    logger.info(
      {
        req: { headers: { authorization: 'Basic c2VjcmV0Og==' } },
        body: { writeKey: 'sfw_supersecret' },
        destination: { secret: 'whsec_x', password: 'hunter2' },
      },
      'request',
    );
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const out = lines.join('');
    for (const secret of ['c2VjcmV0Og==', 'sfw_supersecret', 'whsec_x', 'hunter2']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
