// Public surface of lib/validation: what the API, the importer and the engine call.
export { FLOW_LIMITS, childEntries, isPlainObject, walkFlow, type FlowLimits, type FlowWalkEvent } from './flow-walk.ts';
export { callflowDocumentSchema, flowNodeSchema, flowErrors, validateCallflow, validateFlow } from './callflow.ts';
export { moduleDataErrors, withDefaults } from './module-data.ts';
export {
  ValidationError,
  addError,
  formatAjvErrors,
  mergeErrors,
  type RuleFailure,
  type ValidationErrors,
  type ValidationResult,
} from './errors.ts';
export {
  COLLECTIONS,
  documentSchemas,
  isCollection,
  runtimeDocument,
  validateDocument,
  type Collection,
} from './documents/index.ts';
export { MAX_NESTING, schemaErrors } from './schema-check.ts';
export { coerceBySchema, coerceScalar } from './coercion.ts';
export { referencesOf, type DocumentReference } from './references.ts';
export {
  NO_MATCH,
  classifyNumber,
  isNoMatchCandidate,
  isReconcilable,
  normalizeCallflowNumber,
  normalizeNumber,
  stripNumberFormatting,
  type NumberClass,
} from './numbers.ts';
export { PatternError, compilePattern, patternError, translatePattern } from './patterns.ts';
