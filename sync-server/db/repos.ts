// The repository layer handlers use: no SQL outside sync-server/db.
import { createAccountDeletionRepo } from './account-deletion-repo';
import { createAccountsRepo } from './accounts-repo';
import { createCommunitiesRepo } from './communities-repo';
import { createDocumentsRepo } from './documents-repo';
import type { Database } from './open';
import { createPrivacyRepo } from './privacy-repo';
import { createSecretsRepo } from './secrets-repo';
import { createSessionsRepo } from './sessions-repo';
import { createTicketsRepo } from './tickets-repo';

export function createRepos(db: Database) {
  return {
    accounts: createAccountsRepo(db.orm),
    sessions: createSessionsRepo(db.orm),
    tickets: createTicketsRepo(db.orm),
    secrets: createSecretsRepo(db.orm),
    documents: createDocumentsRepo(db.orm),
    privacy: createPrivacyRepo(db.orm),
    communities: createCommunitiesRepo(db.orm),
    accountDeletion: createAccountDeletionRepo(db.orm),
    transaction: db.transaction,
  };
}

export type Repos = ReturnType<typeof createRepos>;
