import type { SqlValue } from './client.js';
import type { ParamType, SqlDialect } from './dialect.js';

/**
 * The parameters of one statement, in the order the SQL text uses them: every value gets its own
 * placeholder where it appears, so one builder serves `$n` and `?` engines alike.
 */
export class Params {
  readonly values: SqlValue[] = [];

  constructor(private readonly dialect: SqlDialect) {}

  /** The placeholder of a scalar value. */
  add(value: string | number | null, type?: ParamType): string {
    this.values.push(value);
    return this.dialect.placeholder(this.values.length, type);
  }

  /** `expression` is one of `values`. */
  in(expression: string, values: readonly string[] | readonly number[], type: 'textList' | 'intList' = 'textList'): string {
    this.values.push(this.dialect.listParam(values));
    return this.dialect.inList(expression, this.dialect.placeholder(this.values.length, type), type);
  }

  /** A table `alias(value, k)` of text values and their 1-based positions in the list. */
  numbered(values: readonly string[], alias: string): string {
    this.values.push(this.dialect.listParam(values));
    return this.dialect.numbered(this.dialect.placeholder(this.values.length, 'textList'), alias);
  }
}
