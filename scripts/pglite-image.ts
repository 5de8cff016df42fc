// A second entry point of the build (scripts/build.mjs): makes dist/'s migrated PGlite image, with
// the pg-boss schema the embedded queue creates at its first start already in it.
import { writeMigratedImage as write } from '../src/runtime/database.js';
import { createWorkflowQueue } from '../src/runtime/queue.js';

export function writeMigratedImage(): Promise<{ written: boolean; dir: string }> {
  return write({
    async prepare(db) {
      const queue = createWorkflowQueue({ redisUrl: undefined }, db);
      await queue.start();
      await queue.stop();
    },
  });
}
