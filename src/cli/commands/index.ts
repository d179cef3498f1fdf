/**
 * @module
 * The list of CLI commands. Each command is one file exporting `register(program: Command): void`;
 * add yours here (one import, one line in the list).
 */
import type { Command } from 'commander';
import { register as apply } from './apply.js';
import { register as audit } from './audit.js';
import { register as check } from './check.js';
import { register as destinations } from './destinations.js';
import { register as erase } from './erase.js';
import { register as experiments } from './experiments.js';
import { register as explain } from './explain.js';
import { register as fmt } from './fmt.js';
import { register as importCommand } from './import.js';
import { register as keys } from './keys.js';
import { register as members } from './members.js';
import { register as migrate } from './migrate.js';
import { register as predict } from './predict.js';
import { register as segments } from './segments.js';
import { register as serve } from './serve.js';
import { register as simulate } from './simulate.js';
import { register as workflows } from './workflows.js';

type Register = (program: Command) => void;

const commands: readonly Register[] = [
  apply,
  audit,
  check,
  destinations,
  erase,
  experiments,
  explain,
  fmt,
  importCommand,
  keys,
  members,
  migrate,
  predict,
  segments,
  serve,
  simulate,
  workflows,
];

/** Adds every segflow command to `program`. */
export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
