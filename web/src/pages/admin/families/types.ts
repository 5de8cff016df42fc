import type { paths } from '../../../api/schema';

/** A user account as `GET /users/{id}` answers it (a parent, here). */
export type Account = paths['/api/v1/users/{id}']['get']['responses'][200]['content']['application/json'];
/** The consents of a user (`GET /users/{id}/consents`): each kind, or null when never recorded. */
export type Consents = paths['/api/v1/users/{id}/consents']['get']['responses'][200]['content']['application/json'];
