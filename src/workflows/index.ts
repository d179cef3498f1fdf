/**
 * @module
 * Lifecycle workflows: multi-step journeys (waits, waits for a rule or an event, branches, gotos, webhooks, trait
 * updates, exits) that people enter on exact membership changes or events, defined in `*.workflow.yaml` or JSON.
 *
 * - Definition: {@link parseWorkflow} (plain data) and {@link parseWorkflowYaml} (files, with line:column) validate
 *   everything, rules with the segment rule language's own parser, checker and linter.
 * - Execution: {@link advanceRun} is the pure executor `(state, input, history) → {state, actions, wake}`; the
 *   {@link WorkflowRuntime} drives it from the membership change log, the event log and its durable timers, and
 *   the action sender performs actions at least once with stable idempotency ids.
 * - {@link simulateWorkflow} runs the same executor over a scripted scenario without side effects;
 *   {@link backtestWorkflow} replays stored history.
 *
 * Wiring (app/): `const workflows = await startWorkflows({ store, changeLog, clock, segments, … })`;
 * `ingest.onCommitted(() => workflows.wake())`; on shutdown `await workflows.stop()`.
 */
export type { ActionOutcome, ActionPorts, WorkflowWebhookPayload } from './action-sender.js';
export { advanceRun } from './advance-run.js';
export type { RunContext } from './advance-run.js';
export { backtestWorkflow } from './backtest-workflow.js';
export type { BacktestResult } from './backtest-workflow.js';
export { compileProgram } from './compile-program.js';
export type { Instruction, Program } from './compile-program.js';
export { parseDurationText } from './duration-text.js';
export { nextLocalTime, quietUntil } from './local-time.js';
export { parseWorkflow, pathText } from './parse-workflow.js';
export type { Locate, PathSegment, WorkflowContext, WorkflowParseResult } from './parse-workflow.js';
export type { Advance, ExitCause, PlannedAction, RunInput, RunState, StepRecord } from './run-state.js';
export { parseScenario } from './scenario-jsonl.js';
export { simulateWorkflow } from './simulate-workflow.js';
export type { StepCounts } from './step-counts-sql.js';
export type { ScenarioItem, SimulatedRun, SimulationOptions, SimulationResult } from './simulate-workflow.js';
export { startWorkflows, workflowPorts } from './start-workflows.js';
export type { RunningWorkflows, StartWorkflowsOptions, WebhookSender } from './start-workflows.js';
export type { SegmentDirectory } from './workflow-catalog.js';
export type { WorkflowDefinition } from './workflow-definition.js';
export { formatWorkflowProblem, WORKFLOW_PROBLEMS } from './workflow-problem.js';
export type { WorkflowProblem } from './workflow-problem.js';
export type { WorkflowStatus } from './workflow-repo-sql.js';
export { WorkflowRuntime } from './workflow-runtime.js';
export type { PassOptions, RuntimePass } from './workflow-runtime.js';
export { WorkflowService } from './workflow-service.js';
export type { RunView, VersionStats, WorkflowFailure, WorkflowResult, WorkflowView } from './workflow-service.js';
export { loadWorkflowYaml, parsePathText, parseWorkflowYaml } from './workflow-yaml.js';
