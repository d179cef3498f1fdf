import { describe, expect, it } from 'vitest';
import { describeStep, describeTrigger, stepIds } from './workflow-text.js';

describe('workflow words', () => {
  it('says what each kind of step does', () => {
    expect(describeStep({ id: 'w', wait: '1h' })).toEqual({ kind: 'wait', text: 'Wait 1h' });
    expect(describeStep({ id: 'w', wait: { until: '09:00' } }).text).toBe("Wait until 09:00 in the person's time zone");
    expect(describeStep({ id: 'u', wait_until: { event: 'Order Completed', timeout: '2d' } }).text).toBe('Wait for "Order Completed", at most 2d');
    expect(describeStep({ id: 'i', if: 'traits.vip = true', then: [], else: [] })).toEqual({ kind: 'if', text: 'If traits.vip = true' });
    expect(describeStep({ id: 's', set_trait: { tier: 'gold' } }).text).toBe('Set tier = "gold"');
    expect(describeStep({ id: 'l', add_to_list: { destination: 'Mailchimp', list: 'vip' } }).text).toBe('Add to list "Mailchimp" list vip');
    expect(describeStep({ id: 'x', exit: true }).kind).toBe('exit');
  });

  it('describes the trigger and lists step ids in flow order, branches included', () => {
    expect(describeTrigger({ name: 'n', trigger: { event: 'Product Added', key: 'properties.cart_id' } })).toBe('Performs "Product Added", one run per properties.cart_id');
    expect(
      stepIds([
        { id: 'a', if: 'x', then: [{ id: 'b', wait: '1h' }], else: [{ id: 'c', exit: true }] },
        { id: 'd', wait_until: { event: 'E', timeout: '1d' }, on_timeout: [{ id: 'e', webhook: 'crm' }] },
      ]),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
