import type { NextFunction, Request, Response } from 'express';
import { roleMay, type Action } from '../auth/policy.ts';
import { roleLabels } from '../auth/roles.ts';

interface NavItem {
  key: string;
  label: string;
  href: string;
  action: Action;
  /** Parts of Attest not built yet are listed so people know they are coming. */
  coming?: boolean;
  /** Hidden from roles that may do this (they reach the same things another way). */
  notFor?: Action;
}

const items: NavItem[] = [
  { key: 'portal', label: 'My audits', href: '/portal', action: 'portal.use' },
  // Everyone who has work here: GRC staff, administrators, customer-compliance staff.
  { key: 'inbox', label: 'My work', href: '/inbox', action: 'questionnaires.use', notFor: 'portal.use' },
  { key: 'dashboard', label: 'Dashboard', href: '/', action: 'catalog.read' },
  { key: 'frameworks', label: 'Frameworks', href: '/frameworks', action: 'catalog.read' },
  { key: 'controls', label: 'Controls', href: '/controls', action: 'catalog.read' },
  { key: 'evidence', label: 'Evidence', href: '/evidence', action: 'evidence.read' },
  { key: 'calendar', label: 'Calendar', href: '/calendar', action: 'audits.read' },
  { key: 'certifications', label: 'Certifications', href: '/certifications', action: 'certifications.read' },
  { key: 'audits', label: 'Audits', href: '/audits', action: 'audits.read' },
  // Auditors reach their audits' reports in their portal.
  { key: 'reports', label: 'Reports', href: '/reports', action: 'reports.generate', notFor: 'portal.use' },
  { key: 'reminders', label: 'Reminders', href: '/reminders', action: 'app.use' },
  { key: 'questionnaires', label: 'Questionnaires', href: '/questionnaires', action: 'questionnaires.use' },
  { key: 'admin', label: 'Admin', href: '/admin/users', action: 'users.manage' },
];

/** What the layout needs: the signed-in user and the navigation their role may use. */
export function layoutLocals(req: Request, res: Response, next: NextFunction): void {
  const user = req.user;
  if (user) {
    // Until a one-time password is replaced, nothing else is reachable, so no menu is shown.
    res.locals.currentUser = { name: user.name, email: user.email, role: user.role, roleLabel: roleLabels[user.role] };
    res.locals.nav = user.mustChangePassword
      ? []
      : items
          .filter((i) => roleMay(user.role, i.action) || (i.key === 'admin' && roleMay(user.role, 'activity.read')))
          .filter((i) => !i.notFor || !roleMay(user.role, i.notFor))
          .map((i) => ({ ...i, href: i.key === 'admin' && !roleMay(user.role, 'users.manage') ? '/admin/activity' : i.href }));
    res.locals.canManageUsers = roleMay(user.role, 'users.manage');
  }
  next();
}
