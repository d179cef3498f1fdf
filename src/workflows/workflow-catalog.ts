import type { Condition } from '../rules/index.js';
import { safeParseRule } from '../rules/index.js';
import type { SqlExecutor } from '../store/index.js';
import { compileProgram, type Program } from './compile-program.js';
import { parseWorkflow } from './parse-workflow.js';
import type { WorkflowDefinition } from './workflow-definition.js';
import { WorkflowRepoSql, type WorkflowRecord } from './workflow-repo-sql.js';

/** A loaded workflow version: definition and compiled program. Versions never change once saved. */
export interface LoadedVersion {
  readonly definition: WorkflowDefinition;
  readonly program: Program;
  readonly createdAt: number;
}

/** What the runtime needs of the workspace's segments: name → id and rule (for triggers and `in_segment`). */
export interface SegmentDirectory {
  list(workspaceId: string): Promise<readonly { readonly id: string; readonly name: string; readonly version: number; readonly ruleText: string }[]>;
}

/** The segments of one workspace as rules read them. */
export interface WorkspaceSegments {
  readonly byName: ReadonlyMap<string, Condition>;
  readonly idOf: ReadonlyMap<string, string>;
}

/**
 * Caches parsed workflow versions (immutable) and, for one pass of the runtime, the workspace's segments. A
 * stored definition was valid when saved; it is parsed again without the context checks (a segment deleted
 * since does not stop running people: its trigger simply never fires and `in_segment` of it is false).
 */
export class WorkflowCatalog {
  private readonly versions = new Map<string, LoadedVersion>();
  private readonly segmentCache = new Map<string, { readonly at: number; readonly value: WorkspaceSegments }>();

  constructor(
    private readonly segments: SegmentDirectory,
    /** How long a workspace's segment list is reused (ms of the caller's clock). */
    private readonly segmentTtlMs = 1_000,
  ) {}

  async version(sql: SqlExecutor, workflowId: string, version: number): Promise<LoadedVersion> {
    const key = `${workflowId}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const stored = await new WorkflowRepoSql(sql).version(workflowId, version);
    if (!stored) throw new Error(`workflow ${workflowId} has no version ${version}`);
    const parsed = parseWorkflow(stored.source);
    if (!parsed.ok) throw new Error(`stored workflow ${key} no longer parses: ${parsed.problems.map((p) => p.message).join('; ')}`);
    const loaded = { definition: parsed.value, program: compileProgram(parsed.value.steps), createdAt: stored.createdAt };
    this.versions.set(key, loaded);
    return loaded;
  }

  async current(sql: SqlExecutor, w: WorkflowRecord): Promise<LoadedVersion> {
    return this.version(sql, w.id, w.currentVersion);
  }

  async segmentsOf(workspaceId: string, now: number): Promise<WorkspaceSegments> {
    const cached = this.segmentCache.get(workspaceId);
    if (cached && now - cached.at < this.segmentTtlMs && now >= cached.at) return cached.value;
    const byName = new Map<string, Condition>();
    const idOf = new Map<string, string>();
    for (const s of await this.segments.list(workspaceId)) {
      idOf.set(s.name, s.id);
      const parsed = safeParseRule(s.ruleText);
      if (parsed.ok) byName.set(s.name, parsed.value);
    }
    const value = { byName, idOf };
    this.segmentCache.set(workspaceId, { at: now, value });
    return value;
  }

  /** Forgets the cached segments (after a segment change the caller knows of). */
  invalidateSegments(): void {
    this.segmentCache.clear();
  }
}
