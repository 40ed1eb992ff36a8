#!/usr/bin/env node
// Thin launcher: the CLI itself is TypeScript, run by Node's built-in type stripping.
import '../src/cli.ts';
