// A campaign's template sends against Meta's OpenAPI description (Prism): the bodies `campaign run` builds
// for a recipient (positional, named, a media header, a URL button, biz_opaque_callback_data) are valid
// sendMessage requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { templateMessage } from '../../src/cloud/messages.js';
import { buildRecipientMessage } from '../../src/commands/campaign/shared.js';
import { PHONE_ID } from '../helpers/cloud.js';
import { OPENAPI_MISSING, OPENAPI_SPEC, skipSuite } from '../helpers/fixtures.js';
import { type Prism, startPrism, violations } from '../helpers/prism.js';

const MESSAGES = `/v23.0/${PHONE_ID}/messages`;

if (OPENAPI_MISSING !== undefined) skipSuite('campaign sends against Prism', OPENAPI_MISSING);
else
  describe("campaign sends against Meta's OpenAPI description (Prism)", () => {
    let prism: Prism;
    beforeAll(async () => {
      prism = await startPrism(OPENAPI_SPEC!);
    }, 120_000);
    afterAll(async () => {
      await prism?.stop();
    });

    const post = (body: unknown) => prism.post(MESSAGES, body);

    it.each([
      [
        'positional body',
        {
          body: [
            { type: 'text', text: 'Asha' },
            { type: 'text', text: 'Pune' },
          ],
        },
      ],
      ['named body', { body: [{ type: 'text', text: 'Asha', name: 'first_name' }] }],
      [
        'image header, body and a URL button',
        {
          header: { type: 'image', source: { link: 'https://example.com/restock.jpg' } },
          body: [{ type: 'text', text: 'Asha' }],
          // index 2: the description's pattern for a button index (^[2-6, 11-14]$) refuses 0 and 1
          buttons: [{ subType: 'url', index: 2, text: 'SALE20' }],
        },
      ],
    ])('%s: accepted, with the campaign and row in biz_opaque_callback_data', async (_name, values) => {
      const body = buildRecipientMessage(
        templateMessage,
        { id: 7, template: 'diwali_offer', language: 'en' },
        { row: 42, waId: '919876543210', values },
      );
      expect(body.biz_opaque_callback_data).toBe('wabox:campaign:7:42');
      const exchange = await post(body);
      expect(violations(exchange)).toEqual([]);
      expect(exchange.status).toBe(200);
    });
  });
