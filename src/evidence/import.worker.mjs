// A worker thread's entry point: the TypeScript loader first, as bin/attest.js does, then the work.
import { register } from 'tsx/esm/api';

register();
await import('./import.worker.ts');
