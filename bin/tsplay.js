#!/usr/bin/env node
// Thin launcher: the CLI lives in the compiled engine (npm run build).
import('../dist/engine/cli/main.js').then((m) => m.main(process.argv.slice(2)));
