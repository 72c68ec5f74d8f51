// ESLint flat config (ESLint 10). `npm run lint` runs it over the whole tree; Prettier owns layout
// (`npm run format`), so ESLint's and eslint-plugin-vue's layout rules are off.
//
// Not type-aware on purpose: typescript-eslint's recommendedTypeChecked took 80 s on the 2-core CI
// machine (13 s without) and mostly reported `x[i]!` assertions that are unnecessary only because
// tsconfig leaves noUncheckedIndexedAccess off.
//
// Layers (docs/DESIGN.md §1), enforced with no-restricted-imports (see layerRules below):
//   compute/**        may not import renderer/** or electron/** (nor the `electron` package);
//   renderer/src/**   may not import Node built-ins (`node:*`, fs, path, …), onnxruntime-node or electron;
//   compute/{numerics,render,wire}/** (neutral, also bundled into the renderer): the renderer's rule,
//                     and no engine or ptycho imports;
//   compute/**, bench/**, electron/** outside compute/engine: the engine only via compute/engine/index.ts.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
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

const NOT_UP = 'compute/ never imports renderer/ or electron/ (docs/DESIGN.md §1).';
const SANDBOX = 'runs in the sandboxed renderer too: no Node built-ins, ONNX Runtime or electron.';
const ENTRY = 'outside compute/engine, import the engine from its public entry (compute/engine/index.ts).';
const NEUTRAL = 'neutral modules (numerics, render, wire) do not depend on the engine or the science.';

const restrict = {
  /** compute/ → renderer/, electron/ */
  notUp: {
    paths: [],
    patterns: [
      { group: ['**/renderer', '**/renderer/**', '**/electron', '**/electron/**'], message: NOT_UP },
    ],
  },
  /** Node built-ins, onnxruntime-node, electron */
  sandbox: {
    paths: [...nodeBuiltins, 'onnxruntime-node', 'electron'].map((name) => ({ name, message: SANDBOX })),
    patterns: [{ group: ['node:*'], message: SANDBOX }],
  },
  /** deep imports of engine internals */
  entry: { paths: [], patterns: [{ group: ['**/engine/**', '!**/engine/index'], message: ENTRY }] },
  /** engine or ptycho from a neutral module */
  neutral: {
    paths: [],
    patterns: [{ group: ['**/engine', '**/engine/**', '**/ptycho/**'], message: NEUTRAL }],
  },
};

/** One config object per area; `files` match first-to-last, later objects win for a file. */
function layerRules() {
  const rule = (...parts) => [
    'error',
    { paths: parts.flatMap((p) => p.paths), patterns: parts.flatMap((p) => p.patterns) },
  ];
  const NEUTRAL_DIRS = ['compute/numerics/**', 'compute/render/**', 'compute/wire/**'];
  return [
    { files: ['bench/**', 'electron/**'], rules: { 'no-restricted-imports': rule(restrict.entry) } },
    { files: ['compute/**'], rules: { 'no-restricted-imports': rule(restrict.notUp, restrict.entry) } },
    { files: ['compute/engine/**'], rules: { 'no-restricted-imports': rule(restrict.notUp) } },
    {
      files: NEUTRAL_DIRS,
      rules: { 'no-restricted-imports': rule(restrict.notUp, restrict.sandbox, restrict.neutral) },
    },
    { files: ['renderer/src/**'], rules: { 'no-restricted-imports': rule(restrict.sandbox) } },
  ];
}

export default defineConfig(
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
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'].map((c) => ({ ...c, files: ['renderer/**/*.vue'] })),
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
  // Layer rules: each area gets one no-restricted-imports entry (flat config replaces, not merges).
  layerRules(),
  { files: ['renderer/src/**'], languageOptions: { globals: { ...globals.browser } } },
);
