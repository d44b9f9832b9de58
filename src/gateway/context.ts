import type { AdminPrincipal } from '../domain/admin-principal.ts';
import type { Principal } from '../domain/principal.ts';
import type { WireFormat } from '../domain/error-envelope.ts';

/** Typed per-request state on hono's context (`c.var`). */
export interface GatewayEnv {
  Variables: {
    requestId: string;
    receivedAtMs: number;
    wire: WireFormat;
    principal: Principal;
    /** Set by admin authentication on `/api/*`: the caller's role and org confinement. */
    admin: AdminPrincipal;
  };
}
