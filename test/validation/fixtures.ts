// Loads the hand-written Kazoo-shaped fixtures of test/fixtures/kazoo (fresh copy on every call).
import { readFileSync } from 'node:fs';

export type Doc = Record<string, unknown>;

export function fixtureText(name: string): string {
  return readFileSync(new URL(`../fixtures/kazoo/${name}`, import.meta.url), 'utf8');
}

export function loadFixture<T = Doc[]>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** Id of a fixture document (Crossbar exports use `id`, CouchDB dumps `_id`). */
export function idOf(doc: Doc): string {
  return String(doc.id ?? doc._id);
}
