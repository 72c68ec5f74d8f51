// ESLint flat config (ESLint 10). `npm run lint` runs it over the whole tree; Prettier owns layout
// (`npm run format`), so ESLint's and eslint-plugin-vue's layout rules are off.
//
// Not type-aware on purpose: typescript-eslint's recommendedTypeChecked took 80 s on the 2-core CI
// machine (13 s without) and mostly reported `x[i]!` assertions that are unnecessary only because
// tsconfig leaves noUncheckedIndexedAccess off.
//
// Layers (docs/DESIGN.md §1), enforced with no-restricted-imports:
//   compute/**   may not import renderer/** or electron/** (nor the `electron` package);
//   renderer/src/** may not import Node built-ins (`node:*`, fs, path, …), onnxruntime-node or electron.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';

const vueLayoutOff = Object.fromEntries(
  Object.entries(pluginVue.rules)
    .filter(([, rule]) => rule.meta?.type === 'layout')
    .map(([name]) => [`vue/${name}`, 'off']),
);

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'out/',
      'dist/',
      'test-results/',
      'playwright-report/',
      'bench/results/',
      'bench/tmp_*/',
      'shared/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['renderer/**/*.vue'] })),
  {
    files: ['renderer/**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
    rules: vueLayoutOff,
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Tests and benches parse JSON fixtures and poke at internals; `any` stays out of public APIs.
    files: ['tests/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['compute/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/renderer', '**/renderer/**', '**/electron', '**/electron/**'],
              message: 'compute/ never imports renderer/ or electron/ (docs/DESIGN.md §1).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...nodeBuiltins, 'onnxruntime-node', 'electron'].map((name) => ({
            name,
            message: 'the renderer runs in a sandboxed page: no Node built-ins, ONNX Runtime or electron.',
          })),
          patterns: [
            { group: ['node:*'], message: 'the renderer runs in a sandboxed page: no Node built-ins.' },
          ],
        },
      ],
    },
  },
);
