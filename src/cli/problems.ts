import type { SelectionProblem } from '../core/select.js';
import { printable } from '../core/printable.js';
import type { Messages } from '../output/messages.js';

/**
 * Reports selection problems on stderr as they happen, and counts them for the summary. Only an
 * ambiguity's message has lines of its own (the candidates); the others are one line, so a line
 * break in the identity they quote is escaped like any other control character.
 */
export class ProblemCounter {
  private notFound = 0;
  private ambiguous = 0;

  constructor(private readonly messages: Messages) {}

  readonly report = (problem: SelectionProblem): void => {
    if (problem.kind === 'duplicate') {
      this.messages.warning(printable(problem.message));
      return;
    }
    if (problem.kind === 'notFound') this.notFound++;
    else this.ambiguous++;
    const where = problem.identity.source === 'argument' ? '' : `${problem.identity.source}: `;
    this.messages.error(`${where}${problem.kind === 'ambiguous' ? problem.message : printable(problem.message)}`);
  };

  counts(): { notFound: number; ambiguous: number } {
    return { notFound: this.notFound, ambiguous: this.ambiguous };
  }
}
