export const roles = ['admin', 'grc', 'auditor', 'customer_compliance', 'viewer'] as const;

export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  admin: 'Administrator',
  grc: 'GRC staff',
  auditor: 'External auditor',
  customer_compliance: 'Customer compliance',
  viewer: 'Viewer',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
