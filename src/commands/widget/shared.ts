import type { Command } from 'commander';

/** Flags shared by `widget build` and `widget preview`. */
export interface WidgetFlags {
  phone?: string;
  country?: string;
  text?: string;
  ref?: string;
  position?: string;
  color?: string;
  label?: string;
  agents?: string;
  replyTime?: string;
}

export const DEFAULT_COLOR = '#25d366';
export const DEFAULT_LABEL = 'Chat on WhatsApp';

export function addWidgetOptions(cmd: Command): Command {
  return cmd
    .option('--phone <number>', 'the number chats go to (international form, or with --country)')
    .option(
      '-c, --country <code>',
      'region for a number without a country code (default: config default-country)',
    )
    .option(
      '-t, --text <text>',
      'prefilled message; {TITLE} {URL} {SITE} and {NAME} for a data-name attribute of the script tag',
    )
    .option(
      '--ref <code>',
      'campaign reference appended to the text as [ref:<code>], as wabox link --ref does',
    )
    .option('--position <side>', 'left or right (default: right)')
    .option('--color <hex>', `button colour (default: ${DEFAULT_COLOR})`)
    .option('--label <text>', `button text (default: "${DEFAULT_LABEL}")`)
    .option(
      '--agents <file>',
      'YAML list of {name, phone, hours, tz, closed}: only those within their hours are offered',
    )
    .option(
      '--reply-time <duration>',
      'typical reply time shown when online, e.g. 15m (default: the median first response of the last 30 days in the inbox)',
    );
}
