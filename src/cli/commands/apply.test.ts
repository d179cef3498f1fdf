import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseJsonFile, parseRuleFile, readSegmentDir, renderPlan } from './apply.js';

describe('segment files', () => {
  it('reads the header comments of a .rule file as fields and keeps the rule on its original line', () => {
    const parsed = parseRuleFile('vip.rule', '# name: VIP\n# group: tiers\n# priority: 5\n# description: Big spenders\nsum("Order Completed".revenue) >= 1000\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.spec.body).toMatchObject({ name: 'VIP', group: 'tiers', priority: 5, description: 'Big spenders' });
    const rule = parsed.spec.body.rule as string;
    expect(rule.split('\n')[4]).toBe('sum("Order Completed".revenue) >= 1000');
    expect(rule).not.toContain('name:');
  });

  it('names a segment after its file when the header has no name, with no group and priority 0', () => {
    const parsed = parseRuleFile('dir/recent-openers.rule', 'performed("Email Opened", within 7d)\n');
    expect(parsed.ok && parsed.spec.body).toMatchObject({ name: 'recent-openers', group: null, priority: 0, description: '' });
  });

  it('keeps ordinary comments after the header as part of the rule text', () => {
    const parsed = parseRuleFile('a.rule', '# name: A\n# just a note\nlast_seen within 7d # trailing\n');
    expect(parsed.ok && parsed.spec.body.rule).toBe('\n# just a note\nlast_seen within 7d # trailing\n');
  });

  it('refuses a .rule file with a header but no rule', () => {
    const parsed = parseRuleFile('empty.rule', '# name: Empty\n\n');
    expect(parsed).toEqual({ ok: false, error: 'empty.rule: no rule text after the header' });
  });

  it('refuses a priority that is not a whole number', () => {
    const parsed = parseRuleFile('p.rule', '# priority: high\nsubscribed\n');
    expect(parsed.ok).toBe(false);
  });

  it('reads a .json file whose rule is the canonical JSON form', () => {
    const rule = { version: 1, condition: { kind: 'seen', which: 'last' } };
    const parsed = parseJsonFile('s.json', JSON.stringify({ name: 'S', rule, priority: 3 }));
    expect(parsed.ok && parsed.spec.body).toEqual({ name: 'S', rule, description: '', group: null, priority: 3 });
  });

  it('refuses a .json file without a rule', () => {
    expect(parseJsonFile('s.json', '{"name":"S"}').ok).toBe(false);
    expect(parseJsonFile('s.json', '{not json').ok).toBe(false);
  });
});

describe('segment directories', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads .rule and .json files in name order and ignores other files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'segflow-apply-'));
    await writeFile(join(dir, 'b.rule'), '# name: B\nsubscribed\n');
    await writeFile(join(dir, 'a.json'), JSON.stringify({ name: 'A', rule: 'last_seen within 7d' }));
    await writeFile(join(dir, 'README.md'), '# not a segment');
    const read = await readSegmentDir(dir);
    expect(read.ok && read.specs.map((s) => s.body.name)).toEqual(['A', 'B']);
  });

  it('reports two files that claim the same segment name', async () => {
    dir = await mkdtemp(join(tmpdir(), 'segflow-apply-'));
    await writeFile(join(dir, 'one.rule'), '# name: Same\nsubscribed\n');
    await writeFile(join(dir, 'two.rule'), '# name: Same\nemail_eligible\n');
    const read = await readSegmentDir(dir);
    expect(read.ok).toBe(false);
    expect(!read.ok && read.errors[0]).toContain('"Same" is also used by');
  });

  it('reports a path that is not a directory', async () => {
    const read = await readSegmentDir(join(tmpdir(), 'segflow-no-such-dir-for-sure'));
    expect(read.ok).toBe(false);
  });
});

describe('the plan', () => {
  it('shows each action with its diff and a summary line', () => {
    const text = renderPlan([
      { action: 'create', name: 'New', file: 'new.rule', entered: 12, exited: 0, changes: [], errors: [], warnings: [] },
      { action: 'update', name: 'Changed', file: 'c.rule', entered: 3, exited: 4, changes: ['rule'], errors: [], warnings: [] },
      { action: 'unchanged', name: 'Same', file: 's.rule', entered: 0, exited: 0, changes: [], errors: [], warnings: [] },
      { action: 'delete', name: 'Old', file: null, entered: 0, exited: 7, changes: [], errors: [], warnings: [] },
    ]);
    expect(text).toContain('+ create    New      +12 entering');
    expect(text).toContain('~ update    Changed  rule changed: +3 / −4');
    expect(text).toContain('- delete    Old      −7 exiting');
    expect(text).toContain('Plan: 1 to create, 1 to update, 1 to delete, 1 unchanged.');
  });
});
