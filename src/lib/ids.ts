import { uuidv7 } from 'uuidv7';

/** Every primary key in HCRM: a UUIDv7, so ids sort by creation time. Source-system ids are identifiers, never keys. */
export function newId(): string {
  return uuidv7();
}
