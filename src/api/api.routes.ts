import { AppError } from '../http/errors.ts';
import type { Routes } from '../http/routes.ts';
import { catalogPaths } from './openapi.catalog.ts';
import { evidencePaths } from './openapi.evidence.ts';
import { addApiPaths, openApiDocument } from './openapi.ts';

addApiPaths(catalogPaths);
addApiPaths(evidencePaths);

export function apiRoutes(routes: Routes): void {
  routes.get('/api/v1/openapi.json', 'public', (_req, res) => {
    res.json(openApiDocument());
  });

  routes.get('/api/v1/me', 'app.use', (req, res) => {
    const user = req.user;
    if (!user) throw new AppError('unauthenticated', 'No user.');
    res.json({ id: user.id, email: user.email, name: user.name, role: user.role });
  });
}
