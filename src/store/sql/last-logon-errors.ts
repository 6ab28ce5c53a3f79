import { StoreError } from '../../core/errors.js';
import type { SqlDialect } from './dialect.js';
import { LAST_LOGON_TABLE } from './last-logon-table.js';

const CREATE_HINT = 'Create it and let Dovecot write it with casctl get-dovecotconfig --last-logons --write.';

/** What a SQL server said about the recorded logins, as a StoreError that says what to do; anything it does not recognise passes through. */
export function explainLastLogonError(error: unknown, dialect: SqlDialect, where: string): unknown {
  const detail = `${dialect.name}: ${(error as Error).message}`;
  switch (dialect.classify(error)) {
    case 'noSuchTable':
      return new StoreError(`No logins are recorded in ${where}: it has no table ${LAST_LOGON_TABLE} (${detail}). ${CREATE_HINT}`);
    case 'noSuchDatabase':
      return new StoreError(`No logins are recorded in ${where}: the database does not exist (${detail}). ${CREATE_HINT}`);
    case 'refused':
      return new StoreError(`Cannot connect to the ${dialect.name} server of the recorded logins ${where} (${detail}). Check that it runs and that "lastLogons" names its host and port.`);
    case 'auth':
      return new StoreError(
        `The ${dialect.name} server refused casctl's credentials for the recorded logins ${where} (${detail}). Check the user in the URL and the password in CASCTL_SQL_PASSWORD_FILE (or CASCTL_SQL_PASSWORD).`,
      );
    case 'readOnly':
      return new StoreError(`casctl's account may not use the recorded logins in ${where} (${detail}): it needs SELECT on ${LAST_LOGON_TABLE} to read them, DELETE to prune them.`);
    default:
      return error;
  }
}
