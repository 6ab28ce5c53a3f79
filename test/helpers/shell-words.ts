/** A command line as a shell runs it: the casctl commands of a pipeline, and the file the last one's output goes to. */
export interface ShellLine {
  commands: string[][];
  /** `> file` at the end, as typed (`~/` is the home directory); null without one. */
  output: string | null;
}

/**
 * Splits a command line as a POSIX shell would: single quotes keep everything, double quotes
 * keep all but `\$ \` \" \\`, a backslash outside quotes keeps the next character, `|`
 * separates the commands of a pipeline and a final `> file` takes the output. What else a shell
 * would expand or act on (`$word`, `` ` ``, `!`, `;`, `&`, `<`, `(`, `)`, `*` globbing, `~`
 * in an argument) is thrown as an error: an example must paste as it reads, and `$false` that is
 * not in single quotes reaches casctl as nothing.
 */
export function splitPipeline(line: string): ShellLine {
  const commands: string[][] = [[]];
  const targets: string[] = [];
  let redirected = false;
  let word: string | null = null;
  const end = (): void => {
    if (word !== null) (redirected ? targets : (commands.at(-1) as string[])).push(word);
    word = null;
  };
  const refuse = (at: number, why: string): never => {
    throw new Error(`${why} at column ${at + 1} of: ${line}`);
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === ' ' || c === '\t') {
      end();
    } else if (c === '|' || c === '>') {
      end();
      if (redirected) refuse(i, 'only one redirection, at the end');
      if (c === '|') commands.push([]);
      else redirected = true;
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
    } else if (c === '~' && word === null && redirected && line[i + 1] === '/') {
      word = c;
    } else if ('$`!;&<()*?['.includes(c) || (word === null && '~#'.includes(c))) {
      // `#` and `~` mean something only at the start of a word.
      refuse(i, `the shell would act on an unquoted ${c}`);
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  commands.forEach((words, n) => {
    if (words.length === 0) throw new Error(`command ${n + 1} of the pipeline is empty: ${line}`);
  });
  if (redirected && targets.length !== 1) throw new Error(`> takes one file: ${line}`);
  return { commands, output: targets[0] ?? null };
}
