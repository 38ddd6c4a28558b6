import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Installs (or names) the PDF readers the report tests use; see the file.
    globalSetup: ['test/setup/pdf-tools.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: two files at a time keeps scrypt, SQLite and Chromium from starving each other.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
