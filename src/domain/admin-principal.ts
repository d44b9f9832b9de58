/**
 * Who is calling the admin API. `admin` may read and change; `viewer` may only read. An admin or
 * viewer bound to an org (`orgId`) sees and manages only that org's keys, budgets, usage and alerts;
 * `orgId: undefined` is the operator, who sees every org.
 */
export type AdminRole = 'admin' | 'viewer';

export interface AdminPrincipal {
  role: AdminRole;
  /** The org this caller is confined to; undefined for the operator (all orgs). */
  orgId: string | undefined;
  /** For audit lines: `root` for TOLLGATE_ADMIN_KEY, `viewer` for TOLLGATE_VIEWER_KEY, else the configured admin key's name. */
  name: string;
}

export const ROOT_ADMIN: AdminPrincipal = { role: 'admin', orgId: undefined, name: 'root' };
/** TOLLGATE_VIEWER_KEY: reads everything (every org), changes nothing. */
export const ROOT_VIEWER: AdminPrincipal = { role: 'viewer', orgId: undefined, name: 'viewer' };

/** Whether the caller may change things (create, update, delete, reset). */
export function canWrite(admin: AdminPrincipal): boolean {
  return admin.role === 'admin';
}

/** Whether the caller may see (or, with canWrite, manage) something that belongs to `orgId`. */
export function seesOrg(admin: AdminPrincipal, orgId: string | undefined): boolean {
  return admin.orgId === undefined || admin.orgId === orgId;
}

/** Whether the caller is the operator (not confined to one org): global views and global writes. */
export function isOperator(admin: AdminPrincipal): boolean {
  return admin.orgId === undefined;
}
