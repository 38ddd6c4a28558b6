import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import type { Routes } from '../http/routes.ts';

export function homeRoutes(routes: Routes, ctx: AppContext): void {
  routes.get('/healthz', 'public', async (_req, res) => {
    try {
      await sql`select 1`.execute(ctx.db);
      res.json({ status: 'ok', database: ctx.dialect });
    } catch {
      res.status(503).json({ status: 'unavailable', database: ctx.dialect });
    }
  });
}
