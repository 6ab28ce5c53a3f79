import { exampleMailbox } from './directory.js';

/** A small directory and what filters select from it, checked against every back-end. */
export const EXAMPLE_ENTRIES = [
  exampleMailbox(1, { Name: 'Ann', Department: 'Engineering', StateOrProvince: 'WA', EmailAddresses: ['ann@tailspintoys.com', 'Ann.Other@Contoso.com'] }),
  exampleMailbox(2, { Name: 'Bob', Department: 'engineering ops', StateOrProvince: 'wa', PopEnabled: false, ImapEnabled: false }),
  exampleMailbox(3, { Name: 'Émile', Department: 'Ventes', StateOrProvince: 'QC', CustomAttributes: ['7', ...Array<null>(14).fill(null)] }),
  exampleMailbox(4, { Name: 'Administrator', SamAccountName: 'Administrator', IsAdministrator: true, Department: '' }),
  exampleMailbox(5, { Name: 'zoë', EmailAddresses: [], WhenCreated: '2026-02-01T09:30:00.000Z' }),
  exampleMailbox(6, { Name: '😀' }),
  exampleMailbox(7, { Name: 'ｚ' }),
];

/** Filter → names of the mailboxes it selects, in directory order. */
export const EXAMPLE_CASES: [string, string[]][] = [
  ["RecipientType -eq 'UserMailbox' -and Department -like 'Engineering*' -and StateOrProvince -eq 'WA'", ['Ann', 'Bob']],
  ['PopEnabled -eq $false -and ImapEnabled -eq $false', ['Bob', 'Administrator']],
  ['PopEnabled -eq $true', ['Ann', 'Émile', 'zoë', '😀', 'ｚ']],
  ["Name -eq 'émile'", ['Émile']],
  ["Name -like 'ÉM*'", ['Émile']],
  ["Name -eq 'ZOË'", ['zoë']],
  ['Department -eq $null', ['Administrator', 'zoë', '😀', 'ｚ']],
  ["Department -ne 'ventes'", ['Ann', 'Bob', 'Administrator', 'zoë', '😀', 'ｚ']],
  ["Department -like '*'", ['Ann', 'Bob', 'Émile']],
  ["EmailAddresses -eq 'smtp:ANN.OTHER@contoso.com'", ['Ann']],
  ["EmailAddresses -like '*@contoso.com'", ['Ann']],
  ["EmailAddresses -ne 'ann@tailspintoys.com'", ['Bob', 'Émile', 'Administrator', 'zoë', '😀', 'ｚ']],
  ['EmailAddresses -eq $null', ['zoë']],
  ['CustomAttribute1 -eq 7', ['Émile']],
  ["WhenCreated -gt '2026-02-01'", ['zoë']],
  ["WhenCreated -ge '2/1/2026 9:30 AM'", ['zoë']],
  // Code point order: U+1F600 sorts after U+FF5A although its UTF-16 units sort before.
  ["Name -gt 'ｚ'", ['😀']],
  ["Name -lt 'b'", ['Ann', 'Administrator']],
  ["-not (Department -eq 'Ventes')", ['Ann', 'Bob', 'Administrator', 'zoë', '😀', 'ｚ']],
  ["Department -notlike 'ENG*'", ['Émile', 'Administrator', 'zoë', '😀', 'ｚ']],
  // Any value: Ann's two addresses both sort before 'b'; zoë has none.
  ["EmailAddresses -gt 'b'", ['Bob', 'Émile', 'Administrator', '😀', 'ｚ']],
  ["EmailAddresses -lt 'b'", ['Ann']],
  ["EmailAddresses -notlike 'ann*'", ['Bob', 'Émile', 'Administrator', 'zoë', '😀', 'ｚ']],
  ["{ (Name -eq 'Ann' -or Name -eq 'Bob') -and -not PopEnabled -eq $true }", ['Bob']],
];
