import type { Command } from '../io';

/** Every subcommand, by the name the user types. */
export const COMMANDS: Record<string, Command> = {};
