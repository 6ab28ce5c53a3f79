/** Options whose values are secrets: never stored in the change history. */
const SECRET = /pass(word)?|secret|token|credential/i;

/** The command line as an admin would retype it, with secret values replaced by `***`. */
export function recordedCommandLine(argv: readonly string[]): string {
  const shown: string[] = ['casctl'];
  let hideNext = false;
  for (const arg of argv) {
    if (hideNext) {
      shown.push('***');
      hideNext = false;
      continue;
    }
    const option = /^(-{1,2}[^=:]+)([=:])(.*)$/s.exec(arg);
    if (option !== null && SECRET.test(option[1] ?? '')) {
      shown.push(`${option[1]}${option[2]}***`);
      continue;
    }
    if (/^-{1,2}\w/.test(arg) && SECRET.test(arg)) hideNext = true;
    shown.push(quote(arg));
  }
  return shown.join(' ');
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
