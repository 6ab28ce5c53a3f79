/** A value in a command's output object: what JSON shows as is and the text formats render. */
export type OutputValue = string | number | boolean | null | readonly OutputValue[] | { readonly [key: string]: OutputValue };
export type OutputRecord = Record<string, OutputValue>;

/** PowerShell's rendering, which admins know: True/False, `{a, b}` for collections. */
export function displayValue(value: OutputValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `{${value.map(displayValue).join(', ')}}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Export-Csv's rendering: True/False, collections joined with `;` (the import format's separator). */
export function csvValue(value: OutputValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return value.map(csvValue).join(';');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
