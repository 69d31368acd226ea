import type { Command } from '../io';
import { calibrate } from './calibrate';
import { convert } from './convert';
import { info } from './info';
import { mesh } from './mesh';

/** Every subcommand, by the name the user types. */
export const COMMANDS: Record<string, Command> = {
  calibrate,
  convert,
  info,
  mesh,
};
