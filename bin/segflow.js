#!/usr/bin/env node
// Runs the TypeScript CLI in this very process through tsx's loader, so a fresh clone needs no build step and
// signals (Ctrl-C, SIGTERM from a supervisor) reach the server directly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
