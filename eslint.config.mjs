// ESLint flat config: typescript-eslint's recommended rules; formatting is Prettier's job.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'test/e2e/zaqarclient/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // e2e tests read loosely typed JSON bodies
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
