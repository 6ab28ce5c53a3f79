/**
 * The filter language's "did you mean" (filter/suggest.ts), for the layers that may not import
 * the filter (output, input): one ranking and one short list for every unknown name.
 */
export { distanceWithin, looseFold, orJoin, orList, shortList, suggest, typoThreshold, unknownNameHint } from '../filter/suggest.js';
