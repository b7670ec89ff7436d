// The document collections the API stores, their schemas, and validateDocument() over all of them.
import type { JsonSchema } from '../../engine/module.ts';
import { callflowDocumentSchema, validateCallflow } from '../callflow.ts';
import { resultOf, type ValidationResult } from '../errors.ts';
import { prepareForRuntime, schemaErrors } from '../schema-check.ts';
import { accountsSchema } from './accounts.ts';
import { conferencesSchema } from './conferences.ts';
import { devicesSchema } from './devices.ts';
import { directoriesSchema } from './directories.ts';
import { faxboxesSchema } from './faxboxes.ts';
import { groupsSchema } from './groups.ts';
import { mediaSchema } from './media.ts';
import { menusSchema } from './menus.ts';
import { resourcesSchema } from './resources.ts';
import { temporalRulesSchema } from './temporal_rules.ts';
import { temporalRulesSetsSchema } from './temporal_rules_sets.ts';
import { usersSchema } from './users.ts';
import { vmboxesSchema } from './vmboxes.ts';

/** Collections in Kazoo's names (also the Crossbar URL segments). */
export const COLLECTIONS = [
  'accounts',
  'callflows',
  'conferences',
  'devices',
  'directories',
  'faxboxes',
  'groups',
  'media',
  'menus',
  'resources',
  'temporal_rules',
  'temporal_rules_sets',
  'users',
  'vmboxes',
] as const;

export type Collection = (typeof COLLECTIONS)[number];

export function isCollection(name: string): name is Collection {
  return (COLLECTIONS as readonly string[]).includes(name);
}

/** JSON Schema per collection, e.g. for the API's schema listing (callflow nodes: see flowNodeSchema). */
export const documentSchemas: Readonly<Record<Collection, JsonSchema>> = {
  accounts: accountsSchema,
  callflows: callflowDocumentSchema,
  conferences: conferencesSchema,
  devices: devicesSchema,
  directories: directoriesSchema,
  faxboxes: faxboxesSchema,
  groups: groupsSchema,
  media: mediaSchema,
  menus: menusSchema,
  resources: resourcesSchema,
  temporal_rules: temporalRulesSchema,
  temporal_rules_sets: temporalRulesSetsSchema,
  users: usersSchema,
  vmboxes: vmboxesSchema,
};

/**
 * Validates a document of a collection as stored (values as given, unknown fields allowed, no
 * defaults added, the document is not modified). Callflows also get their flow tree checked.
 * Throws TypeError for a name that is not a collection (check with isCollection first).
 */
export function validateDocument(collection: Collection, doc: unknown): ValidationResult {
  if (!isCollection(collection)) throw new TypeError(`unknown collection ${JSON.stringify(collection)}`);
  if (collection === 'callflows') return validateCallflow(doc);
  return resultOf(schemaErrors(documentSchemas[collection], doc));
}

/**
 * A stored document as modules should read it at run time: a copy with Kazoo's value coercion
 * applied (a menu's "retries": "3" → 3, a device's "enabled": "false" → false) and null values
 * dropped. Document schemas carry no defaults: Kazoo's code fall-backs differ per reader (menu
 * `hunt` is true in the schema but false in the code), so each module applies its own.
 */
export function runtimeDocument(collection: Collection, doc: unknown): Record<string, unknown> {
  if (!isCollection(collection)) throw new TypeError(`unknown collection ${JSON.stringify(collection)}`);
  const out = prepareForRuntime(documentSchemas[collection], doc);
  return out !== null && typeof out === 'object' && !Array.isArray(out) ? (out as Record<string, unknown>) : {};
}
