import { StoreError } from '../../core/errors.js';
import { referralsOf } from './referrals.js';

/** LDAP result codes (RFC 4511 §4.1.9, RFC 4528) casctl reacts to. */
export const ResultCode = {
  SizeLimitExceeded: 4,
  StrongerAuthRequired: 8,
  Referral: 10,
  AdminLimitExceeded: 11,
  ConfidentialityRequired: 13,
  NoSuchAttribute: 16,
  UndefinedAttributeType: 17,
  ConstraintViolation: 19,
  AttributeOrValueExists: 20,
  InvalidAttributeSyntax: 21,
  NoSuchObject: 32,
  InvalidDnSyntax: 34,
  InvalidCredentials: 49,
  InsufficientAccessRights: 50,
  Busy: 51,
  Unavailable: 52,
  UnwillingToPerform: 53,
  ObjectClassViolation: 65,
  EntryAlreadyExists: 68,
  AssertionFailed: 122,
} as const;

/** The LDAP result code of a failed operation; undefined for network and TLS errors. */
export function resultCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The server's diagnostic text, without ldapts's ` Code: 0x..` suffix. */
export function diagnostic(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
}

export interface ErrorContext {
  /** The store URL (safe to print). */
  url: string;
  bindDn: string | null;
  /** What casctl was doing, as a verb phrase: `write 'cn=...'`, `search the directory`. */
  action: string;
  /** Scrubbed from every message, whatever produced it. */
  password: string | null;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);

/** A failed TLS handshake or certificate check (a wrong CA, a name mismatch): the same on every server of a list. */
export function isTlsFailure(error: unknown): boolean {
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  return typeof errno === 'string' && /CERT|SELF_SIGNED|TLS|SSL|ALTNAME/i.test(errno);
}

/** Is this a casctl attribute or object class the server does not know (schema not loaded)? */
export function isSchemaProblem(error: unknown): boolean {
  const code = resultCode(error);
  const text = diagnostic(error);
  if (code === ResultCode.UndefinedAttributeType) return true;
  // slapd: "objectClass: value #1 invalid per syntax" for an undefined class (21), or 65 naming one.
  if ((code === ResultCode.InvalidAttributeSyntax || code === ResultCode.ObjectClassViolation) && /objectClass/i.test(text)) {
    return /invalid per syntax|unrecognized objectClass|no structural|cas[A-Z]/i.test(text);
  }
  return false;
}

function who(context: ErrorContext): string {
  return context.bindDn === null ? 'an anonymous bind' : `the bind DN '${context.bindDn}'`;
}

/** An error an admin understands, naming the server and never the password. */
export function toStoreError(error: unknown, context: ErrorContext): StoreError {
  if (error instanceof StoreError) return scrubbed(error.message, context);
  const code = resultCode(error);
  const text = diagnostic(error);
  const detail = text === '' ? '' : ` (${text})`;
  const errno = (error as NodeJS.ErrnoException | null)?.code;
  let message: string;
  if (code === undefined) {
    if (typeof errno === 'string' && NETWORK_CODES.has(errno)) {
      message = `Cannot reach the LDAP server of ${context.url} (${errno}): is slapd running and listening there?`;
    } else if (/timeout/i.test(text)) {
      message = `The LDAP server of ${context.url} did not answer in time while casctl tried to ${context.action} (${text}).`;
    } else if (isTlsFailure(error)) {
      message = `The TLS connection to ${context.url} failed (${errno}: ${text}): name the CA that signed the server certificate with "caFile" in the "ldap" section of the configuration.`;
    } else {
      message = `The LDAP connection to ${context.url} failed while casctl tried to ${context.action}: ${text}`;
    }
  } else if (code === ResultCode.Referral) {
    message = referralMessage(context, text);
  } else if (code === ResultCode.InvalidCredentials) {
    message = `The LDAP server of ${context.url} refused the credentials of ${who(context)} (invalid credentials, result 49): check CASCTL_LDAP_BIND_DN and the password (CASCTL_LDAP_PASSWORD_FILE or the configuration file).`;
  } else if (code === ResultCode.InsufficientAccessRights) {
    message = `${capitalise(who(context))} may not ${context.action} on ${context.url} (insufficient access, result 50${text === '' ? '' : `: ${text}`}): use a bind DN the server's ACLs let write mailboxes and cn=casctl below the base, or ask the directory admin.`;
  } else if (isSchemaProblem(error)) {
    message = `The LDAP server of ${context.url} does not know casctl's schema${detail}: load schema/casmailbox.schema (slapd.conf: include) or schema/casmailbox.ldif (cn=config: ldapadd -Y EXTERNAL -H ldapi:/// -f casmailbox.ldif), then run 'casctl init'.`;
  } else if (code === ResultCode.SizeLimitExceeded) {
    message = `The LDAP server of ${context.url} stopped a search at its size limit for ${who(context)} (result 4): casctl pages every search, so the server limits paged results too for this bind DN; give it 'limits ... size.prtotal=unlimited' or use the casctl service account.`;
  } else if (code === ResultCode.AdminLimitExceeded) {
    message = `The LDAP server of ${context.url} refused a search as over an administrative limit (result 11${detail}); if its page-size limit (size.pr) is below casctl's page size, set "pageSize" in the "ldap" section of the configuration below it.`;
  } else if (code === ResultCode.ConfidentialityRequired || code === ResultCode.StrongerAuthRequired) {
    message = `The LDAP server of ${context.url} requires an encrypted connection (result ${code}${detail}): use ldaps:// or set "startTls": true in the "ldap" section of the configuration.`;
  } else if (code === ResultCode.Busy || code === ResultCode.Unavailable) {
    message = `The LDAP server of ${context.url} is busy or unavailable (result ${code}${detail}); try again later.`;
  } else {
    message = `The LDAP server of ${context.url} refused to ${context.action} (result ${code}${detail}).`;
  }
  return scrubbed(message, context);
}

/**
 * A read-only replica (a syncrepl consumer) answers a write with a referral to its provider:
 * casctl does not follow it (the provider may want other credentials or TLS settings), it says
 * where to write instead.
 */
function referralMessage(context: ErrorContext, text: string): string {
  const urls = referralsOf(text);
  const where = urls.length === 0 ? 'its provider (the server gave no referral URL)' : urls.join(' or ');
  return (
    `The LDAP server of ${context.url} is a read-only replica: it refused to ${context.action} and refers writes to ${where} (result 10, referral). ` +
    'casctl writes only to the provider: make the provider the store URL ("store", --store or CASCTL_STORE) and name this replica as "readStore" for reads and audits.'
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Belt and braces: no message leaves the LDAP store with the password in it. */
function scrubbed(message: string, context: ErrorContext): StoreError {
  const password = context.password;
  if (password === null || password.length < 4 || !message.includes(password)) return new StoreError(message);
  return new StoreError(message.split(password).join('********'));
}

/** Per-entry failures that mean the whole run cannot work either (stop rather than repeat them). */
export function isFatal(error: unknown): boolean {
  const code = resultCode(error);
  if (code === undefined) return true;
  return (
    code === ResultCode.InvalidCredentials ||
    code === ResultCode.InsufficientAccessRights ||
    code === ResultCode.ConfidentialityRequired ||
    code === ResultCode.StrongerAuthRequired ||
    code === ResultCode.Unavailable ||
    isSchemaProblem(error)
  );
}
