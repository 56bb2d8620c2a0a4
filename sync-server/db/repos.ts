// The repository layer handlers use: no SQL outside sync-server/db.
import type { AccessChanges } from './access-changes';
import { createAccountDeletionRepo } from './account-deletion-repo';
import { createAccountsRepo } from './accounts-repo';
import { createCommunitiesRepo } from './communities-repo';
import { createCommunityDeletionRepo } from './community-deletion-repo';
import { createDocumentsRepo } from './documents-repo';
import type { Database } from './open';
import { createPrivacyRepo } from './privacy-repo';
import { createSecretsRepo } from './secrets-repo';
import { createSessionsRepo } from './sessions-repo';
import { createTicketsRepo } from './tickets-repo';

/** `changes` hears of every write that changes what the sync rooms cache (UNWATCHED where no room reads). */
export function createRepos(db: Database, changes: AccessChanges) {
  return {
    accounts: createAccountsRepo(db.orm),
    sessions: createSessionsRepo(db.orm),
    tickets: createTicketsRepo(db.orm),
    secrets: createSecretsRepo(db.orm),
    documents: createDocumentsRepo(db.orm, changes),
    privacy: createPrivacyRepo(db.orm, changes),
    communities: createCommunitiesRepo(db.orm),
    accountDeletion: createAccountDeletionRepo(db.orm, changes),
    communityDeletion: createCommunityDeletionRepo(db.orm, changes),
    transaction: db.transaction,
  };
}

export type Repos = ReturnType<typeof createRepos>;
