/**
 * @module
 * The list of CLI commands. Each command is one file exporting `register(program: Command): void`;
 * add yours here (one import, one line in the list).
 */
import type { Command } from 'commander';

type Register = (program: Command) => void;

const commands: readonly Register[] = [];

/** Adds every segflow command to `program`. */
export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
