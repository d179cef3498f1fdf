import { describe, expect, it } from 'vitest';
import { OpenApiValidator } from './openapi-validator.js';

describe('OpenApiValidator', () => {
  it('accepts a SendGrid upsert that follows the 3.1 definition and names what is wrong with one that does not', () => {
    const v = new OpenApiValidator('sendgrid-marketing-contacts.openapi.json');
    const headers = { 'content-type': 'application/json' };
    const good = { list_ids: ['0b0d1f9e-7c47-4f2a-9f38-0a8f2d3c4b5e'], contacts: [{ email: 'ann@example.com', first_name: 'Ann' }] };
    expect(v.validate({ method: 'PUT', url: '/v3/marketing/contacts', headers, body: JSON.stringify(good) })).toEqual([]);
    expect(v.validate({ method: 'PUT', url: '/v3/marketing/contacts', headers, body: JSON.stringify({ list_ids: ['not-a-uuid'], contacts: [] }) })).toEqual(
      expect.arrayContaining([expect.stringContaining('/list_ids/0'), expect.stringContaining('/contacts')]),
    );
    expect(v.validate({ method: 'DELETE', url: '/v3/marketing/lists/abc/contacts', headers: {}, body: '' })).toEqual(['query parameter "contact_ids" is required']);
    expect(v.validate({ method: 'POST', url: '/v3/marketing/contacts', headers, body: '{}' })).toEqual(['POST /v3/marketing/contacts is not an operation of the definition']);
  });

  it('checks Klaviyo 3.0 bodies with nullable fields, the required revision header and the JSON:API content type', () => {
    const v = new OpenApiValidator('klaviyo-lists-profiles.openapi.json');
    const body = JSON.stringify({ data: { type: 'profile', attributes: { email: 'ann@example.com', first_name: null } } });
    expect(v.validate({ method: 'POST', url: '/api/profile-import', headers: { 'content-type': 'application/vnd.api+json', revision: '2026-07-15' }, body })).toEqual([]);
    expect(v.validate({ method: 'POST', url: '/api/profile-import', headers: { 'content-type': 'application/json' }, body })).toEqual([
      'header parameter "revision" is required',
      'content type "application/json" is not one of application/vnd.api+json',
    ]);
    expect(v.validate({ method: 'GET', url: '/api/profiles?page%5Bsize%5D=500', headers: { revision: '2026-07-15' }, body: '' })).toEqual([
      'query parameter "page[size]": must be <= 100',
    ]);
  });

  it('checks Mailchimp member upserts against the enum of statuses', () => {
    const v = new OpenApiValidator('mailchimp-marketing-audiences.openapi.json');
    const headers = { 'content-type': 'application/json' };
    expect(v.validate({ method: 'PUT', url: '/3.0/lists/abc/members/123', headers, body: JSON.stringify({ email_address: 'a@example.com', status_if_new: 'subscribed' }) })).toEqual([]);
    expect(v.validate({ method: 'PUT', url: '/3.0/lists/abc/members/123', headers, body: JSON.stringify({ email_address: 'a@example.com', status_if_new: 'active' }) })[0]).toContain(
      'body/status_if_new: must be equal to one of the allowed values',
    );
  });
});
