/**
 * @module
 * `segflow simulate WORKFLOW.yaml SCENARIO.jsonl`: runs a workflow for a made-up person over a scripted scenario
 * on simulated time, with the same executor as the server, and prints the path and each action with its instant.
 * Entirely local and without side effects: no server is needed (rules that use `in_segment` see no segments;
 * `POST /api/workflows/simulate` simulates with the workspace's segments). Exit codes: 0 done, 1 the workflow or
 * the scenario is invalid, 2 usage.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatWorkflowProblem, parseScenario, parseWorkflowYaml, simulateWorkflow, type SimulationResult } from '../../workflows/index.js';

/** Renders a simulation: each run's path, then the actions in time order. */
export function renderSimulation(result: SimulationResult): string {
  const iso = (t: number): string => new Date(t).toISOString();
  const lines: string[] = [];
  if (result.runs.length === 0) lines.push('The scenario never triggers the workflow.');
  for (const r of result.runs) {
    lines.push(`run ${r.runId}${r.key ? ` (key ${r.key})` : ''} entered ${iso(r.enteredAt)}: ${r.state.status === 'ended' ? `ended (${r.state.exitCause ?? '?'})` : 'still inside'}`);
    for (const p of r.path) {
      lines.push(`  ${iso(p.at)}  ${p.stepId.padEnd(16)} ${p.outcome}${p.cause ? ` (${p.cause})` : ''}${p.rule ? `  ${p.rule}` : ''}`);
      for (const v of p.values ?? []) lines.push(`      ${v.value ? '✓' : '✗'} ${v.text}`);
    }
  }
  for (const r of result.refused) lines.push(`re-entry refused at ${iso(r.at)}${r.key ? ` (key ${r.key})` : ''}`);
  lines.push('', `actions (${result.actions.length}):`);
  for (const a of result.actions) lines.push(`  ${iso(a.at)}  ${a.stepId.padEnd(16)} ${a.kind}${a.target ? ` → ${a.target}` : ''}${a.traits ? ` ${JSON.stringify(a.traits)}` : ''}`);
  return lines.join('\n');
}

/** Registers `segflow simulate`. */
export function register(program: Command): void {
  program
    .command('simulate')
    .description('dry-run a workflow over a scripted scenario (JSON Lines) on simulated time, without side effects')
    .argument('<workflow>', '*.workflow.yaml file')
    .argument('<scenario>', 'JSON Lines: {"at": "…" | "+1h", "event": "…", "properties": {…}} | {"at", "traits"} | {"at", "entered"|"exited": "segment"}')
    .option('--until <instant>', 'simulate until this ISO 8601 instant (default: 400 days after the last line)')
    .option('--json', 'print JSON')
    .action(async (workflowFile: string, scenarioFile: string, options: { until?: string; json?: boolean }) => {
      const [wfText, scText] = await Promise.all([readFile(workflowFile, 'utf8'), readFile(scenarioFile, 'utf8')]).catch((error: unknown) => {
        process.stderr.write(`segflow simulate: ${error instanceof Error ? error.message : String(error)}\n`);
        return [undefined, undefined];
      });
      if (wfText === undefined || scText === undefined) {
        process.exitCode = 2;
        return;
      }
      const parsed = parseWorkflowYaml(wfText);
      if (!parsed.ok) {
        for (const p of parsed.problems) process.stderr.write(`${formatWorkflowProblem(p, workflowFile)}\n`);
        process.exitCode = 1;
        return;
      }
      const scenario = parseScenario(scText);
      if (!scenario.ok) {
        for (const p of scenario.problems) process.stderr.write(`${scenarioFile}:${p.line} ${p.message}\n`);
        process.exitCode = 1;
        return;
      }
      const until = options.until === undefined ? undefined : Date.parse(options.until);
      if (until !== undefined && Number.isNaN(until)) {
        process.stderr.write(`segflow simulate: --until must be an ISO 8601 instant\n`);
        process.exitCode = 2;
        return;
      }
      const result = simulateWorkflow(parsed.value, scenario.items, until === undefined ? {} : { until });
      process.stdout.write(`${options.json ? JSON.stringify(result) : renderSimulation(result)}\n`);
    });
}
