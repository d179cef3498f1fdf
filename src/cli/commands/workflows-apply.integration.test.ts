import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../app/testing/index.js';
import { AdminClient } from '../admin-client.js';
import { applyWorkflowDir } from './workflows-apply.js';

describe('segflow apply with *.workflow.yaml', () => {
  let t: TestApp | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await t?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    t = undefined;
  });

  it('maps the server\'s problems back to file:line:col and saves nothing, then applies once fixed and is idempotent', async () => {
    t = await startTestApp({ listen: true });
    dir = await mkdtemp(join(tmpdir(), 'segflow-wf-apply-'));
    const client = new AdminClient({ url: t.app.url, key: t.adminKey });
    const file = join(dir, 'welcome.workflow.yaml');
    await writeFile(file, 'name: welcome\ntrigger:\n  entered: "Nobody"\nsteps:\n  - id: a\n    if: traits.plan = "pro" and nonsense\n    then: []\n');
    const bad = await applyWorkflowDir(client, dir, {});
    expect(bad.code).toBe(1);
    expect(bad.err[0]).toBe(`${file}:3:12 WF005 Unknown segment "Nobody".`);
    // "    if: " puts the rule at column 9; "nonsense" is its 25th character.
    expect(bad.err[1]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:33 RULE1010`));
    await writeFile(file, 'name: welcome\ntrigger:\n  event: Signed Up\nsteps:\n  - { id: a, wait: 1d }\n');
    const planned = await applyWorkflowDir(client, dir, { dryRun: true });
    expect(planned.plan).toEqual([{ name: 'welcome', file, action: 'create' }]);
    const applied = await applyWorkflowDir(client, dir, {});
    expect(applied).toMatchObject({ code: 0, err: [] });
    expect(applied.out.at(-1)).toContain('saved as version 1');
    const again = await applyWorkflowDir(client, dir, {});
    expect(again.plan).toEqual([{ name: 'welcome', file, action: 'unchanged' }]);
  });
});
