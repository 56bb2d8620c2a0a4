// Every API route, in match order (literal segments before parameters).
import { accountRoutes } from './account';
import { accountDeletionRoutes } from './account-deletion';
import { accountsRoutes } from './accounts';
import { blocksRoutes } from './blocks';
import { communitiesRoutes } from './communities';
import { communityDeletionRoutes } from './community-deletion';
import { communityDirectoryRoutes } from './community-directory';
import { communityInvitesRoutes } from './community-invites';
import { communityMembersRoutes } from './community-members';
import { conversationsRoutes } from './conversations';
import type { ApiDeps } from './deps';
import { exportMetadataRoutes } from './export-metadata';
import { healthRoutes } from './health';
import { kdfRoutes } from './kdf';
import { privacyRoutes } from './privacy';
import { requestsRoutes } from './requests';
import type { ApiRoute } from './route';
import { sessionsRoutes } from './sessions';
import { signInRoutes } from './sign-in';
import { ticketsRoutes } from './tickets';
import { userSummaryRoutes } from './user-summary';
import { usersRoutes } from './users';

export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  return [
    ...healthRoutes(deps),
    ...kdfRoutes(deps),
    ...accountsRoutes(deps),
    ...signInRoutes(deps),
    ...sessionsRoutes(deps),
    ...accountRoutes(deps),
    ...accountDeletionRoutes(deps),
    ...exportMetadataRoutes(deps),
    ...userSummaryRoutes(deps),
    ...usersRoutes(deps),
    ...ticketsRoutes(deps),
    ...conversationsRoutes(deps),
    ...requestsRoutes(deps),
    ...privacyRoutes(deps),
    ...blocksRoutes(deps),
    ...communitiesRoutes(deps),
    ...communityDeletionRoutes(deps),
    ...communityInvitesRoutes(deps),
    ...communityMembersRoutes(deps),
    ...communityDirectoryRoutes(deps),
  ];
}
