import { describe, expect, it } from 'vitest';
import { AppError } from '../core/index.js';
import { problemFromError } from './problem.js';

const request = { url: '/v1/track?x=1', route: '/v1/track', id: 'req-7' };

describe('problemFromError', () => {
  it('keeps an AppError’s code, status, field and extensions and sets Retry-After', () => {
    const error = new AppError('INGEST_OVERLOADED', 429, 'slow down', { retryAfterSeconds: 2, field: 'batch', extensions: { queued: 5 } });
    expect(problemFromError(error, request)).toEqual({
      problem: {
        type: 'urn:segflow:error:INGEST_OVERLOADED',
        title: 'Too Many Requests',
        status: 429,
        code: 'INGEST_OVERLOADED',
        detail: 'slow down',
        field: 'batch',
        instance: '/v1/track',
        queued: 5,
      },
      headers: { 'retry-after': '2' },
      internal: false,
    });
  });

  it('maps a body that is too large to the endpoint’s own code', () => {
    const error = Object.assign(new Error('too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    expect(problemFromError(error, request).problem).toMatchObject({ status: 413, code: 'INGEST_MESSAGE_TOO_LARGE' });
    expect(problemFromError(error, { ...request, route: '/v1/batch' }).problem.code).toBe('INGEST_BATCH_TOO_LARGE');
    expect(problemFromError(error, { url: '/api/x', route: '/api/x' }).problem.code).toBe('BODY_TOO_LARGE');
  });

  it('maps schema validation errors to VALIDATION_FAILED with the field', () => {
    const error = Object.assign(new Error('bad'), {
      statusCode: 400,
      validation: [{ instancePath: '/limit', message: 'must be <= 500' }],
      validationContext: 'querystring',
    });
    expect(problemFromError(error, request).problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', field: 'querystring.limit' });
  });

  it('answers an unknown error with 500 INTERNAL and nothing of its message', () => {
    const response = problemFromError(new Error('connection to 10.0.0.5 refused, password=hunter2'), request);
    expect(response.problem).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(JSON.stringify(response.problem)).not.toContain('hunter2');
    expect(response.internal).toBe(true);
  });

  it('asks for Bearer on the admin API and sends no challenge on ingestion, so browsers pop no login box', () => {
    expect(problemFromError(new AppError('AUTH_MISSING_ADMIN_KEY', 401, 'x'), { url: '/api/profiles/x' }).headers['www-authenticate']).toBe('Bearer');
    expect(problemFromError(new AppError('AUTH_MISSING_ADMIN_KEY', 401, 'x'), { url: '/%61pi/profiles/x', route: '/api/profiles/:id' }).headers['www-authenticate']).toBe('Bearer');
    expect(problemFromError(new AppError('AUTH_MISSING_WRITE_KEY', 401, 'x'), request).headers).not.toHaveProperty('www-authenticate');
  });
});
