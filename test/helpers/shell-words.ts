/**
 * Splits a command line as a POSIX shell would: single quotes keep everything, double quotes
 * keep all but `\$ \` \" \\`, a backslash outside quotes keeps the next character, and `|`
 * separates the commands of a pipeline. What a shell would expand or redirect (`$word`, `` ` ``, `!`,
 * `;`, `&`, `<`, `>`, `(`, `)`, `*` globbing) is thrown as an error: an example must paste as
 * it reads, and `$false` that is not in single quotes reaches casctl as nothing.
 */
export function splitPipeline(line: string): string[][] {
  const commands: string[][] = [[]];
  let word: string | null = null;
  const current = (): string[] => commands.at(-1) as string[];
  const end = (): void => {
    if (word !== null) current().push(word);
    word = null;
  };
  const refuse = (at: number, why: string): never => {
    throw new Error(`${why} at column ${at + 1} of: ${line}`);
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      end();
    } else if (c === '|') {
      end();
      commands.push([]);
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) refuse(i, 'an unclosed single quote');
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let text = '';
      for (i++; line[i] !== '"'; i++) {
        if (i >= line.length) refuse(i, 'an unclosed double quote');
        const d = line[i] as string;
        if (d === '\\' && '$`"\\'.includes(line[i + 1] ?? '')) text += line[++i];
        else if (d === '$' || d === '`' || d === '!') refuse(i, `the shell expands ${d} inside double quotes (write \\${d}, or use single quotes)`);
        else text += d;
      }
      word = (word ?? '') + text;
    } else if (c === '\\') {
      if (i + 1 >= line.length) refuse(i, 'a backslash at the end');
      word = (word ?? '') + line[++i];
    } else if ('$`!;&<>()*?[~#'.includes(c) && !(c === '#' && word !== null) && !(c === '~' && word !== null)) {
      refuse(i, `the shell would act on an unquoted ${c}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  commands.forEach((words, n) => {
    if (words.length === 0) throw new Error(`command ${n + 1} of the pipeline is empty: ${line}`);
  });
  return commands;
}
