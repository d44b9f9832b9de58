import { describe, expect, it } from 'vitest';
import { AdmissionQueue } from './queue.ts';

describe('AdmissionQueue', () => {
  it('holds until woken, counting and announcing the held requests', async () => {
    let announced = 0;
    const queue = new AdmissionQueue(() => (announced += 1));
    const held = queue.hold(10_000);
    expect(queue.size).toBe(1);
    expect(announced).toBe(1);
    queue.wake();
    await held;
    expect(queue.size).toBe(0);
  });
  it('gives up after its time (polling at most every 250 ms)', async () => {
    const queue = new AdmissionQueue();
    const started = Date.now();
    await queue.hold(20);
    expect(Date.now() - started).toBeLessThan(250);
    expect(queue.size).toBe(0);
  });
});
