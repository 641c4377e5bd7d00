// The WhatsApp Business profile: reading both response shapes and checking an update against the
// documented field limits (cloud-api.md §7; Meta's WhatsAppBusinessProfileUpdateRequest).
import { invalidInput } from '../core/errors.js';
import { charLength, checkLength } from './messages.js';

/** `business-profile show --json`: part of the interface. Absent fields are null. */
export interface BusinessProfile {
  about: string | null;
  address: string | null;
  description: string | null;
  email: string | null;
  websites: string[];
  vertical: string | null;
  profilePictureUrl: string | null;
}

export const PROFILE_FIELDS = 'about,address,description,email,profile_picture_url,websites,vertical';

/** Meta's WhatsAppBusinessVertical enum. */
export const VERTICALS = [
  'OTHER',
  'AUTO',
  'BEAUTY',
  'APPAREL',
  'EDU',
  'ENTERTAIN',
  'EVENT_PLAN',
  'FINANCE',
  'GROCERY',
  'GOVT',
  'HOTEL',
  'HEALTH',
  'NONPROFIT',
  'PROF_SERVICES',
  'RETAIL',
  'TRAVEL',
  'RESTAURANT',
  'ALCOHOL',
  'ONLINE_GAMBLING',
  'PHYSICAL_GAMBLING',
  'OTC_DRUGS',
] as const;

export const PROFILE_LIMITS = {
  about: 139,
  address: 256,
  /** Meta's description says 256, a quote of its reference says 512: the stricter one. */
  description: 256,
  email: 128,
  websites: 2,
  website: 256,
} as const;

/**
 * `{data: [{business_profile: {...}}]}` (the OpenAPI example) or `{data: [{...}]}` (Meta's reference):
 * both become one flat profile.
 */
export function parseBusinessProfile(body: unknown): BusinessProfile {
  const first = (body as { data?: unknown[] } | null)?.data?.[0];
  const raw = ((first as { business_profile?: unknown } | undefined)?.business_profile ??
    first ??
    {}) as Record<string, unknown>;
  const str = (key: string) =>
    typeof raw[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : null;
  return {
    about: str('about'),
    address: str('address'),
    description: str('description'),
    email: str('email'),
    websites: Array.isArray(raw.websites)
      ? raw.websites.filter((w): w is string => typeof w === 'string')
      : [],
    vertical: str('vertical'),
    profilePictureUrl: str('profile_picture_url'),
  };
}

export interface ProfileUpdate {
  about?: string;
  address?: string;
  description?: string;
  email?: string;
  websites?: string[];
  vertical?: string;
}

/** Checks an update and returns the request body; refuses an empty update. */
export function profileUpdateBody(update: ProfileUpdate): Record<string, unknown> {
  const body: Record<string, unknown> = { messaging_product: 'whatsapp' };
  if (update.about !== undefined) {
    if (charLength(update.about.trim()) === 0)
      throw invalidInput('about must be 1-139 characters', { code: 'limit.profile_about' });
    checkLength(update.about, PROFILE_LIMITS.about, 'about', 'profile_about');
    body.about = update.about;
  }
  if (update.address !== undefined) {
    checkLength(update.address, PROFILE_LIMITS.address, 'the address', 'profile_address');
    body.address = update.address;
  }
  if (update.description !== undefined) {
    checkLength(update.description, PROFILE_LIMITS.description, 'the description', 'profile_description');
    body.description = update.description;
  }
  if (update.email !== undefined) {
    checkLength(update.email, PROFILE_LIMITS.email, 'the email', 'profile_email');
    if (update.email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(update.email))
      throw invalidInput(`"${update.email}" is not an email address`, { code: 'profile.bad_email' });
    body.email = update.email;
  }
  if (update.websites !== undefined) {
    if (update.websites.length > PROFILE_LIMITS.websites)
      throw invalidInput(
        `the number of websites is ${update.websites.length}; WhatsApp's limit is ${PROFILE_LIMITS.websites}`,
        { code: 'limit.profile_websites' },
      );
    for (const site of update.websites) {
      checkLength(site, PROFILE_LIMITS.website, `website ${site.slice(0, 40)}…`, 'profile_website');
      let url: URL | undefined;
      try {
        url = new URL(site);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
        throw invalidInput(`website "${site}" must start with http:// or https://`, {
          code: 'profile.bad_website',
        });
    }
    body.websites = update.websites;
  }
  if (update.vertical !== undefined) {
    const v = update.vertical.trim().toUpperCase();
    if (!(VERTICALS as readonly string[]).includes(v))
      throw invalidInput(`unknown vertical "${update.vertical}"`, {
        code: 'profile.bad_vertical',
        hint: `one of: ${VERTICALS.join(', ')}`,
      });
    body.vertical = v;
  }
  if (Object.keys(body).length === 1)
    throw invalidInput('nothing to change: give at least one field', {
      code: 'profile.empty_update',
      hint: 'e.g. wabox business-profile set --about "Fresh bread daily"',
    });
  return body;
}
