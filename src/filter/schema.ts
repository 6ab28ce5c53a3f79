import { fold } from './text.js';

export type PropertyType = 'string' | 'boolean' | 'date';

/** A property filters may name, as the application describes it to the parser. */
export interface FilterProperty {
  /** The name written in filters (matched case-insensitively) and shown in messages. */
  name: string;
  type: PropertyType;
  /** Multi-valued: `-eq` matches when any value does. */
  multiValued: boolean;
  /**
   * Applied to a text literal compared with this property before it reaches the AST, when the
   * application stores values in another form than users write them (a prefix it drops).
   */
  normaliseText?: (text: string) => string;
}

/** What the parser knows of the application: the properties a filter may name. */
export interface FilterSchema {
  readonly properties: readonly FilterProperty[];
  /** A valid filter over these properties, quoted in hints (`e.g. ...`). */
  readonly example: string;
  /** Where users see every property, for a message that lists only some (`the README lists them`). */
  readonly listedBy?: string;
  /** The property a filter names; names are case-insensitive, as in Exchange. */
  find(name: string): FilterProperty | undefined;
}

export function createFilterSchema(properties: readonly FilterProperty[], example: string, listedBy?: string): FilterSchema {
  const byFoldedName = new Map(properties.map((property) => [fold(property.name), property]));
  return { properties, example, ...(listedBy === undefined ? {} : { listedBy }), find: (name) => byFoldedName.get(fold(name)) };
}

/** The value(s) of a property on the object a filter is evaluated against; null and '' are "not set". */
export type PropertyValue = string | boolean | null | readonly string[];

/** How the evaluator reads a property (by its schema name) from the objects it is given. */
export type PropertyReader<T> = (subject: T, property: string) => PropertyValue;
