import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Installs (or names) the PDF readers the report tests use; brings the PostgreSQL job queue's schema up to date once.
    globalSetup: ['test/setup/pdf-tools.ts', 'test/setup/job-queue.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Files share each worker's loaded modules instead of importing the app afresh per file: the
    // suite ran in a third of the time (imports were two thirds of it). Every file builds its own
    // context (its own database or schema), so no state is shared that a test relies on.
    isolate: false,
    // Two cores: two files at a time keeps scrypt, SQLite and Chromium from starving each other.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
