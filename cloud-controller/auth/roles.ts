import { z } from 'zod';

/** API roles, each including the rights of the ones before it (issue #6). */
export const roleSchema = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof roleSchema>;

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether `held` grants at least the rights of `needed`. */
export function roleAllows(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}
