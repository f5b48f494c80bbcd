// Validates an OpenAPI document with an independent implementation
// (@apidevtools/swagger-parser: the OpenAPI 3.0 JSON Schema and every
// $ref). Usage: node .ci/validate-openapi.js openapi.json
'use strict';
const SwaggerParser = require('@apidevtools/swagger-parser');

const file = process.argv[2];
if (!file) {
  console.error('usage: node .ci/validate-openapi.js <openapi.json>');
  process.exit(2);
}
SwaggerParser.validate(file).then(
  (api) => {
    let ops = 0;
    for (const item of Object.values(api.paths)) ops += Object.keys(item).length;
    console.log(`OpenAPI ${api.openapi} document valid: ${Object.keys(api.paths).length} paths, ${ops} operations`);
  },
  (err) => {
    console.error('OpenAPI document invalid:\n' + err.message);
    process.exit(1);
  },
);
