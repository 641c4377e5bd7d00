import { type Command, Option } from 'commander';
import { collect } from './flags.js';

/** Flags that build one link; shared by `link` and `qr <phone>`. */
export interface LinkFlags {
  country?: string;
  text?: string;
  var?: string[];
  ref?: string;
  api?: boolean;
  share?: boolean;
  strict?: boolean;
  /** A CTA template as the text (`link --template`). */
  template?: string;
}

export function addLinkOptions(cmd: Command): Command {
  return cmd
    .option(
      '-c, --country <code>',
      'region for numbers without a country code (ISO 3166-1, e.g. IN); default: config default-country',
    )
    .option(
      '-t, --text <text>',
      'prefilled message text ("-" reads stdin); {{name}} placeholders take --var values',
    )
    .option('--var <key=value>', 'value for a {{key}} placeholder in the text (repeatable)', collect)
    .option('--ref <code>', 'campaign reference appended to the text as [ref:<code>], read back by the inbox')
    .addOption(
      new Option('--api', 'emit https://api.whatsapp.com/send?phone=... instead of wa.me').conflicts('share'),
    )
    .option('--share', 'a link without a number: the user picks the chat (needs --text)')
    .option('--strict', 'refuse numbers in no assigned range, not only impossible ones');
}
