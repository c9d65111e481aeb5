import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'db/migrations/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/**/*.ts', 'db/**/*.ts'],
    rules: {
      // Configuration is read once in src/config.ts and passed down (DESIGN.md §3).
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in src/config.ts and pass it down.' }],
    },
  },
  {
    files: ['src/main.ts', 'src/**/*-cli.ts', 'db/migrate.ts', 'test/bench/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
