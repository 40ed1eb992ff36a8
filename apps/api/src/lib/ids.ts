// Opaque, time-ordered public identifiers (UUIDv7): never sequential integers in URLs.
import { v7 as uuidv7 } from 'uuid';

export function newId(): string {
  return uuidv7();
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isId(value: string): boolean {
  return UUID_PATTERN.test(value);
}
