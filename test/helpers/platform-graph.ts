// A fake Graph API that enforces the platform's sending rules (cloud-api.md §3), for campaigns: it
// answers POST /{phone-number-id}/messages with 130429 when more than `rate` messages arrive in any one
// second, 131056 for a second message to one recipient within 6 s, a scripted error for scripted
// recipients (131049, 131050, …), 132001 for a template it does not know, 132000 (and 131008, 132005,
// 132018) for parameters that do not fit the definition (core/meta-template.ts); otherwise it accepts the send
// and logs it. It serves template definitions (GET /{waba-id}/message_templates, GET /{template-id}).
// Errors are in Meta's format (graphError). Built on the strict fake (graph-server.ts): a request to a
// route it does not serve still fails close().
import {
  checkTemplateValues,
  type TemplateButton,
  type TemplateDefinition,
  type TemplateHeader,
  type TemplateParameter,
  type TemplateValues,
} from '../../src/core/meta-template.js';
import {
  type FakeGraph,
  type FakeReply,
  graphError,
  type RecordedRequest,
  startFakeGraph,
} from './graph-server.js';

export interface PlatformOptions {
  /** Messages per second the number may send (Meta: 80 by default, 1,000 upgraded, 20 coexistence). */
  rate?: number;
  /** Between two messages to one recipient. */
  pairGapMs?: number;
  version?: string;
  phoneNumberId?: string;
  wabaId?: string;
  /** Every send to these recipients (digits, or a BSUID) fails with the code given. */
  failFor?: Readonly<Record<string, number>>;
  /** Template definitions in Meta's JSON (name, language, status, category, parameter_format, components). */
  templates?: ReadonlyArray<Record<string, unknown>>;
  /** The clock (ms); real time by default, a fake one in tests of the rules themselves. */
  now?: () => number;
}

export interface AcceptedSend {
  /** The recipient: phone digits (no +) or BSUID. */
  to: string;
  wamid: string;
  at: number;
  body: Record<string, unknown>;
}

export interface RefusedSend {
  to: string;
  code: number;
  at: number;
}

export interface PlatformGraph {
  url: string;
  graph: FakeGraph;
  messagesPath: string;
  /** Every accepted send, in order. */
  accepted: AcceptedSend[];
  /** Every refused send, in order. */
  refused: RefusedSend[];
  /** How many sends were refused with this code. */
  refusedWith(code: number): number;
  /** The most accepted sends in any one-second window. */
  peakPerSecond(): number;
  close(options?: { verify?: boolean }): Promise<void>;
}

const WINDOW_MS = 1000;

export async function startPlatformGraph(options: PlatformOptions = {}): Promise<PlatformGraph> {
  const rate = options.rate ?? 80;
  const pairGap = options.pairGapMs ?? 6000;
  const version = options.version ?? 'v23.0';
  const phone = options.phoneNumberId ?? '100';
  const waba = options.wabaId ?? '200';
  const now = options.now ?? (() => performance.timeOrigin + performance.now());
  const templates = (options.templates ?? []).map(
    (t, i): Record<string, unknown> => ({
      id: String(9000 + i),
      status: 'APPROVED',
      ...t,
    }),
  );
  const graph = await startFakeGraph();
  const accepted: AcceptedSend[] = [];
  const refused: RefusedSend[] = [];
  /** Arrival times of the requests that count against the rate (all but those refused with 130429). */
  const window: number[] = [];
  const lastTo = new Map<string, number>();
  const messagesPath = `/${version}/${phone}/messages`;

  const refuse = (to: string, at: number, code: number, details: string): FakeReply => {
    refused.push({ to, code, at });
    return graphError(code, { status: code === 130429 || code === 131056 ? 429 : 400, details });
  };

  graph.serve('POST', messagesPath, (request: RecordedRequest): FakeReply => {
    const at = now();
    const body = request.json as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || body.messaging_product !== 'whatsapp')
      return refuse('', at, 100, 'Invalid parameter: messaging_product must be whatsapp');
    const to = String(body.to ?? body.recipient ?? '').replace(/^\+/, '');
    if (to === '') return refuse('', at, 100, 'Invalid parameter: to or recipient is required');
    while (window.length > 0 && window[0]! <= at - WINDOW_MS) window.shift();
    if (window.length >= rate)
      return refuse(
        to,
        at,
        130429,
        'Message failed to send because there were too many messages sent from this phone number in a short period of time',
      );
    window.push(at);
    const last = lastTo.get(to);
    if (last !== undefined && at - last < pairGap)
      return refuse(
        to,
        at,
        131056,
        'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time',
      );
    const scripted = options.failFor?.[to];
    if (scripted !== undefined) return refuse(to, at, scripted, `scripted failure ${scripted} for ${to}`);
    if (body.type === 'template' && templates.length > 0) {
      const t = body.template as { name?: string; language?: { code?: string } } | undefined;
      const known = templates.find(
        (d) => d.name === t?.name && d.language === t?.language?.code && d.status === 'APPROVED',
      );
      if (!known)
        return refuse(to, at, 132001, `template name (${t?.name}) does not exist in ${t?.language?.code}`);
      const problem = checkTemplateValues(
        { ...(known as unknown as TemplateDefinition), parameterFormat: known.parameter_format as string },
        valuesOf(body.template),
      )[0];
      if (problem !== undefined) return refuse(to, at, problem.graphCode, problem.message);
    }
    lastTo.set(to, at);
    const wamid = `wamid.PLATFORM${accepted.length + 1}`;
    accepted.push({ to, wamid, at, body });
    return {
      json: {
        messaging_product: 'whatsapp',
        contacts: [{ input: String(body.to ?? body.recipient), wa_id: to }],
        messages: [{ id: wamid, message_status: 'accepted' }],
      },
    };
  });

  graph.serve('GET', `/${version}/${waba}/message_templates`, (request) => {
    const q = request.url.searchParams;
    const data = templates.filter(
      (t) =>
        (q.get('name') === null || t.name === q.get('name')) &&
        (q.get('language') === null || t.language === q.get('language')) &&
        (q.get('status') === null || t.status === q.get('status')),
    );
    return { json: { data, paging: { cursors: { before: 'B', after: 'A' } } } };
  });

  graph.serve('GET', new RegExp(`^/${version}/9\\d{3}$`), (request) => {
    const id = request.path.split('/').pop();
    const t = templates.find((d) => d.id === id);
    return t
      ? { json: t }
      : graphError(100, { details: `Unsupported get request. Object with ID '${id}' does not exist` });
  });

  return {
    url: graph.url,
    graph,
    messagesPath,
    accepted,
    refused,
    refusedWith: (code) => refused.filter((r) => r.code === code).length,
    peakPerSecond() {
      let best = 0;
      let lo = 0;
      for (let hi = 0; hi < accepted.length; hi++) {
        while (accepted[hi]!.at - accepted[lo]!.at >= WINDOW_MS) lo++;
        best = Math.max(best, hi - lo + 1);
      }
      return best;
    },
    close: (o) => graph.close(o),
  };
}

/** The values a template request fills in, read back from its components (for the check a send gets). */
function valuesOf(template: unknown): TemplateValues {
  const components = ((template as { components?: unknown[] })?.components ?? []) as Array<
    Record<string, unknown> & { parameters?: Array<Record<string, unknown>> }
  >;
  const values: { header?: TemplateHeader; body?: TemplateParameter[]; buttons?: TemplateButton[] } = {};
  const named = (p: Record<string, unknown>) =>
    typeof p.parameter_name === 'string' ? { name: p.parameter_name } : {};
  for (const c of components) {
    const params = c.parameters ?? [];
    if (c.type === 'header' && params[0] !== undefined) {
      const p = params[0];
      const type = String(p.type);
      values.header =
        type === 'text'
          ? { type: 'text', text: String(p.text ?? ''), ...named(p) }
          : {
              type: type as 'image' | 'document' | 'video',
              source: { ...(p[type] as { id: string } | { link: string }) },
            };
    } else if (c.type === 'body') {
      values.body = params.map((p): TemplateParameter => {
        if (p.type === 'currency') {
          const cur = p.currency as { code: string; amount_1000: number; fallback_value: string };
          return {
            type: 'currency',
            code: cur.code,
            amount1000: cur.amount_1000,
            fallback: cur.fallback_value,
            ...named(p),
          };
        }
        if (p.type === 'date_time')
          return {
            type: 'date_time',
            fallback: String((p.date_time as { fallback_value?: string })?.fallback_value ?? ''),
            ...named(p),
          };
        return { type: 'text', text: String(p.text ?? ''), ...named(p) };
      });
    } else if (c.type === 'button') {
      const index = Number(c.index);
      const p = params[0] ?? {};
      values.buttons ??= [];
      values.buttons.push(
        c.sub_type === 'quick_reply'
          ? { subType: 'quick_reply', index, payload: String(p.payload ?? '') }
          : c.sub_type === 'copy_code'
            ? { subType: 'copy_code', index, code: String(p.coupon_code ?? '') }
            : { subType: 'url', index, text: String(p.text ?? '') },
      );
    }
  }
  return values;
}
