/**
 * @module
 * Test support for destinations: a real loopback HTTP receiver with scripted replies, shared by the tests
 * and the benchmark.
 */
export { TestReceiver } from './test-receiver.js';
export type { ReceivedRequest, ReceiverReply } from './test-receiver.js';
export { DeliveryHarness, FakeSegments } from './delivery-harness.js';
export type { DeliveryHarnessOptions } from './delivery-harness.js';
export { FakeEspServer, looksLikeEmail } from './fake-esp-server.js';
export type { FakeEspFault, FakeEspReply, FakeEspRequest } from './fake-esp-server.js';
export { FakeSendGrid } from './fake-sendgrid.js';
export type { FakeSendGridContact } from './fake-sendgrid.js';
export { FakeMailchimp } from './fake-mailchimp.js';
export type { FakeMailchimpMember } from './fake-mailchimp.js';
export { FakeKlaviyo } from './fake-klaviyo.js';
export type { FakeKlaviyoProfile } from './fake-klaviyo.js';
export { OpenApiValidator, SPECS_DIR } from './openapi-validator.js';
export type { MatchedOperation, SpecRequest } from './openapi-validator.js';
