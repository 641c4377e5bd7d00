// The website chat button, run in the visitor's browser. `widget build` replaces __WABOX_WIDGET__ with the
// configuration (core/widget.ts). Open or away is computed here, in the visitor's clock, with the rules of
// core/hours.ts; links are built by core/link.ts itself, so they equal what `wabox link` prints.
// Styles go through a constructed style sheet in a shadow root: a strict CSP (style-src without
// 'unsafe-inline') blocks <style> elements and style attributes, not constructed sheets.
import { buildLink, REF_PATTERN } from '../core/link.js';
import type { WidgetConfig, WidgetHours, WidgetPerson } from '../core/widget.js';

declare const __WABOX_WIDGET__: WidgetConfig;

const DAY = 86_400_000;
const config = __WABOX_WIDGET__;
const script = document.currentScript as HTMLScriptElement | null;
const data: Record<string, string | undefined> = script ? { ...script.dataset } : {};

const formats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at instant t, in minutes. */
function offset(zone: string, t: number): number {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formats.set(zone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(t)) p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
  return Math.round((wall - (t - (t % 60_000))) / 60_000);
}

/** A wall time (ms since 1970-01-01T00:00 on the wall) as an instant: the earlier of two, a skipped one read with the offset before the jump. */
function wallToInstant(wall: number, zone: string): number {
  const before = offset(zone, wall - DAY);
  const candidates = [before, offset(zone, wall + DAY), offset(zone, wall)]
    .map((o) => wall - o * 60_000)
    .filter((t) => wall - offset(zone, t) * 60_000 === t)
    .sort((a, b) => a - b);
  return candidates[0] ?? wall - before * 60_000;
}

/** Open now, or the next opening (null: none within a year). */
function situation(hours: WidgetHours | null, now: number): { open: boolean; next: number | null } {
  if (!hours) return { open: true, next: null };
  const zone = hours.timeZone;
  const first = Math.floor((now + offset(zone, now) * 60_000) / DAY) - 1;
  let next: number | null = null;
  for (let day = first; day < first + 400 && (next === null || (day - 2) * DAY < next); day++) {
    if (hours.closed.includes(new Date(day * DAY).toISOString().slice(0, 10))) continue;
    // 1970-01-01 was a Thursday; the week starts on Monday
    for (const [start, end] of hours.week[(day + 3) % 7]!) {
      const from = wallToInstant(day * DAY + start * 60_000, zone);
      const to = wallToInstant((end > start ? day : day + 1) * DAY + end * 60_000, zone);
      if (to <= from) continue;
      if (from <= now && now < to) return { open: true, next: null };
      if (from > now && (next === null || from < next)) next = from;
    }
  }
  return { open: false, next };
}

function backText(next: number | null, now: number): string {
  if (next === null) return 'Away';
  const far = next - now > 6 * DAY;
  const when = new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    ...(far ? { day: 'numeric', month: 'short' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(next);
  return `Away — back ${when} (your time)`;
}

function onlineText(): string {
  const m = config.replyMinutes;
  if (m === null) return 'Online';
  return `Online — typically replies in ${m < 90 ? `${m} min` : `${Math.round(m / 60)} h`}`;
}

/** The page's text: {TITLE} {URL} {SITE}, and {NAME} for every data-name attribute of the script tag. */
function pageText(): string | null {
  const text = data.text ?? config.text;
  if (text === null || text === '') return null;
  const vars: Record<string, string> = {
    TITLE: document.title,
    URL: location.href,
    SITE: location.hostname,
  };
  for (const attr of script ? Array.from(script.attributes) : [])
    if (attr.name.startsWith('data-')) vars[attr.name.slice(5).toUpperCase().replace(/-/g, '_')] = attr.value;
  return text.replace(/\{([A-Z][A-Z0-9_]*)\}/g, (whole, name: string) => vars[name] ?? whole).toWellFormed();
}

function pageRef(): string | null {
  const ref = data.ref ?? config.ref;
  if (ref === null || ref === '' || REF_PATTERN.test(ref)) return ref || null;
  console.warn(`wabox widget: data-ref "${ref}" is not a valid ref (1-40 of A-Z a-z 0-9 _ . -); left out`);
  return null;
}

function people(): WidgetPerson[] {
  const phone = data.phone?.replace(/[\s().+-]/g, '');
  if (phone === undefined || config.people.length !== 1) return config.people;
  if (/^\d{7,15}$/.test(phone)) return [{ ...config.people[0]!, waId: phone }];
  console.warn(
    `wabox widget: data-phone "${data.phone}" is not a phone number in international form; left out`,
  );
  return config.people;
}

/** Black or white, whichever reads better on the colour (WCAG relative luminance). */
function inkOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000' : '#fff';
}

const CSS = `
:host{all:initial}
.w{position:fixed;bottom:20px;z-index:2147483000;display:flex;flex-direction:column-reverse;gap:10px;font:15px/1.4 system-ui,sans-serif}
.r{right:20px;align-items:flex-end}.l{left:20px;align-items:flex-start}
.b,.g{background:${config.color};color:${inkOn(config.color)};border:0;border-radius:24px;padding:12px 18px;font:inherit;font-weight:600;cursor:pointer;text-decoration:none;display:inline-flex;gap:8px;align-items:center;box-shadow:0 2px 8px #0004}
.b:focus-visible,.g:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
svg{width:22px;height:22px;fill:currentColor}
.c{background:#fff;color:#1f2328;border-radius:12px;padding:14px 16px;box-shadow:0 4px 18px #0003;max-width:280px;display:flex;flex-direction:column;gap:10px}
.c[hidden]{display:none}
.s{margin:0}
@media (prefers-color-scheme:dark){.c{background:#1f2328;color:#f0f3f6}}
@media (prefers-reduced-motion:no-preference){.c{animation:f .2s ease-out}@keyframes f{from{opacity:0;transform:translateY(8px)}}}
`;

const ICON_PATH =
  'M12 2a10 10 0 0 0-8.6 15.1L2 22l5-1.3A10 10 0 1 0 12 2zm5.3 14.1c-.2.6-1.3 1.2-1.8 1.3-.5 0-1 .2-3.2-.7-2.7-1.1-4.4-3.9-4.5-4.1-.1-.2-1.1-1.4-1.1-2.7s.7-1.9.9-2.2c.2-.3.5-.3.7-.3h.5c.2 0 .4 0 .6.5l.8 1.9c.1.2.1.3 0 .5l-.3.5-.4.4c-.1.1-.3.3-.1.6.2.3.7 1.2 1.6 1.9 1.1.9 2 1.2 2.3 1.4.3.1.5.1.6-.1l.9-1c.2-.3.4-.2.6-.1l1.8.9c.3.1.5.2.5.3.1.1.1.7-.1 1.3z';

/** The WhatsApp-like glyph, built as nodes: no innerHTML, so the script also runs under Trusted Types. */
function icon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICON_PATH);
  svg.append(path);
  return svg;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = '',
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

function mount(): void {
  const host = document.createElement('div');
  host.setAttribute('data-wabox-widget', '');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const box = el('div', `w ${config.position === 'left' ? 'l' : 'r'}`);
  const card = el('div', 'c');
  card.id = 'wabox-card';
  card.hidden = true;
  const button = el('button', 'b');
  button.type = 'button';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', card.id);
  button.append(icon(), el('span', '', config.label));

  const render = () => {
    const now = data.now ? Date.parse(data.now) : Date.now();
    const everyone = people();
    const states = everyone.map((p) => situation(p.hours, now));
    const online = everyone.filter((_, i) => states[i]!.open);
    const nexts = states.map((s) => s.next).filter((t): t is number => t !== null);
    const status = el(
      'p',
      's',
      online.length > 0 ? onlineText() : backText(nexts.length > 0 ? Math.min(...nexts) : null, now),
    );
    status.setAttribute('role', 'status');
    card.replaceChildren(status);
    const text = pageText();
    const ref = pageRef();
    for (const person of online) {
      const link = el('a', 'g');
      link.append(icon(), el('span', '', person.name === null ? 'Start chat' : `Chat with ${person.name}`));
      link.href = buildLink({ waId: person.waId, text, ref });
      link.target = '_blank';
      link.rel = 'noopener';
      card.append(link);
    }
  };

  const toggle = (open: boolean) => {
    if (open) render();
    card.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => toggle(card.hidden));
  box.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !card.hidden) {
      toggle(false);
      button.focus();
    }
  });
  // the card follows the button in focus order; column-reverse draws it above
  box.append(button, card);
  root.append(box);
  document.body.append(host);
}

if (document.body) mount();
else document.addEventListener('DOMContentLoaded', mount);
