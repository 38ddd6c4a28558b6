import pLimit from 'p-limit';

/**
 * Lets the event loop take other requests before going on. better-sqlite3 answers synchronously, so
 * an awaited query resolves as a microtask and a whole page can run as one uninterrupted slice of
 * the event loop; with twenty pages in flight, a cheap request (a health check, a sign-in) waits
 * behind all of them. Yielding between a page's steps lets it in between them.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Pages that compute coverage take turns, four at a time (measured against one and two: bench/RESULTS.md): they are CPU-bound on one thread, so more
 * at once finishes none sooner, and each one in flight adds a slice that every other request waits
 * behind. Waiting for a turn costs nothing; cheap requests keep being served meanwhile.
 */
export const heavyPage = pLimit(4);
