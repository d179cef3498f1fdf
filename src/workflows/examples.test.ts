import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRule } from '../rules/index.js';
import { parseScenario } from './scenario-jsonl.js';
import { simulateWorkflow } from './simulate-workflow.js';
import { parseWorkflowYaml } from './workflow-yaml.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = join(root, 'examples/workflows');

/** The example segments, by their `# name:` header, as the workflows' context. */
function exampleSegments(): Map<string, ReturnType<typeof parseRule>> {
  const segDir = join(root, 'examples/segments');
  const out = new Map<string, ReturnType<typeof parseRule>>();
  for (const f of readdirSync(segDir).filter((n) => n.endsWith('.rule'))) {
    const text = readFileSync(join(segDir, f), 'utf8');
    const name = /^#\s*name:\s*(.+)$/m.exec(text)?.[1]?.trim();
    if (name) out.set(name, parseRule(text.replace(/^#.*$/gm, '')));
  }
  return out;
}

describe('examples/workflows', () => {
  const files = readdirSync(dir).filter((n) => n.endsWith('.workflow.yaml'));

  it('has the three lifecycle examples of the issue', () => {
    expect(files.sort()).toEqual(['cart-abandonment.workflow.yaml', 'new-to-loyal.workflow.yaml', 'win-back.workflow.yaml']);
  });

  it.each(files)('%s is valid against the example segments and a CRM destination', (file) => {
    const r = parseWorkflowYaml(readFileSync(join(dir, file), 'utf8'), { segments: exampleSegments(), destinations: new Set(['CRM']) });
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it('the cart-abandonment scenario stops both carts at the order', () => {
    const wf = parseWorkflowYaml(readFileSync(join(dir, 'cart-abandonment.workflow.yaml'), 'utf8'));
    const sc = parseScenario(readFileSync(join(dir, 'cart-abandonment.scenario.jsonl'), 'utf8'));
    if (!wf.ok || !sc.ok) throw new Error('example does not parse');
    const r = simulateWorkflow(wf.value, sc.items);
    expect(r.runs.map((x) => [x.key, x.state.exitCause])).toEqual([['1649869', 'goal'], ['461689', 'goal']]);
    expect(r.actions.map((a) => a.stepId)).toEqual(['reminder-1h', 'reminder-1h', 'reminder-24h', 'reminder-24h']);
  });
});
