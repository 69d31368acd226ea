import type { Command } from '../io';
import { convert } from './convert';
import { info } from './info';
import { mesh } from './mesh';
import { send } from './send';

/** Every subcommand, by the name the user types. */
export const COMMANDS: Record<string, Command> = {
  convert,
  info,
  mesh,
  send,
};
