import type { Command } from 'commander';
import * as agent from '../commands/agent/index.js';
import * as assign from '../commands/assign.js';
import * as autoreply from '../commands/autoreply/index.js';
import * as businessProfile from '../commands/business-profile/index.js';
import * as campaign from '../commands/campaign/index.js';
import * as claim from '../commands/claim.js';
import * as completion from '../commands/completion.js';
import * as config from '../commands/config/index.js';
import * as contact from '../commands/contact/index.js';
import * as costs from '../commands/costs.js';
import * as db from '../commands/db/index.js';
import * as doctor from '../commands/doctor.js';
import * as hours from '../commands/hours/index.js';
import * as inbox from '../commands/inbox/index.js';
import * as inspect from '../commands/inspect.js';
import * as label from '../commands/label/index.js';
import * as link from '../commands/link.js';
import * as media from '../commands/media/index.js';
import * as messages from '../commands/messages/index.js';
import * as metaTemplate from '../commands/meta-template/index.js';
import * as note from '../commands/note.js';
import * as numbers from '../commands/numbers.js';
import * as qr from '../commands/qr.js';
import * as read from '../commands/read.js';
import * as reopen from '../commands/reopen.js';
import * as reply from '../commands/reply.js';
import * as report from '../commands/report.js';
import * as resolve from '../commands/resolve.js';
import * as send from '../commands/send.js';
import * as setup from '../commands/setup.js';
import * as template from '../commands/template/index.js';
import * as webhook from '../commands/webhook/index.js';
import * as widget from '../commands/widget/index.js';
import type { Deps } from './deps.js';

/** Every top-level command. Each module wires commander only; heavy work is imported inside actions. */
const COMMANDS: ReadonlyArray<{ register(program: Command, deps: Deps): void }> = [
  link,
  inspect,
  qr,
  template,
  hours,
  messages,
  send,
  read,
  inbox,
  reply,
  label,
  assign,
  claim,
  note,
  agent,
  contact,
  resolve,
  reopen,
  webhook,
  widget,
  autoreply,
  media,
  metaTemplate,
  campaign,
  businessProfile,
  numbers,
  costs,
  report,
  doctor,
  db,
  setup,
  config,
  completion,
];

export function registerCommands(program: Command, deps: Deps): void {
  for (const command of COMMANDS) command.register(program, deps);
}
