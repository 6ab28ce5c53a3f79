// Reference for `casctl get-casmailbox -Filter 'PopEnabled -eq $false' -ResultSize Unlimited -o json`
// on an iRedMail database (the iredmail profile): one SELECT of the rows whose three POP3 columns
// are not all 1, with each mailbox's alias addresses (joined to one aggregate of the alias rows:
// forwardings has no index on its forwarding column, so a subquery per row would scan it once a
// row), printed as a JSON array, with a bare client.
//
//   node bench/reference/sql-audit.js '<connection json>'
import { connect } from './sql-client.js';

const db = await connect(process.argv[2]);
const pg = db.engine === 'postgres';
const aggregate = pg ? 'array_agg(f.address ORDER BY f.id)' : "CONCAT('[', GROUP_CONCAT(JSON_QUOTE(f.address) ORDER BY f.id SEPARATOR ','), ']')";
const aliases = `LEFT JOIN (SELECT f.forwarding, ${aggregate} AS list FROM forwardings f WHERE f.is_alias = 1 GROUP BY f.forwarding) a ON a.forwarding = m.username`;
const flag = (columns) => `(CASE WHEN ${columns.map((c) => `m.${c} = 1`).join(' AND ')} THEN 1 ELSE 0 END)`;
const rows = await db.query(
  `SELECT m.username, m.name, m.local_part, m.domain, a.list AS aliases,
          ${flag(['enablepop3', 'enablepop3secured', 'enablepop3tls'])} AS pop, ${flag(['enableimap', 'enableimapsecured', 'enableimaptls'])} AS imap,
          ${flag(['enablesmtp', 'enablesmtpsecured'])} AS smtp, ${flag(['enablesieve', 'enablesievesecured', 'enablemanagesieve', 'enablemanagesievesecured'])} AS sieve
   FROM mailbox m ${aliases} WHERE NOT (m.enablepop3 = 1 AND m.enablepop3secured = 1 AND m.enablepop3tls = 1) ORDER BY m.username`,
);
const out = [];
for (const r of rows) {
  const extra = r.aliases === null ? [] : pg ? r.aliases : JSON.parse(r.aliases);
  out.push({
    Name: r.username, DisplayName: r.name, Alias: r.local_part, PrimarySmtpAddress: r.username, OrganizationalUnit: r.domain,
    EmailAddresses: [`SMTP:${r.username}`, ...extra.map((a) => `smtp:${a}`)],
    PopEnabled: Number(r.pop) === 1, ImapEnabled: Number(r.imap) === 1, OWAEnabled: Number(r.imap) === 1,
    SmtpClientAuthenticationDisabled: Number(r.smtp) !== 1, ManageSieveEnabled: Number(r.sieve) === 1,
  });
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
await db.end();
