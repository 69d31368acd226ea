import type { Command } from '../io';
import { calibrate } from './calibrate';
import { convert } from './convert';
import { fit } from './fit';
import { info } from './info';
import { mesh } from './mesh';
import { send } from './send';
import { tube } from './tube';

/** Every subcommand, by the name the user types. */
export const COMMANDS: Record<string, Command> = {
  calibrate,
  convert,
  fit,
  info,
  mesh,
  send,
  tube,
};
