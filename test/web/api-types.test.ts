import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apiTypesFile, generateApiTypes } from '../../scripts/web-api-types.js';

describe('the web app API client', () => {
  it('is generated from the OpenAPI document the server serves now (`npm run web:api` regenerates it)', { timeout: 120_000 }, async () => {
    const checkedIn = await readFile(apiTypesFile, 'utf8');
    const current = await generateApiTypes();
    // A mismatch means a route or schema changed without regenerating web/src/api/schema.d.ts.
    expect(checkedIn === current, 'web/src/api/schema.d.ts is stale: run `npm run web:api`').toBe(true);
  });
});
