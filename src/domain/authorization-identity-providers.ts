/**
 * Who may administer integrated identity providers through the management API: platform
 * admins only, reading as well as changing (a provider's settings say where people
 * of whole domains are sent to sign in). Helpers and roles in authorization.ts.
 */
import { platformOnly, type Caller, type Decision } from './authorization.js';

export const mayManageIdentityProviders = (caller: Caller): Decision => platformOnly(caller, 'administer integrated identity providers');
