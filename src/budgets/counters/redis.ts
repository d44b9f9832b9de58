import { Redis } from 'ioredis';
import { openRedisChannel } from '../../redis/channel.ts';
import type { BudgetCounters, ReserveCheck } from './types.ts';

/**
 * Counters shared by every gateway instance through Redis. One Lua script checks every budget of
 * a request and reserves in all of them, or in none: Redis runs scripts one at a time, so N
 * instances behave as one. Reservations carry an expiry so a crashed instance cannot hold budget
 * forever. Amounts are integer nano-dollars (exact in Lua's doubles below 2^53).
 *
 * A Redis that restarted empty (or evicted keys) must not be read as "nothing spent": the last key
 * of every call is a marker the ledger rebuild sets, and while it is missing every call fails with
 * TGUNSEEDED (so admission applies each budget's fail-open/fail-closed rule and settles are kept
 * for the rebuild, instead of creating a bucket the rebuild could then no longer seed).
 */
const SEEDED_CHECK = `if redis.call('EXISTS', KEYS[#KEYS]) == 0 then return redis.error_reply('TGUNSEEDED budget counters are being rebuilt from the ledger') end
`;

const RESERVE = `${SEEDED_CHECK}
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local rid = ARGV[3]
local n = tonumber(ARGV[4])
local reserve = ARGV[5] == '1'
local ki, ai = 1, 6
local result = {0}
local rkeys, amounts, fail = {}, {}, 0
for c = 1, n do
  local limit, fixed, amount, force, nb = tonumber(ARGV[ai]), tonumber(ARGV[ai + 1]), tonumber(ARGV[ai + 2]), ARGV[ai + 3], tonumber(ARGV[ai + 4])
  ai = ai + 5
  local rkey = KEYS[ki]
  ki = ki + 1
  local used = fixed
  for b = 1, nb do
    used = used + (tonumber(redis.call('GET', KEYS[ki])) or 0)
    ki = ki + 1
  end
  local entries = redis.call('HGETALL', rkey)
  for i = 1, #entries, 2 do
    local value = entries[i + 1]
    local sep = string.find(value, ':', 1, true)
    local expires = tonumber(string.sub(value, sep + 1))
    if expires < now then redis.call('HDEL', rkey, entries[i]) else used = used + tonumber(string.sub(value, 1, sep - 1)) end
  end
  result[c + 1] = string.format('%.0f', used)
  rkeys[c], amounts[c] = rkey, amount
  if reserve and fail == 0 and force ~= '1' and used + amount > limit then fail = c end
end
if reserve and fail == 0 then
  for c = 1, n do
    redis.call('HSET', rkeys[c], rid, string.format('%.0f', amounts[c]) .. ':' .. string.format('%.0f', now + ttl))
    redis.call('PEXPIRE', rkeys[c], ttl * 2)
  end
end
result[1] = fail
return result`;

const SETTLE = `${SEEDED_CHECK}
local rid = ARGV[1]
local nr = tonumber(ARGV[2])
for i = 1, nr do redis.call('HDEL', KEYS[i], rid) end
local ai = 3
for i = nr + 1, #KEYS - 1 do
  redis.call('INCRBY', KEYS[i], ARGV[ai])
  redis.call('EXPIRE', KEYS[i], ARGV[ai + 1])
  ai = ai + 2
end
return 1`;

type Scripted = Redis & {
  tgReserve(keys: number, ...args: (string | number)[]): Promise<(string | number)[]>;
  tgSettle(keys: number, ...args: (string | number)[]): Promise<number>;
};

export function createRedisCounters(url: string, prefix = 'tg:'): BudgetCounters {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, connectTimeout: 2_000 }) as Scripted;
  redis.on('error', () => undefined); // reported through failed calls; reconnects by itself
  const recoveredListeners: Array<() => void> = [];
  const announceRecovered = () => {
    for (const listener of recoveredListeners) listener();
  };
  let lostConnection = false;
  redis.on('close', () => (lostConnection = true));
  redis.on('ready', () => {
    if (!lostConnection) return;
    lostConnection = false;
    announceRecovered();
  });
  // The marker is gone without a reconnect seen here (eviction, a FLUSHALL, a restart between two
  // calls): ask for a rebuild, at most every two seconds per instance.
  let unseededHeardAtMs = Number.NEGATIVE_INFINITY;
  const unseeded = (error: unknown): never => {
    if (String((error as Error)?.message).startsWith('TGUNSEEDED') && Date.now() - unseededHeardAtMs > 2_000) {
      unseededHeardAtMs = Date.now();
      announceRecovered();
    }
    throw error;
  };
  // Queue wake-ups across instances: 'queued' from an instance with waiters, 'released' after settles.
  const releasedListeners: Array<() => void> = [];
  let queuedHeardAtMs = Number.NEGATIVE_INFINITY;
  let queuedAnnouncedAtMs = Number.NEGATIVE_INFINITY;
  const queue = openRedisChannel(
    url,
    `${prefix}budget-queue`,
    (message) => {
      if (message === 'queued') queuedHeardAtMs = Date.now();
      else if (message === 'released') for (const listener of releasedListeners) listener();
    },
    redis,
  );
  redis.defineCommand('tgReserve', { lua: RESERVE });
  redis.defineCommand('tgSettle', { lua: SETTLE });
  const reservationKey = (budgetId: string) => `${prefix}res:${budgetId}`;
  const bucketKey = (bucket: string) => `${prefix}spent:${bucket}`;
  const seededKey = `${prefix}seeded`;

  async function run(reservationId: string, checks: readonly Pick<ReserveCheck, 'budgetId' | 'buckets' | 'fixedNano'>[], full: readonly ReserveCheck[] | undefined, ttlMs: number, nowMs: number) {
    const keys: string[] = [];
    const args: (string | number)[] = [nowMs, ttlMs, reservationId, checks.length, full ? '1' : '0'];
    checks.forEach((check, index) => {
      keys.push(reservationKey(check.budgetId), ...check.buckets.map(bucketKey));
      const reserve = full?.[index];
      args.push(reserve?.limitNano ?? 0, check.fixedNano, reserve?.amountNano ?? 0, reserve?.force ? '1' : '0', check.buckets.length);
    });
    keys.push(seededKey);
    const result = await redis.tgReserve(keys.length, ...keys, ...args).catch(unseeded);
    return { fail: Number(result[0]), used: result.slice(1).map(Number) };
  }

  return {
    kind: 'redis',
    async tryReserve(reservationId, checks, ttlMs, nowMs) {
      const { fail, used } = await run(reservationId, checks, checks, ttlMs, nowMs);
      return { ok: fail === 0, failedIndex: fail - 1, used };
    },
    async settle(reservationId, budgetIds, spends) {
      const keys = [...budgetIds.map(reservationKey), ...spends.map((spend) => bucketKey(spend.bucket)), seededKey];
      const args: (string | number)[] = [reservationId, budgetIds.length];
      for (const spend of spends) args.push(spend.amountNano, spend.ttlSeconds);
      await redis.tgSettle(keys.length, ...keys, ...args).catch(unseeded);
      // Someone somewhere waits in a budget queue (heard within 30 s): tell them headroom may be back.
      if (Date.now() - queuedHeardAtMs < 30_000) queue.publish('released');
    },
    async peek(checks, nowMs) {
      return (await run('', checks, undefined, 0, nowMs)).used;
    },
    async seed(bucket, amountNano, ttlSeconds) {
      return (await redis.set(bucketKey(bucket), String(amountNano), 'EX', ttlSeconds, 'NX')) === 'OK';
    },
    async markSeeded() {
      await redis.set(seededKey, String(Date.now()));
    },
    onRecovered(listener) {
      recoveredListeners.push(listener);
    },
    announceQueued() {
      const now = Date.now();
      if (now - queuedAnnouncedAtMs < 1_000) return; // at most once a second per instance
      queuedAnnouncedAtMs = now;
      queue.publish('queued');
    },
    onReleased(listener) {
      releasedListeners.push(listener);
    },
    async close() {
      queue.close();
      redis.disconnect();
    },
  };
}
