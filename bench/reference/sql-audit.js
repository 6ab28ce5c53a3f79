// Reference for `casctl get-casmailbox -Filter 'PopEnabled -eq $false' -ResultSize Unlimited -o json`
// on an iRedMail database (the iredmail profile), with a bare client: one SELECT of the rows whose
// three POP3 columns are not all 1, with the properties get-casmailbox shows (its Guid derived from
// the address as casctl derives it, WhenChanged as ISO text), printed as a JSON array.
//
//   node bench/reference/sql-audit.js '<connection json>'
import { connect } from './sql-client.js';

const db = await connect(process.argv[2]);
const pg = db.engine === 'postgres';
const flag = (columns) => `(CASE WHEN ${columns.map((c) => `m.${c} = 1`).join(' AND ')} THEN 1 ELSE 0 END)`;
const guid = pg ? '(md5(lower(m.username))::uuid)::text' : "INSERT(INSERT(INSERT(INSERT(MD5(LOWER(m.username)), 21, 0, '-'), 17, 0, '-'), 13, 0, '-'), 9, 0, '-')";
const changed = pg ? `to_char(m.modified, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : "DATE_FORMAT(m.modified, '%Y-%m-%dT%H:%i:%s.000Z')";
const rows = await db.query(
  `SELECT m.username, m.name, m.domain, ${guid} AS guid, ${changed} AS changed,
          ${flag(['enablepop3', 'enablepop3secured', 'enablepop3tls'])} AS pop, ${flag(['enableimap', 'enableimapsecured', 'enableimaptls'])} AS imap,
          ${flag(['enablesmtp', 'enablesmtpsecured'])} AS smtp, ${flag(['enablesieve', 'enablesievesecured', 'enablemanagesieve', 'enablemanagesievesecured'])} AS sieve
   FROM mailbox m WHERE NOT (m.enablepop3 = 1 AND m.enablepop3secured = 1 AND m.enablepop3tls = 1) ORDER BY m.username`,
);
const out = rows.map((r) => ({
  Identity: `${r.domain}/${r.username}`, Guid: r.guid, Name: r.username, DisplayName: r.name, PrimarySmtpAddress: r.username, SamAccountName: '',
  OrganizationalUnit: r.domain, RecipientTypeDetails: 'UserMailbox',
  PopEnabled: Number(r.pop) === 1, ImapEnabled: Number(r.imap) === 1, OWAEnabled: Number(r.imap) === 1,
  SmtpClientAuthenticationDisabled: Number(r.smtp) !== 1, ManageSieveEnabled: Number(r.sieve) === 1,
  PopUseProtocolDefaults: true, ImapUseProtocolDefaults: true, WhenChanged: r.changed,
}));
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
await db.end();
