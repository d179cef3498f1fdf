/**
 * @module
 * What the rule editor asks while the user types: `POST /api/rules/check` returns every diagnostic of a rule
 * text — the same parser, checker and linter, codes and positions as `segflow check`, with the workspace's
 * segments known so `in_segment("…")` is checked too — and `GET /api/catalog` the event, property and trait
 * names seen in the data, for autocompletion.
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import type { Services } from '../services.js';
import { analyzeRule, fromRuleJson, type Condition } from '../../rules/index.js';
import { workspaceOf } from '../admin-auth.js';

const DiagnosticSchema = Type.Object({
  code: Type.String(),
  severity: Type.Union([Type.Literal('error'), Type.Literal('warning')]),
  message: Type.String(),
  line: Type.Optional(Type.Integer()),
  column: Type.Optional(Type.Integer()),
  offset: Type.Optional(Type.Integer({ description: 'Offset of the span in the text (UTF-16 code units, as JavaScript strings count).' })),
  length: Type.Optional(Type.Integer()),
  hint: Type.Optional(Type.String()),
});

/** Registers `POST /api/rules/check` and `GET /api/catalog`. */
export async function rulesCheckRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const { segments, monitor } = services;
  app.post(
    '/api/rules/check',
    {
      schema: {
        tags: ['segments'],
        summary: 'Diagnostics of a rule text (parse, check, lint), as segflow check reports them',
        body: Type.Object(
          {
            rule: Type.String({ maxLength: 65_536 }),
            name: Type.Optional(Type.String({ maxLength: 200, description: 'The segment this rule is for (a reference to itself is a cycle).' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ diagnostics: Type.Array(DiagnosticSchema) }) },
      },
    },
    async (request) => {
      const { rule, name } = request.body as { rule: string; name?: string };
      const others = new Map<string, Condition>();
      if (segments) {
        for (const s of await segments.list(workspaceOf(request))) {
          if (s.name === name) continue;
          const read = fromRuleJson(s.ruleJson);
          if (read.ok) others.set(s.name, read.value);
        }
      }
      const { diagnostics } = analyzeRule(rule, { segments: others, ...(name === undefined ? {} : { segmentName: name }) });
      return {
        diagnostics: diagnostics.map((d) => ({
          code: d.code,
          severity: d.severity,
          message: d.message,
          ...(d.span ? { line: d.span.line, column: d.span.column, offset: d.span.offset, length: d.span.length } : {}),
          ...(d.hint === undefined ? {} : { hint: d.hint }),
        })),
      };
    },
  );

  if (!monitor) return;
  app.get(
    '/api/catalog',
    {
      schema: {
        tags: ['segments'],
        summary: 'Event, property and trait names seen in the data (for autocompletion)',
        response: {
          200: Type.Object({
            events: Type.Array(Type.String()),
            properties: Type.Record(Type.String(), Type.Array(Type.Object({ name: Type.String(), type: Type.String() }))),
            traits: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })),
          }),
        },
      },
    },
    async (request) => monitor.catalog.view(workspaceOf(request)),
  );
}
