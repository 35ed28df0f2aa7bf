import { defineConfig } from 'vitest/config';

const STORE_DEPENDENT = ['test/integration/**/*.test.ts', 'test/interop/**/*.test.ts', 'test/browser/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: process.env['CI'] ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'test-artifacts/junit.xml' },
    // The suites that start emulators run twice: on the memory store and on Redis.
    projects: [
      { extends: true, test: { name: 'memory', include: ['test/**/*.test.ts'], exclude: ['test/redis/**'], env: { TEST_STORE: 'memory' } } },
      { extends: true, test: { name: 'redis', include: [...STORE_DEPENDENT, 'test/redis/**/*.test.ts'], env: { TEST_STORE: 'redis' } } },
    ],
  },
});
