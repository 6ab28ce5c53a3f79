import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layering of DESIGN.md §5, checked on every import (static and dynamic) under src/: the filter
 * language is a leaf, core knows filter and the store interface only, a store driver knows core,
 * filter, the store interface and the shared SQL layer of the SQL drivers (never another driver,
 * the CLI, input or output), services know
 * no store, and nothing but the CLI imports the CLI.
 */
const LAYERS = [
  { type: 'filter', pattern: 'src/filter' },
  { type: 'core', pattern: 'src/core' },
  // What the SQL drivers share (SQLite's and the servers'): matched before the driver folders.
  { type: 'store-sql', pattern: 'src/store/sql' },
  { type: 'store-driver', pattern: 'src/store/*', capture: ['driver'] },
  { type: 'store', pattern: 'src/store' },
  { type: 'dovecot', pattern: 'src/dovecot' },
  { type: 'services', pattern: 'src/services' },
  { type: 'input', pattern: 'src/input' },
  { type: 'output', pattern: 'src/output' },
  { type: 'audit', pattern: 'src/audit' },
  { type: 'connectivity', pattern: 'src/connectivity' },
  { type: 'cli', pattern: 'src/cli' },
];

const may = (from, to) => ({ from: { element: { type: from } }, allow: { to: { element: { types: { anyOf: to } } } } });

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS,
      'boundaries/include': ['src/**/*.ts'],
      'import/resolver': { typescript: { project: 'tsconfig.json' } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            may('filter', ['filter']),
            may('core', ['core', 'filter', 'store']),
            may('store', ['store', 'store-driver', 'store-sql', 'core', 'filter', 'dovecot']),
            // A driver knows its own folder and the shared store code, never another driver.
            {
              from: { element: { type: 'store-driver' } },
              allow: { to: { element: { type: 'store-driver', captured: { driver: '{{ from.element.captured.driver }}' } } } },
            },
            may('store-driver', ['store', 'store-sql', 'core', 'filter', 'dovecot']),
            may('store-sql', ['store-sql', 'store', 'core', 'filter', 'dovecot']),
            may('dovecot', ['dovecot', 'core', 'services']),
            may('services', ['services', 'core']),
            may('input', ['input', 'core', 'store']),
            may('output', ['output', 'core']),
            may('audit', ['audit', 'core', 'filter', 'store', 'input', 'output']),
            may('connectivity', ['connectivity', 'core', 'output']),
            may('cli', ['cli', 'core', 'filter', 'store', 'store-driver', 'dovecot', 'services', 'input', 'output', 'audit', 'connectivity']),
          ],
        },
      ],
    },
  },
  {
    files: ['bin/**/*.js', 'scripts/**/*.js', 'bench/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
