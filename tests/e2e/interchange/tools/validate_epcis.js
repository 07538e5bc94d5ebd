// Validates EPCIS 2.0 JSON-LD documents with the third-party npm package epcis2.js
// (validateEpcisDocument: the EPCIS 2.0 JSON schema plus its event checks). Prints "valid <file>"
// per document, or the validator's errors and exits 1. Installed by ./scripts/deps --interchange.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const epcis = require(path.join(__dirname, '..', '..', '..', '..', 'build', 'node-interchange', 'node_modules', 'epcis2.js'));

let failed = false;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const result = epcis.validateEpcisDocument(doc, false);
  if (result.success) {
    console.log(`valid ${file}`);
  } else {
    failed = true;
    console.log(`invalid ${file}: ${JSON.stringify(result.errors)}`);
  }
}
process.exit(failed ? 1 : 0);
