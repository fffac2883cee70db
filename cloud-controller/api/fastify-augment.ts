import type { Role } from '../auth/roles.js';
import type { Principal } from '../auth/tokens.js';

/**
 * Per-route settings read by the auth and audit hooks. Routes declare the least role they need;
 * without one, reads need `viewer` and writes `operator`.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    /** Least role allowed to call the route. */
    role?: Role;
    /** Skip token auth: the handler authenticates by other means (e.g. device credentials for bundle downloads). */
    public?: boolean;
    /** Write an audit entry; defaults to true for every method except GET/HEAD/OPTIONS. */
    audit?: boolean;
  }
  interface FastifyRequest {
    /** Who called, set by the auth hook. */
    principal?: Principal;
    /** FC_ERR_* code of a failed call, recorded in the audit log. */
    errorCode?: string;
  }
}
