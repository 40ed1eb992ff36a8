// Opaque, time-ordered public identifiers (UUIDv7): never sequential integers in URLs.
import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

// Random bytes are drawn 4 KiB at a time: one getRandomValues call per id cost a registration
// request about 3% of the API's CPU (a request makes three to five ids).
const RANDOM_POOL_BYTES = 4096;
const randomPool = new Uint8Array(RANDOM_POOL_BYTES);
let randomAt = RANDOM_POOL_BYTES;

function sixteenRandomBytes(): Uint8Array {
  if (randomAt + 16 > RANDOM_POOL_BYTES) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  const bytes = randomPool.subarray(randomAt, randomAt + 16);
  randomAt += 16;
  return bytes;
}

// The monotonic state uuid keeps for calls without options (RFC 9562 method 1: a 31-bit counter
// seeded randomly each millisecond), kept here because the random bytes are passed in.
let lastMsecs = -Infinity;
let sequence = 0;

export function newId(): string {
  const random = sixteenRandomBytes();
  const now = Date.now();
  if (now > lastMsecs) {
    sequence = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    lastMsecs = now;
  } else {
    sequence = (sequence + 1) | 0;
    if (sequence === 0) lastMsecs += 1;
  }
  return uuidv7({ random, msecs: lastMsecs, seq: sequence });
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isId(value: string): boolean {
  return UUID_PATTERN.test(value);
}
