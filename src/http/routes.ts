import { Router, type RequestHandler } from 'express';
import { roleMay, type Action } from '../auth/policy.ts';
import { AppError } from './errors.ts';

export type Access = Action | 'public';

export interface RouteInfo {
  method: 'GET' | 'POST';
  path: string;
  access: Access;
  api: boolean;
}

// Pages a user who must change their password may still reach.
const PASSWORD_CHANGE_PATHS = new Set(['/account/password', '/logout']);

/**
 * Every route is declared with the action it needs; the guard asks the policy module, and the
 * registry lets a test walk every route with every role.
 */
export class Routes {
  // Case-sensitive: /API/v1/… must not reach an API route while identify() treats it as a page.
  readonly router = Router({ caseSensitive: true });
  readonly registry: RouteInfo[] = [];

  get(path: string, access: Access, ...handlers: RequestHandler[]): void {
    this.add('GET', path, access, handlers);
  }

  post(path: string, access: Access, ...handlers: RequestHandler[]): void {
    this.add('POST', path, access, handlers);
  }

  private add(method: 'GET' | 'POST', path: string, access: Access, handlers: RequestHandler[]): void {
    const api = path.startsWith('/api/');
    this.registry.push({ method, path, access, api });
    const register = method === 'GET' ? this.router.get.bind(this.router) : this.router.post.bind(this.router);
    register(path, guard(access, api), ...handlers);
  }
}

function guard(access: Access, api: boolean): RequestHandler {
  return (req, res, next) => {
    if (access === 'public') return next();
    const user = req.user;
    if (!user) {
      if (api) return next(new AppError('unauthenticated', 'Send a valid API token as "Authorization: Bearer att_…".'));
      const nextUrl = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/login${nextUrl}`);
    }
    if (!api && user.mustChangePassword && !PASSWORD_CHANGE_PATHS.has(req.path)) {
      return res.redirect(303, '/account/password');
    }
    if (!roleMay(user.role, access)) return next(AppError.forbidden());
    next();
  };
}
