// The OpenAPI document served at /api/openapi.json is a valid OpenAPI 3.1 document.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import SwaggerParser from '@apidevtools/swagger-parser';

import { startSen } from '../lib/harness.mjs';

let sen;

before(async () => {
  sen = await startSen();
});

after(async () => {
  await sen?.stop();
});

test('the served OpenAPI document validates as OpenAPI 3.1', async () => {
  const doc = await (await fetch(`${sen.url}/api/openapi.json`)).json();
  assert.match(doc.openapi, /^3\.1\./);
  const api = await SwaggerParser.validate(structuredClone(doc));
  assert.ok(api.paths['/api/v1/contacts']);
  assert.ok(Object.keys(api.paths).length >= 12);
});
