/**
 * @module
 * Test support for destinations: a real loopback HTTP receiver with scripted replies, shared by the tests
 * and the benchmark.
 */
export { TestReceiver } from './test-receiver.js';
export type { ReceivedRequest, ReceiverReply } from './test-receiver.js';
export { DeliveryHarness, FakeSegments } from './delivery-harness.js';
export type { DeliveryHarnessOptions } from './delivery-harness.js';
