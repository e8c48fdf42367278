// Unit specs sit beside the code (src/, *.spec.ts); contract and end-to-end suites live in test/.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts'],
  transform: {
    // transpile only: `tsc --noEmit` (and npm test's build) does the type checking
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  testTimeout: 60000,
};
