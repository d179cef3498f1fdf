/**
 * @module
 * `segflow segments`: the workspace's segments with their current sizes, versions and groups.
 */
import type { Command } from 'commander';
import { type ApiSegment, addAdminOptions, clientFromOptions, describeProblem } from '../admin-client.js';

/** Renders segments as an aligned table. */
export function renderSegmentTable(segments: readonly ApiSegment[]): string {
  if (segments.length === 0) return 'No segments yet. Create one with `segflow apply DIR` or POST /api/segments.';
  const rows = [
    ['NAME', 'SIZE', 'VERSION', 'GROUP', 'UPDATED'],
    ...segments.map((s) => [
      s.name,
      s.size === undefined ? '?' : String(s.size),
      `v${s.version}`,
      s.group === null ? '' : `${s.group} (${s.priority})`,
      s.updatedAt,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 1 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

/** Registers `segflow segments`. */
export function register(program: Command): void {
  addAdminOptions(program.command('segments').description('list the segments with their sizes')).action(
    async (options: { url?: string; key?: string; json?: boolean }) => {
      const res = await clientFromOptions(options).listSegments();
      if (!res.ok) {
        process.stderr.write(`segflow segments: ${describeProblem(res.problem)}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(options.json ? `${JSON.stringify(res.value.segments, null, 2)}\n` : `${renderSegmentTable(res.value.segments)}\n`);
    },
  );
}
