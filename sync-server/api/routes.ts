// Every API route, in match order (literal segments before parameters).
import { accountRoutes } from './account';
import { accountsRoutes } from './accounts';
import { conversationsRoutes } from './conversations';
import type { ApiDeps } from './deps';
import { healthRoutes } from './health';
import { kdfRoutes } from './kdf';
import type { ApiRoute } from './route';
import { sessionsRoutes } from './sessions';
import { signInRoutes } from './sign-in';
import { ticketsRoutes } from './tickets';
import { usersRoutes } from './users';

export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    ...healthRoutes(deps),
    ...kdfRoutes(deps),
    ...accountsRoutes(deps),
    ...signInRoutes(deps),
    ...sessionsRoutes(deps),
    ...accountRoutes(deps),
    ...usersRoutes(deps),
    ...ticketsRoutes(deps),
    ...conversationsRoutes(deps),
  ];
}
