// drizzle-kit reads this to turn sync-server/db/schema*.ts into SQL migrations under drizzle/.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: ['./sync-server/db/schema.ts', './sync-server/db/schema-docs.ts', './sync-server/db/privacy-schema.ts', './sync-server/db/community-schema.ts'],
  out: './drizzle',
});
