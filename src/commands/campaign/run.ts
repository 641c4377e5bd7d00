// `wabox campaign run <name>`: sends a stored campaign at its rate, resumable and at most once
// (batch/campaign-run.ts). One run per campaign at a time (a lease in the store); a run that finds
// recipients `sending` (the last run died during their send) marks them `unknown` and leaves them.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { CampaignEvent, CampaignRunResult } from '../../batch/campaign-run.js';
import type { Deps } from '../../cli/deps.js';
import { emit, emitLine, note, warn } from '../../cli/output.js';
import { listenForInterrupt } from '../../cli/signals.js';
import { invalidInput, WaboxError } from '../../core/errors.js';
import { checkRate } from '../../core/pacing.js';
import type { CampaignRecord, OutboundRecord, Store } from '../../store/store.js';
import { messageErrorOf } from '../shared/cloud-args.js';
import {
  buildRecipientMessage,
  type CampaignReport,
  callbackOf,
  checkCandidates,
  definitionOf,
  fetchTemplate,
  findCampaign,
  formatSeconds,
  humanReport,
  messagingLimit,
  reportOf,
} from './shared.js';

export interface CampaignRunOptions {
  name: string;
  rate?: string;
  dryRun?: boolean;
  resendUnknown?: boolean;
  json?: boolean;
}

/** `campaign run --json` (the last line after the NDJSON events in a pipe): keep it stable. */
export interface CampaignRunSummary {
  name: string;
  /** done, paused (Ctrl-C or campaign pause), cancelled, stopped (an error stops every send), closed (no opening ahead). */
  outcome: CampaignRunResult['outcome'];
  accepted: number;
  failed: number;
  retried: number;
  inDoubt: number;
  /** Recipients left in each state after the run. */
  counts: Record<string, number>;
  elapsedSeconds: number;
  /** Accepted per second over the run. */
  rate: number;
}

export type CampaignRunRunner = (options: CampaignRunOptions) => Promise<void>;

export function register(parent: Command, deps: Deps, runF?: CampaignRunRunner): void {
  addRunOptions(
    parent
      .command('run')
      .description('send a stored campaign at its rate; resumes where it stopped, never sending anyone twice')
      .argument('<name>', 'the campaign'),
  )
    .addHelpText(
      'after',
      `
Examples:
  wabox campaign run diwali
  wabox campaign run diwali --dry-run
  wabox campaign run diwali --rate 20 | jq -c 'select(.status == "failed")'
  wabox campaign run diwali --resend-unknown

On a terminal a progress bar shows sent, failed, rate and ETA; in a pipe each recipient is a line of
JSON ({"row", "to", "status", "wamid"}). Ctrl-C, or wabox campaign pause <name> from another terminal,
pauses cleanly (exit 130): go on with wabox campaign resume <name>.
A run that stopped during a send (a crash, kill -9) leaves that message in doubt: it is marked unknown
and not sent again, unless --resend-unknown and no status webhook says it arrived.`,
    )
    .action(async (name: string, flags: Omit<CampaignRunOptions, 'name'>) => {
      const options = { ...flags, name };
      checkRunFlags(options);
      if (runF) return runF(options);
      await runAndPrint(options, deps);
    });
}

export function addRunOptions(command: Command): Command {
  return command
    .option('--rate <msgs/s>', "messages per second for this run (default: the campaign's; at most 1000)")
    .option('--dry-run', 'check the stored recipients against the template again; send nothing')
    .option('--resend-unknown', 'send again the recipients in doubt that no status webhook proved sent')
    .option('--json', 'NDJSON events, then the summary as JSON (--dry-run: the report)');
}

export function checkRunFlags(o: CampaignRunOptions): void {
  if (o.rate !== undefined) checkRate(Number(o.rate.trim() === '' ? Number.NaN : o.rate));
}

export async function runAndPrint(options: CampaignRunOptions, deps: Deps): Promise<void> {
  if (options.dryRun) {
    emit(deps, options, await runCampaignDryRun(options, deps), humanReport);
    return;
  }
  const summary = await runCampaignRun(options, deps);
  if (options.json || !deps.io.isStdoutTTY) emitLine(deps.io, { summary });
  note(deps.io, humanSummary(summary));
  if (summary.outcome === 'paused' && deps.exitCode === 0) deps.exitCode = 130;
  else if (summary.failed > 0 || summary.inDoubt > 0) deps.exitCode = 1;
}

function humanSummary(s: CampaignRunSummary): string {
  const what =
    s.outcome === 'done'
      ? 'done'
      : s.outcome === 'paused'
        ? `paused; go on with: wabox campaign resume ${s.name}`
        : s.outcome;
  return `${s.name}: ${what} — ${s.accepted} accepted, ${s.failed} failed, ${s.inDoubt} in doubt, ${s.counts.pending ?? 0} pending; ${formatSeconds(Math.round(s.elapsedSeconds))} at ${s.rate.toFixed(1)}/s`;
}

/** The report `create` printed, for the recipients still to send, against the template as it is now. */
export async function runCampaignDryRun(options: CampaignRunOptions, deps: Deps): Promise<CampaignReport> {
  const store = await deps.store();
  const campaign = await findCampaign(store, options.name);
  const client = await deps.cloud();
  const template = await fetchTemplate(client, campaign.template, campaign.language);
  const def = definitionOf(template);
  const candidates = [];
  const optedOut = await store.campaigns.optedOut();
  for (let after = 0; ; ) {
    const page = await store.campaigns.recipients(campaign.id, after, 1000);
    if (page.length === 0) break;
    for (const r of page) {
      after = r.row;
      if (r.state !== 'pending' && !(options.resendUnknown && r.state === 'unknown')) continue;
      candidates.push({
        row: r.row,
        to: r.waId,
        waId: r.waId,
        optedOut: optedOut.has(r.waId),
        values: (r.values ?? {}) as never,
      });
    }
  }
  const { recipients, problems } = checkCandidates(def, template.category, candidates);
  const rate = options.rate === undefined ? campaign.rate : checkRate(Number(options.rate));
  return reportOf(
    {
      name: campaign.name,
      template: campaign.template,
      language: campaign.language,
      category: template.category,
      rows: candidates.length,
      problems,
      messagingLimit: await messagingLimit(client, store),
      rate,
      startAt: campaign.startAt?.toISOString() ?? null,
      withinHours: campaign.withinHours,
      stored: false,
    },
    recipients.filter((r) => r.skipped === undefined).length,
  );
}

export async function runCampaignRun(options: CampaignRunOptions, deps: Deps): Promise<CampaignRunSummary> {
  const store = await deps.store();
  const campaign = await findCampaign(store, options.name);
  checkRunnable(campaign, options.resendUnknown === true);
  const rate = options.rate === undefined ? campaign.rate : checkRate(Number(options.rate));
  const tables = store.campaigns;
  const owner = `${hostname()}:${process.pid}`;
  const lease = await takeLease(tables, campaign.id, owner, new Date(deps.clock().getTime() + LEASE_MS));
  if (!lease.held)
    throw new WaboxError(
      'failure',
      `campaign ${campaign.name} is being sent by another run (${lease.owner})`,
      {
        code: 'campaign.leased',
        hint: 'wait for it to finish, or stop it with: wabox campaign pause ' + campaign.name,
      },
    );
  const stop = listenForInterrupt();
  let progress: { stop(): void } | undefined;
  try {
    const inDoubt = await tables.markInDoubt(campaign.id);
    if (inDoubt > 0)
      warn(
        deps.io,
        `${inDoubt} recipient${inDoubt === 1 ? ' was' : 's were'} being sent when the last run stopped: marked unknown, not sent again (see: wabox campaign status ${campaign.name})`,
      );
    if (options.resendUnknown) {
      const { proven, resent } = await tables.resendUnknown(campaign.id, callbackOf(campaign.id));
      note(deps.io, `in doubt: ${proven} proven sent by a status webhook, ${resent} to send again`);
    }
    await tables.setState(campaign.id, ['ready', 'running', 'done'], 'running');
    const [{ runCampaign, sendsInFlight }, { openCloudClient }, { templateMessage }, hours] =
      await Promise.all([
        import('../../batch/campaign-run.js'),
        import('../../cli/cloud.js'),
        import('../../cloud/messages.js'),
        campaign.withinHours ? loadHours(deps) : Promise.resolve(null),
      ]);
    // the runner decides about every error itself: no retries inside the client
    const client = await openCloudClient(deps, {
      retry: { maxAttempts: 1 },
      connections: sendsInFlight(rate),
    });
    // A run allocates tens of KB per send and V8 lets the promoted garbage pile up before a full GC:
    // this heuristic (read by the GC as it goes, so it takes effect mid-process) keeps the heap near its
    // live size at no measurable CPU cost (bench/campaign.mjs prints the peak RSS).
    (await import('node:v8')).setFlagsFromString('--optimize-for-size');
    const counts0 = await tables.counts(campaign.id);
    const total = counts0.pending + counts0.accepted + counts0.failed;
    const events = options.json || !deps.io.isStdoutTTY;
    const live = { accepted: counts0.accepted, failed: counts0.failed };
    progress = await startProgress(deps, campaign.name, total, live);
    const startAt = campaign.startAt?.getTime() ?? 0;
    let result: CampaignRunResult;
    try {
      result = await runCampaign({
        campaignId: campaign.id,
        rate,
        owner,
        tables: {
          lease: (id, who, until) => tables.lease(id, who, until),
          due: (id, at, limit) => tables.due(id, at, limit),
          nextDueAt: (id) => tables.nextDueAt(id),
          claimMany: (id, rows) => tables.claimMany(id, rows),
          settleMany: (id, outcomes) => tables.settleMany(id, outcomes),
          stateOf: async () => (await tables.get(campaign.name))?.state ?? null,
        },
        build: (r) => buildRecipientMessage(templateMessage, campaign, r),
        send: async (message) => ({ wamid: (await client.sendMessage(message as never)).id }),
        record: async (sends) => {
          const records: OutboundRecord[] = [];
          for (const { recipient: r, message, outcome } of sends) {
            const error = 'error' in outcome ? messageErrorOf(outcome.error, deps.mask) : null;
            // a send with no answer may have gone out: only a refusal is recorded as failed
            if (error !== null && error.code === null) continue;
            records.push({
              id: 'wamid' in outcome ? outcome.wamid : `local.campaign.${campaign.id}.${r.row}.${r.attempts}`,
              waId: r.waId,
              type: 'template',
              text: campaign.template,
              timestamp: deps.clock(),
              status: error === null ? 'accepted' : 'failed',
              error,
              payload: message,
              phoneNumberId: client.phoneNumberId,
            });
          }
          await store.recordOutboundMany(records);
          if (campaign.ref !== null)
            await tables.attribute(
              campaign.ref,
              records.filter((r) => r.status === 'accepted').map((r) => r.waId),
            );
        },
        onEvent: (e: CampaignEvent) => {
          if ('status' in e) {
            if (e.status === 'accepted') live.accepted++;
            else if (e.status === 'failed') live.failed++;
          }
          if (events) emitLine(deps.io, e);
        },
        signal: stop.signal,
        openAt: (t) => {
          if (t < startAt) return startAt;
          if (hours === null) return t;
          if (hours.isOpen(t)) return t;
          return hours.nextOpening(t);
        },
      });
    } finally {
      progress.stop();
      await client.close();
    }
    const left = await tables.markInDoubt(campaign.id);
    const counts = await tables.counts(campaign.id);
    const nextState =
      result.outcome === 'done'
        ? counts.pending + counts.sending === 0
          ? 'done'
          : 'ready'
        : result.outcome === 'cancelled'
          ? 'cancelled'
          : result.outcome === 'paused' || result.outcome === 'stopped'
            ? 'paused'
            : 'ready';
    if (nextState !== 'cancelled') await tables.setState(campaign.id, ['running', 'ready'], nextState);
    if (result.outcome === 'stopped' && result.error !== undefined) {
      const err = result.error;
      if (err instanceof WaboxError)
        throw new WaboxError(err.kind, `campaign ${campaign.name} stopped: ${err.message}`, {
          code: err.code,
          hint: `${err.hint ? `${err.hint}; then` : 'then'} go on with: wabox campaign resume ${campaign.name}`,
          cause: err,
        });
      throw err;
    }
    const elapsedSeconds = result.elapsedMs / 1000;
    return {
      name: campaign.name,
      outcome: result.outcome,
      accepted: result.accepted,
      failed: result.failed,
      retried: result.retried,
      inDoubt: result.inDoubt + left,
      counts,
      elapsedSeconds: Math.round(elapsedSeconds * 1000) / 1000,
      rate: elapsedSeconds > 0 ? Math.round((result.accepted / elapsedSeconds) * 10) / 10 : 0,
    };
  } finally {
    progress?.stop();
    stop.dispose();
    await tables.release(campaign.id, owner);
  }
}

const LEASE_MS = 30_000;

/**
 * The campaign's lease. A holder on this host whose process is gone (killed) is taken over at once rather
 * than after its lease runs out: taken in its name, released, then taken in ours, so of two runs doing
 * this at once only one gets it.
 */
async function takeLease(
  tables: Store['campaigns'],
  id: number,
  owner: string,
  until: Date,
): Promise<{ held: boolean; owner: string | null }> {
  const lease = await tables.lease(id, owner, until);
  if (lease.held || lease.owner === null) return lease;
  const [host, pid] = lease.owner.split(':');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '') || alive(Number(pid))) return lease;
  if ((await tables.lease(id, lease.owner, until)).held) await tables.release(id, lease.owner);
  return tables.lease(id, owner, until);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A done campaign may still have recipients in doubt to resend. */
function checkRunnable(c: CampaignRecord, resendUnknown: boolean): void {
  if (c.state === 'paused')
    throw invalidInput(`campaign ${c.name} is paused`, {
      code: 'campaign.paused',
      hint: `go on with: wabox campaign resume ${c.name}`,
    });
  if (c.state === 'cancelled' || (c.state === 'done' && !resendUnknown))
    throw invalidInput(`campaign ${c.name} is ${c.state}: nothing is sent`, {
      code: `campaign.${c.state}`,
      hint: `see it with: wabox campaign status ${c.name}`,
    });
}

async function loadHours(
  deps: Deps,
): Promise<{ isOpen(t: number): boolean; nextOpening(t: number): number | null }> {
  const [{ hoursFile, requireHours }, core] = await Promise.all([
    import('../hours/shared.js'),
    import('../../core/hours.js'),
  ]);
  const hours = await requireHours(await hoursFile(deps));
  return {
    isOpen: (t) => core.isOpen(hours, new Date(t)),
    nextOpening: (t) => core.nextOpening(hours, new Date(t))?.getTime() ?? null,
  };
}

/** A progress bar on a TTY stderr: sent, failed, rate, ETA. */
async function startProgress(
  deps: Deps,
  name: string,
  total: number,
  live: { accepted: number; failed: number },
): Promise<{ stop(): void }> {
  const stream = deps.io.stderr.stream;
  if (!deps.io.isStderrTTY || stream === undefined) return { stop() {} };
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = new SingleBar(
    {
      format: `${name} {bar} {value}/{total} | {accepted} sent, {failed} failed | {rate}/s | ETA {eta_formatted}`,
      stream: stream as NodeJS.WritableStream,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  const started = Date.now();
  const first = live.accepted + live.failed;
  const payload = () => ({
    accepted: live.accepted,
    failed: live.failed,
    rate: ((live.accepted + live.failed - first) / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(1),
  });
  bar.start(Math.max(1, total), first, payload());
  const timer = setInterval(() => bar.update(live.accepted + live.failed, payload()), 200);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      bar.update(live.accepted + live.failed, payload());
      bar.stop();
    },
  };
}
