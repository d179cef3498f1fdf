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
);
