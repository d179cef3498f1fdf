// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'web/dist/**', 'bench/scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='eval']", message: 'segflow never evaluates code.' },
        { selector: "NewExpression[callee.name='Function']", message: 'segflow never evaluates code.' },
      ],
    },
  },
  {
    // A folder's index.ts is its public face: other folders import only that.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?:\\.\\./)*(core|ingest|rules|engine|membership|store|destinations|workflows|predict|experiments|monitor|privacy|api|cli|app)/(?!index\\.js$|testing/index\\.js$).+',
              message: 'Import another folder only through its index.ts (or its testing/index.ts, for test support).',
            },
          ],
        },
      ],
    },
  },
  {
    // The API calls services through the ports it declares (src/api/services.ts), never the store: no import of
    // src/store at all, and no repository (a class or type named *Repo / *RepoSql) from any folder.
    files: ['src/api/**/*.ts'],
    ignores: ['src/api/**/*.test.ts', 'src/api/**/*-test-server.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?:\\.\\./)*(core|ingest|rules|engine|membership|store|destinations|workflows|predict|experiments|monitor|privacy|api|cli|app)/(?!index\\.js$|testing/index\\.js$).+',
              message: 'Import another folder only through its index.ts (or its testing/index.ts, for test support).',
            },
            {
              regex: '^(?:\\.\\./)+store/',
              message: 'src/api depends on services, not on the store: add what you need to a port in src/api/services.ts and build it in src/app.',
            },
            {
              regex: '^(?:\\.\\./)+\\w+/index\\.js$',
              importNamePattern: '(?:Repo|RepoSql)$',
              message: 'src/api does not use repositories: add what you need to a port in src/api/services.ts and build it in src/app.',
            },
          ],
        },
      ],
    },
  },
  {
    // The rule language is a pure library: it depends on core and nothing else of segflow.
    files: ['src/rules/**/*.ts'],
    ignores: ['src/rules/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?:\\.\\./)*(core|ingest|rules|engine|membership|store|destinations|workflows|predict|experiments|monitor|privacy|api|cli|app)/(?!index\\.js$|testing/index\\.js$).+',
              message: 'Import another folder only through its index.ts (or its testing/index.ts, for test support).',
            },
            {
              regex: '^\\.\\./(?:\\.\\./)*(ingest|engine|membership|store|destinations|workflows|predict|experiments|monitor|privacy|api|cli|app)/',
              message: 'src/rules imports only core: the rule language is a pure library the other layers use.',
            },
          ],
        },
      ],
    },
  },
  {
    // Configuration is read in one place (src/app/config.ts); below the app, settings arrive as values.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/testing/**', 'src/app/**', 'src/cli/**', 'src/store/sqlite/configure-sqlite.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration in src/app/config.ts and pass the value down.' },
      ],
    },
  },
  {
    // Time is injected (a Clock): engine and rule code never reads the wall clock or schedules real timers, so
    // tests drive it with a FakeClock and nothing sleeps. The one real clock is core/clock.ts's systemClock.
    files: ['src/engine/**/*.ts', 'src/rules/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.name='eval']", message: 'segflow never evaluates code.' },
        { selector: "NewExpression[callee.name='Function']", message: 'segflow never evaluates code.' },
        { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'Time is injected: use the Clock.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Time is injected: use the Clock.' },
        { selector: "CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'Time is injected: use Clock.schedule.' },
        { selector: "MemberExpression[property.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'Time is injected: use Clock.schedule.' },
        { selector: "MemberExpression[object.name='performance'][property.name='now']", message: 'Time is injected: use the Clock.' },
      ],
    },
  },
);
