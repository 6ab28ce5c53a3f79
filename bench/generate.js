// Generates the benchmark's inputs: a directory CSV in casctl's import format and an identity
// file of the same mailboxes' primary addresses (UTF-8 with a BOM and CRLF line ends, as
// PowerShell and Windows editors write them). Deterministic: the same count gives the same files,
// and the first n rows of a bigger directory are the rows of a directory of n.
//
//   node bench/generate.js <dir> <count>
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const DOMAIN = 'bench.example';
const REGIONS = 12;
const TEAMS_PER_REGION = 25; // 12 regions + 300 teams: 312 OUs
/** Ten departments drawn uniformly, so `Department -eq '<any>'` selects about a tenth. */
export const DEPARTMENTS = [
  'Engineering', 'Sales', 'Marketing', 'Finance', 'Human Resources', 'Operations', 'Support', 'Legal',
  'Research, Development', // a comma: RFC 4180 quoting on the import path
  'Facilities',
];
/** The department the filtered bulk set selects. */
export const FILTER_DEPARTMENT = 'Engineering';
const STATES = ('AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND ' +
  'OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY').split(' ');
const FIRST = ('Ava Ben Chloe Daniel Emma Felix Grace Henry Isla Jack Kara Liam Maya Noah Olivia Paul Quinn Rosa Sam Tara ' +
  'Uma Victor Wendy Xavier Yara Zoe Aaron Bianca Carlos Dana Elif Farid Greta Hugo Ines Jonas Keiko Luca Mira Nils ' +
  "Omar Priya Rania Stefan Tomas Ulla Vera Wei Yusuf Zain").split(' ');
const LAST = ("Smith Johnson Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson Anderson Thomas Taylor Moore " +
  "Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright " +
  "Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Okafor Novak " +
  "Kowalski Zaher").split(' ');

/** mulberry32: a small, fast, seedable PRNG; the data must not depend on Math.random. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function organizationalUnit(region, team) {
  return `${DOMAIN}/Region ${region + 1}/Team ${region * TEAMS_PER_REGION + team + 1}`;
}

const firstName = (i) => FIRST[i % FIRST.length];
const lastName = (i) => LAST[Math.floor(i / FIRST.length) % LAST.length];

/** The primary address of mailbox number `i` (0-based), e.g. for a single-mailbox lookup. */
export function addressOf(i) {
  return `${firstName(i)}.${lastName(i)}.${i}@${DOMAIN}`.toLowerCase();
}

/** One mailbox per index: unique Name, Alias (so SamAccountName and UPN) and address. */
function mailbox(i, random) {
  const first = firstName(i);
  const last = lastName(i);
  const region = Math.floor(random() * REGIONS);
  const team = Math.floor(random() * TEAMS_PER_REGION);
  const department = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)];
  const state = STATES[Math.floor(random() * STATES.length)];
  const pop = random() < 0.5; // the audit `PopEnabled -eq $false` matches about half
  const imap = random() < 0.9;
  return {
    address: addressOf(i),
    name: `${first} ${last} ${i}`,
    alias: `${first[0]}${last}${i}`.toLowerCase(),
    ou: organizationalUnit(region, team),
    department,
    state,
    pop,
    imap,
  };
}

const csvField = (text) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
const HEADER = 'PrimarySmtpAddress,Name,Alias,OrganizationalUnit,Department,StateOrProvince,PopEnabled,ImapEnabled';

/**
 * Writes `<dir>/directory-<count>.csv` and `<dir>/identities-<count>.txt`; returns their paths and
 * what the data holds (counts the benchmark's checks compare against).
 */
export function generate(dir, count) {
  const csvPath = join(dir, `directory-${count}.csv`);
  const identitiesPath = join(dir, `identities-${count}.txt`);
  const csv = openSync(csvPath, 'w');
  const ids = openSync(identitiesPath, 'w');
  const random = prng(20260101);
  const stats = { mailboxes: count, popDisabled: 0, filterDepartment: 0, filterDepartmentPopEnabled: 0, organizationalUnits: 0 };
  const ous = new Set();
  try {
    writeSync(csv, `${HEADER}\r\n`);
    writeSync(ids, '\ufeff');
    const CHUNK = 10_000;
    for (let start = 0; start < count; start += CHUNK) {
      const rows = [];
      const lines = [];
      for (let i = start; i < Math.min(count, start + CHUNK); i++) {
        const m = mailbox(i, random);
        ous.add(m.ou);
        if (!m.pop) stats.popDisabled++;
        if (m.department === FILTER_DEPARTMENT) {
          stats.filterDepartment++;
          if (m.pop) stats.filterDepartmentPopEnabled++;
        }
        rows.push([m.address, m.name, m.alias, m.ou, m.department, m.state, m.pop ? 'True' : 'False', m.imap ? 'True' : 'False']
          .map(csvField).join(','));
        lines.push(m.address);
      }
      writeSync(csv, `${rows.join('\r\n')}\r\n`);
      writeSync(ids, `${lines.join('\r\n')}\r\n`);
    }
  } finally {
    closeSync(csv);
    closeSync(ids);
  }
  // Leaf OUs plus their parent regions, as casctl creates them.
  stats.organizationalUnits = ous.size + new Set([...ous].map((ou) => ou.split('/').slice(0, 2).join('/'))).size;
  return { csvPath, identitiesPath, stats };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = '.', count = '1000'] = process.argv.slice(2);
  console.log(JSON.stringify(generate(dir, Number(count)), null, 2));
}
