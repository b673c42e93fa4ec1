import type { Command } from 'commander';

/** Every CLI verb registers itself on the program; add new verbs to this list. */
export const commands: ReadonlyArray<(program: Command) => void> = [];
