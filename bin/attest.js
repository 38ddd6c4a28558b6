#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader so that `npx attest`, `npm start` and the
// tests share one source tree with no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
