/**
 * Writes the Tailspin Toys test directory and the identity-file fixtures:
 *
 *   fixtures/sample-directory.csv        the directory `casctl import` loads in tests
 *   fixtures/Accounts.txt                the Exchange article's four addresses
 *   fixtures/identity-files/*.txt        the same identities as Windows tools encode them
 *
 * Run: node --import tsx scripts/make-sample-directory.ts
 *
 * Output is byte-for-byte deterministic (seeded PRNG, fixed order), so re-running it on an
 * unchanged script leaves `git status` clean. fixtures/README.md documents the edge cases the
 * hand-written rows below exist for; tests rely on them, so change both together.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from './seeded-random.js';

const DOMAIN = 'tailspintoys.com';
const COMPANY = 'Tailspin Toys';
const PASSWORD = 'Tailspin!2026';

const COLUMNS = [
  'Name',
  'Alias',
  'DisplayName',
  'SamAccountName',
  'UserPrincipalName',
  'PrimarySmtpAddress',
  'EmailAddresses',
  'OrganizationalUnit',
  'Department',
  'Title',
  'Company',
  'Office',
  'City',
  'StateOrProvince',
  'CountryOrRegion',
  'CustomAttribute1',
  'RecipientTypeDetails',
  'PopEnabled',
  'ImapEnabled',
  'Password',
] as const;

type RecipientTypeDetails = 'UserMailbox' | 'SharedMailbox' | 'RoomMailbox' | 'EquipmentMailbox';

/** Where someone sits; country is ISO 3166 alpha-2 because LDAP's `c` accepts nothing else. */
interface Place {
  office: string;
  city: string;
  state: string;
  country: string;
}

interface Entry {
  name: string;
  displayName?: string;
  /** SamAccountName; also the Alias unless `alias` is given. */
  sam: string;
  alias?: string;
  /** Local part of the primary address (defaults to the alias). */
  primary?: string;
  /** Local parts of the secondary smtp: addresses. */
  secondary?: string[];
  /** How EmailAddresses is written: prefixed (default), primary listed last, or one bare address. */
  addressStyle?: 'prefixed' | 'primary-last' | 'bare';
  ou: string;
  department: string;
  title: string;
  place: Place;
  customAttribute1?: string;
  type?: RecipientTypeDetails;
  pop?: boolean;
  imap?: boolean;
  /** null: no password column value (rooms, equipment). */
  password?: string | null;
}

const OU = {
  finance: 'North America/Finance',
  naEngineering: 'North America/Engineering',
  platform: 'North America/Engineering/Platform',
  naSales: 'North America/Sales',
  euSales: 'Europe/Sales',
  euEngineering: 'Europe/Engineering',
  apSupport: 'Asia Pacific/Support',
  it: 'IT',
  shared: 'Shared',
  resources: 'Resources',
} as const;

const place = (office: string, city: string, state: string, country: string): Place => ({ office, city, state, country });
const REDMOND = place('Redmond B2', 'Redmond', 'WA', 'US');
const REDMOND_B4 = place('Redmond B4', 'Redmond', 'WA', 'US');
const SEATTLE = place('Seattle Pioneer Square', 'Seattle', 'WA', 'US');
const BELLEVUE = place('Bellevue Tower', 'Bellevue', 'WA', 'US');
const CHICAGO = place('Chicago Loop', 'Chicago', 'IL', 'US');

// ---------------------------------------------------------------------------------------------
// Hand-written rows: every deliberate edge case lives here, so README.md can name them.
// ---------------------------------------------------------------------------------------------

const HAND: Entry[] = [
  // The built-in administrator: enabled in the file on purpose, casctl must still report it disabled.
  {
    name: 'Administrator',
    sam: 'Administrator',
    primary: 'administrator',
    ou: OU.it,
    department: 'IT',
    title: 'Built-in administrator account',
    place: REDMOND,
    pop: true,
    imap: true,
  },

  // Washington Engineering: what `Department -like 'Engineering*' -and StateOrProvince -eq 'WA'` selects.
  { name: 'Rand Zaher', sam: 'rzaher', primary: 'rand.zaher', secondary: ['rzaher'], ou: OU.naEngineering, department: 'Engineering', title: 'Senior Software Engineer', place: REDMOND },
  { name: 'Priya Raman', sam: 'praman', primary: 'priya.raman', secondary: ['praman'], ou: OU.naEngineering, department: 'Engineering', title: 'Principal Software Engineer', place: REDMOND },
  {
    name: 'Marcus Oyelaran',
    // DisplayName differs from Name: resolving the DisplayName must not work, it is no identity.
    displayName: 'Marcus Oyelaran (Contractor)',
    sam: 'moyelaran',
    primary: 'marcus.oyelaran',
    secondary: ['moyelaran'],
    ou: OU.naEngineering,
    department: 'Engineering',
    title: 'Software Engineer',
    place: SEATTLE,
    customAttribute1: 'Contractor',
  },
  { name: 'Hannah Lindqvist', sam: 'hlindqvist', primary: 'hannah.lindqvist', secondary: ['hlindqvist'], ou: OU.naEngineering, department: 'Engineering', title: 'Software Engineer II', place: BELLEVUE },
  { name: 'Tomás Ortega', sam: 'tortega', primary: 'tomas.ortega', secondary: ['tortega'], ou: OU.naEngineering, department: 'Engineering', title: 'Engineering Manager', place: REDMOND },
  { name: 'Keiko Tanabe', sam: 'ktanabe', primary: 'keiko.tanabe', secondary: ['ktanabe'], ou: OU.naEngineering, department: 'Engineering QA', title: 'QA Lead', place: REDMOND_B4 },
  // Already fully off: disabling WA engineering again is a no-op for this one.
  { name: 'Devon Whitfield', sam: 'dwhitfield', primary: 'devon.whitfield', secondary: ['dwhitfield'], ou: OU.naEngineering, department: 'Engineering QA', title: 'QA Engineer', place: SEATTLE, pop: false, imap: false },
  { name: 'Amara Nwosu', sam: 'anwosu', primary: 'amara.nwosu', secondary: ['anwosu'], ou: OU.naEngineering, department: 'Engineering QA', title: 'QA Engineer', place: REDMOND_B4, pop: false },
  { name: 'Randall Okafor', sam: 'randall', primary: 'randall.okafor', secondary: ['randall'], ou: OU.naEngineering, department: 'Engineering', title: 'Software Engineer', place: REDMOND },
  { name: 'Rand Kowalski', sam: 'rand.k', primary: 'rand.kowalski', secondary: ['rand.k'], ou: OU.platform, department: 'Engineering - Platform', title: 'Site Reliability Engineer', place: REDMOND },
  { name: 'Mei-Ling Chou', sam: 'mchou', primary: 'mei-ling.chou', secondary: ['mchou'], ou: OU.platform, department: 'Engineering - Platform', title: 'Platform Engineer', place: SEATTLE },
  { name: 'Oskar Brandt', sam: 'obrandt', primary: 'oskar.brandt', secondary: ['obrandt'], ou: OU.platform, department: 'Engineering - Platform', title: 'Platform Architect', place: REDMOND_B4 },
  { name: 'Faith Adeyemi', sam: 'fadeyemi', primary: 'faith.adeyemi', secondary: ['fadeyemi'], ou: OU.platform, department: 'Engineering - Platform', title: 'Platform Engineer', place: BELLEVUE, customAttribute1: 'Contractor' },
  // Lower-case department: `-like` is case-insensitive, so this one is in the set.
  { name: 'Gareth Pryce', sam: 'gpryce', primary: 'gareth.pryce', secondary: ['gpryce'], ou: OU.platform, department: 'engineering', title: 'Build Engineer', place: REDMOND },
  { name: 'Ines Carvalho', sam: 'icarvalho', primary: 'ines.carvalho', secondary: ['icarvalho'], ou: OU.naEngineering, department: 'Engineering', title: 'Software Engineer', place: SEATTLE },

  // Near misses for the WA Engineering filter.
  { name: 'Nadia Haddad', sam: 'nhaddad', primary: 'nadia.haddad', secondary: ['nhaddad'], ou: OU.naEngineering, department: 'Reengineering', title: 'Process Reengineering Lead', place: REDMOND },
  { name: 'Brent Sorensen', sam: 'bsorensen', primary: 'brent.sorensen', secondary: ['bsorensen'], ou: OU.naEngineering, department: 'Engineering', title: 'Software Engineer', place: place('Spokane Remote', 'Spokane', 'Washington', 'US'), pop: false },
  { name: 'Gloria Laureano', sam: 'glaureano', primary: 'glaureano', secondary: ['gloria.laureano'], ou: OU.naEngineering, department: 'Engineering', title: 'Hardware Engineer', place: place('Portland Pearl', 'Portland', 'OR', 'US') },
  { name: 'Wes Carrow', sam: 'wcarrow', primary: 'wes.carrow', secondary: ['wcarrow'], ou: OU.naSales, department: 'Sales Engineering', title: 'Sales Engineer', place: SEATTLE, pop: false },
  { name: 'Jordan Pike', sam: 'jpike', primary: 'jordan.pike', secondary: ['jpike'], ou: OU.naSales, department: 'Sales', title: 'Account Executive', place: SEATTLE },

  // North America/Finance: users plus one shared mailbox (finance-team, below).
  {
    name: 'Smith, Jr., John',
    displayName: 'Smith, Jr., John',
    sam: 'jsmithjr',
    primary: 'john.smith.jr',
    secondary: ['jsmithjr'],
    ou: OU.finance,
    department: 'Finance',
    title: 'Director, Financial Planning',
    place: CHICAGO,
    customAttribute1: 'VIP',
  },
  { name: 'Katherine "Kate" O\'Neil', sam: 'koneil', primary: 'kate.oneil', secondary: ['koneil'], ou: OU.finance, department: 'Finance', title: 'Senior Accountant', place: CHICAGO },
  { name: 'Ærin O\'Brien', sam: 'aobrien', primary: 'aerin.obrien', secondary: ['aobrien'], ou: OU.finance, department: 'Finance', title: 'Financial Analyst', place: CHICAGO },
  { name: 'Dmitri Volkov', sam: 'dvolkov', primary: 'dmitri.volkov', secondary: ['dvolkov'], ou: OU.finance, department: 'Finance', title: 'Accounts Payable Specialist', place: CHICAGO, pop: false },
  { name: 'Grace Achterberg', sam: 'gachterberg', primary: 'grace.achterberg', secondary: ['gachterberg'], ou: OU.finance, department: 'Finance', title: 'Treasury Analyst', place: CHICAGO },
  { name: 'Luis Carvalho', sam: 'lcarvalho', primary: 'luis.carvalho', secondary: ['lcarvalho'], ou: OU.finance, department: 'Finance', title: 'Tax Manager', place: CHICAGO },
  { name: 'Naomi Feld', sam: 'nfeld', primary: 'naomi.feld', secondary: ['nfeld'], ou: OU.finance, department: 'Finance', title: 'Payroll Specialist', place: CHICAGO, pop: false, imap: false },
  { name: 'Owen Gallagher', sam: 'ogallagher', primary: 'owen.gallagher', secondary: ['ogallagher'], ou: OU.finance, department: 'Finance', title: 'Financial Analyst', place: CHICAGO },
  // Finance people in Redmond: non-engineering staff in WA.
  { name: 'Patricia Nakamura', sam: 'pnakamura', primary: 'patricia.nakamura', secondary: ['pnakamura'], ou: OU.finance, department: 'Finance', title: 'Chief Financial Officer', place: REDMOND, customAttribute1: 'VIP' },
  { name: 'Quentin Lefebvre', sam: 'qlefebvre', primary: 'quentin.lefebvre', secondary: ['qlefebvre'], ou: OU.finance, department: 'Finance', title: 'Internal Auditor', place: REDMOND, imap: false },
  { name: 'Rosa Delgado', sam: 'rdelgado', primary: 'rosa.delgado', secondary: ['rdelgado'], ou: OU.finance, department: 'Finance', title: 'Accounts Receivable Specialist', place: CHICAGO, customAttribute1: 'Cost center 4410, "Toys"' },
  { name: 'Samuel Osei', sam: 'sosei', primary: 'samuel.osei', secondary: ['sosei'], ou: OU.finance, department: 'Finance', title: 'Financial Analyst', place: CHICAGO, addressStyle: 'primary-last' },
  { name: 'Teresa Holm', sam: 'tholm', primary: 'teresa.holm', secondary: ['tholm'], ou: OU.finance, department: 'Finance', title: 'Controller', place: CHICAGO, customAttribute1: 'Legal hold; retain 7y' },
  { name: 'Vikram Desai', sam: 'vdesai', primary: 'vdesai', ou: OU.finance, department: 'Finance', title: 'Billing Specialist', place: CHICAGO, addressStyle: 'bare' },

  // The Exchange article's Accounts.txt people, one per region.
  { name: 'Ebru Brunner', sam: 'ebrunner', primary: 'ebrunner', secondary: ['ebru.brunner'], ou: OU.euSales, department: 'Sales', title: 'Account Manager', place: place('Munich Schwabing', 'Munich', 'Bavaria', 'DE') },
  { name: 'Fabio Apodaca', sam: 'fapodaca', primary: 'fapodaca', secondary: ['fabio.apodaca'], ou: OU.naSales, department: 'Sales', title: 'Regional Sales Manager', place: place('Dallas Uptown', 'Dallas', 'TX', 'US') },
  // (Gloria Laureano is above, with the Engineering near misses.)
  { name: 'Hye-jin Rim', sam: 'hrim', primary: 'hrim', secondary: ['hye-jin.rim'], ou: OU.apSupport, department: 'Support', title: 'Support Engineer', place: place('Seoul Gangnam', 'Seoul', '', 'KR') },

  // Two people called Chris Green: `-Identity 'Chris Green'` matches multiple entries.
  { name: 'Chris Green', sam: 'cgreen', primary: 'chris.green', secondary: ['cgreen'], ou: OU.naSales, department: 'Sales', title: 'Account Executive', place: place('Boston Seaport', 'Boston', 'MA', 'US') },
  { name: 'Chris Green', sam: 'chgreen', primary: 'chgreen', secondary: ['christopher.green'], ou: OU.euEngineering, department: 'Engineering', title: 'Firmware Engineer', place: place('London Shoreditch', 'London', '', 'GB'), pop: false },

  // Names and aliases starting with "rand": wildcards like `rand*` and `Rand*` are ambiguous.
  { name: 'Randi Svensson', sam: 'randi.s', primary: 'randi.svensson', secondary: ['randi.s'], ou: OU.euSales, department: 'Sales', title: 'Account Manager', place: place('Stockholm Norrmalm', 'Stockholm', '', 'SE'), pop: false },
  { name: 'Randolph Bishop', sam: 'randolph', primary: 'randolph.bishop', secondary: ['randolph'], ou: OU.apSupport, department: 'Support', title: 'Support Team Lead', place: place('Sydney Barangaroo', 'Sydney', 'NSW', 'AU') },
  { name: 'Miranda Rand', sam: 'mrand', primary: 'miranda.rand', secondary: ['mrand'], ou: OU.naSales, department: 'Sales', title: 'Sales Operations Analyst', place: place('Denver LoDo', 'Denver', 'CO', 'US') },

  // Non-ASCII names with ASCII addresses.
  { name: 'Zoë Müller', sam: 'zmuller', primary: 'zoe.muller', secondary: ['zmuller'], ou: OU.euSales, department: 'Sales', title: 'Key Account Manager', place: place('Berlin Mitte', 'Berlin', '', 'DE') },
  { name: 'José Álvarez', sam: 'jalvarez', primary: 'jose.alvarez', secondary: ['jalvarez'], ou: OU.euSales, department: 'Sales', title: 'Account Manager', place: place('Madrid Salamanca', 'Madrid', '', 'ES') },
  { name: 'Łukasz Żółć', sam: 'lzolc', primary: 'lukasz.zolc', secondary: ['lzolc'], ou: OU.euEngineering, department: 'Engineering', title: 'Embedded Engineer', place: place('Kraków Zabłocie', 'Kraków', '', 'PL') },
  { name: 'Søren Ødegård', sam: 'sodegard', primary: 'soren.odegard', secondary: ['sodegard'], ou: OU.euEngineering, department: 'Engineering', title: 'Software Engineer', place: place('Copenhagen Nordhavn', 'Copenhagen', '', 'DK'), pop: false, imap: false },
  { name: 'Björn Ångström', sam: 'bangstrom', primary: 'bjorn.angstrom', secondary: ['bangstrom'], ou: OU.euEngineering, department: 'Engineering', title: 'Test Engineer', place: place('Stockholm Kista', 'Stockholm', '', 'SE') },
  { name: '李娜 (Li Na)', sam: 'lina', primary: 'li.na', secondary: ['lina'], ou: OU.apSupport, department: 'Support', title: 'Support Specialist', place: place('Shanghai Pudong', 'Shanghai', '', 'CN') },
  { name: 'Trần Ngọc Ánh', sam: 'anh.tran', primary: 'anh.tran', secondary: ['tran.ngoc.anh'], ou: OU.apSupport, department: 'Support', title: 'Support Specialist', place: place('Singapore One-North', 'Singapore', '', 'SG') },

  // Shared mailboxes: people log in with the password too, so they get one.
  { name: 'Finance Team', sam: 'finance-team', primary: 'finance-team', ou: OU.finance, department: 'Finance', title: '', place: CHICAGO, type: 'SharedMailbox' },
  { name: 'Support', sam: 'support', primary: 'support', secondary: ['help'], ou: OU.shared, department: 'Support', title: '', place: place('Sydney Barangaroo', 'Sydney', 'NSW', 'AU'), type: 'SharedMailbox' },
  { name: 'Info', sam: 'info', primary: 'info', secondary: ['contact'], ou: OU.shared, department: '', title: '', place: REDMOND, type: 'SharedMailbox', pop: false },
  { name: 'Helpdesk', sam: 'helpdesk', primary: 'helpdesk', ou: OU.shared, department: 'IT', title: '', place: REDMOND, type: 'SharedMailbox' },
  { name: 'Human Resources', sam: 'hr', primary: 'hr', secondary: ['jobs'], ou: OU.shared, department: 'Human Resources', title: '', place: REDMOND, type: 'SharedMailbox' },
  { name: 'Sales EMEA', sam: 'sales-emea', primary: 'sales-emea', ou: OU.shared, department: 'Sales', title: '', place: place('London Shoreditch', 'London', '', 'GB'), type: 'SharedMailbox' },
  { name: 'Press Office', sam: 'press', primary: 'press', ou: OU.shared, department: 'Marketing', title: '', place: SEATTLE, type: 'SharedMailbox' },

  // Rooms and equipment: nobody logs in to these, so no password.
  ...(
    [
      ['Conf Room Rainier', 'conf-rainier', REDMOND],
      ['Conf Room Baker', 'conf-baker', REDMOND_B4],
      ['Conf Room Olympus', 'conf-olympus', SEATTLE],
      ['Conf Room Hood', 'conf-hood', place('Portland Pearl', 'Portland', 'OR', 'US')],
      ['Conf Room Thames', 'conf-thames', place('London Shoreditch', 'London', '', 'GB')],
      ['Conf Room Fuji', 'conf-fuji', place('Tokyo Marunouchi', 'Tokyo', '', 'JP')],
    ] as const
  ).map(
    ([name, sam, at]): Entry => ({
      name,
      sam,
      primary: sam,
      ou: OU.resources,
      department: '',
      title: '',
      place: at,
      type: 'RoomMailbox',
      password: null,
      ...(sam === 'conf-fuji' ? { pop: false, imap: false } : {}),
    }),
  ),
  ...(
    [
      ['Projector Redmond B2', 'eq-projector-b2', REDMOND],
      ['Pool Car 1 (Seattle)', 'eq-car1', SEATTLE],
      ['Demo Kit Toy Drones', 'eq-demo-drones', place('Dallas Uptown', 'Dallas', 'TX', 'US')],
      ['Video Camera Berlin', 'eq-camera-berlin', place('Berlin Mitte', 'Berlin', '', 'DE')],
    ] as const
  ).map(
    ([name, sam, at]): Entry => ({
      name,
      sam,
      primary: sam,
      ou: OU.resources,
      department: '',
      title: '',
      place: at,
      type: 'EquipmentMailbox',
      password: null,
    }),
  ),
];

// ---------------------------------------------------------------------------------------------
// Generated rows: ordinary staff so the directory has a realistic size. None of them is in WA
// engineering, none is called Rand*, and collisions with any identity above are rejected.
// ---------------------------------------------------------------------------------------------

const random = seededRandom(0x7a115917);
function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

const FIRST_NAMES = [
  'Aaron', 'Abigail', 'Adrian', 'Aisha', 'Alan', 'Alice', 'Amir', 'Ana', 'Andre', 'Anna', 'Arjun', 'Ava',
  'Beatrice', 'Ben', 'Bianca', 'Caleb', 'Carla', 'Carmen', 'Chloe', 'Clara', 'Colin', 'Dana', 'Daniel', 'Diego',
  'Elena', 'Eli', 'Emma', 'Ethan', 'Farah', 'Felix', 'Fiona', 'Gabriel', 'Hana', 'Harper', 'Hugo', 'Ian',
  'Isla', 'Ivan', 'Jack', 'Jana', 'Jonas', 'Julia', 'Kai', 'Karim', 'Kenji', 'Laura', 'Leo', 'Lila',
  'Lucas', 'Maya', 'Mateo', 'Mia', 'Nathan', 'Nina', 'Noah', 'Olivia', 'Omar', 'Paula', 'Peter', 'Rafael',
  'Rita', 'Ruben', 'Sara', 'Sean', 'Sofia', 'Stefan', 'Tara', 'Theo', 'Uma', 'Victor', 'Wendy', 'Yusuf',
] as const;
const LAST_NAMES = [
  'Abbott', 'Akhtar', 'Baker', 'Barros', 'Becker', 'Bell', 'Bianchi', 'Brooks', 'Castillo', 'Chen', 'Clarke', 'Cohen',
  'Costa', 'Dubois', 'Dunn', 'Eriksen', 'Evans', 'Fischer', 'Flores', 'Fraser', 'Garcia', 'Gupta', 'Hall', 'Hansen',
  'Hayes', 'Ito', 'Jensen', 'Joshi', 'Kaur', 'Keller', 'Khan', 'Kim', 'Klein', 'Lambert', 'Larsen', 'Lopez',
  'Marsh', 'Meyer', 'Moreau', 'Murphy', 'Nair', 'Novak', 'Okoro', 'Park', 'Patel', 'Perez', 'Quinn', 'Reyes',
  'Rossi', 'Sato', 'Schmidt', 'Shah', 'Silva', 'Singh', 'Suzuki', 'Tan', 'Torres', 'Vargas', 'Vogel', 'Walsh',
  'Weber', 'Wong', 'Young', 'Zhang',
] as const;

interface Generated {
  ou: string;
  count: number;
  departments: readonly string[];
  titles: readonly string[];
  places: readonly Place[];
}

const GENERATED: readonly Generated[] = [
  { ou: OU.it, count: 9, departments: ['IT'], titles: ['Systems Administrator', 'Network Engineer', 'Service Desk Analyst', 'Security Analyst'], places: [REDMOND, REDMOND_B4] },
  {
    ou: OU.naEngineering,
    count: 14,
    departments: ['Engineering', 'Engineering', 'Engineering QA'],
    titles: ['Software Engineer', 'Senior Software Engineer', 'Hardware Engineer', 'QA Engineer'],
    places: [place('Portland Pearl', 'Portland', 'OR', 'US'), place('Hillsboro Campus', 'Hillsboro', 'OR', 'US'), place('San Francisco SoMa', 'San Francisco', 'CA', 'US'), place('Irvine Spectrum', 'Irvine', 'CA', 'US')],
  },
  {
    ou: OU.platform,
    count: 6,
    departments: ['Engineering - Platform'],
    titles: ['Platform Engineer', 'Site Reliability Engineer'],
    places: [place('San Jose North', 'San Jose', 'CA', 'US'), place('Portland Pearl', 'Portland', 'OR', 'US')],
  },
  {
    ou: OU.naSales,
    count: 40,
    departments: ['Sales'],
    titles: ['Account Executive', 'Sales Representative', 'Inside Sales Representative', 'Channel Manager'],
    places: [place('Dallas Uptown', 'Dallas', 'TX', 'US'), CHICAGO, place('Boston Seaport', 'Boston', 'MA', 'US'), place('Denver LoDo', 'Denver', 'CO', 'US'), place('Atlanta Midtown', 'Atlanta', 'GA', 'US'), place('Toronto King West', 'Toronto', 'ON', 'CA')],
  },
  {
    ou: OU.euSales,
    count: 34,
    departments: ['Sales'],
    titles: ['Account Manager', 'Sales Representative', 'Channel Manager'],
    places: [place('London Shoreditch', 'London', '', 'GB'), place('Paris La Défense', 'Paris', '', 'FR'), place('Munich Schwabing', 'Munich', 'Bavaria', 'DE'), place('Madrid Salamanca', 'Madrid', '', 'ES'), place('Amsterdam Zuidas', 'Amsterdam', '', 'NL'), place('Milan Porta Nuova', 'Milan', '', 'IT')],
  },
  {
    ou: OU.euEngineering,
    count: 28,
    departments: ['Engineering', 'Engineering', 'Engineering QA'],
    titles: ['Software Engineer', 'Embedded Engineer', 'QA Engineer', 'Senior Software Engineer'],
    places: [place('Dublin Docklands', 'Dublin', '', 'IE'), place('Berlin Mitte', 'Berlin', '', 'DE'), place('Copenhagen Nordhavn', 'Copenhagen', '', 'DK'), place('Kraków Zabłocie', 'Kraków', '', 'PL')],
  },
  {
    ou: OU.apSupport,
    count: 34,
    departments: ['Support'],
    titles: ['Support Specialist', 'Support Engineer', 'Escalation Engineer'],
    // Perth is in WA too (Western Australia): StateOrProvince 'WA' without being Washington engineering.
    places: [place('Sydney Barangaroo', 'Sydney', 'NSW', 'AU'), place('Perth Central', 'Perth', 'WA', 'AU'), place('Singapore One-North', 'Singapore', '', 'SG'), place('Tokyo Marunouchi', 'Tokyo', '', 'JP'), place('Bengaluru Whitefield', 'Bengaluru', 'Karnataka', 'IN')],
  },
];

// ---------------------------------------------------------------------------------------------
// Assembly and checks
// ---------------------------------------------------------------------------------------------

type Row = Record<(typeof COLUMNS)[number], string>;

/**
 * Every string that identifies a mailbox (Name, Alias, SamAccountName, UPN, addresses), folded,
 * mapped to the index of its mailbox: a clash between two mailboxes is a bug in this script,
 * except for the one deliberate duplicate Name.
 */
const identityOwner = new Map<string, number>();
const DELIBERATE_DUPLICATE = 'chris green';

function identityKeys(entry: Entry): string[] {
  const alias = entry.alias ?? entry.sam;
  const addresses = [entry.primary ?? alias, ...(entry.secondary ?? [])].map((local) => `${local}@${DOMAIN}`);
  return [entry.name, alias, entry.sam, `${entry.sam}@${DOMAIN}`, ...addresses].map((key) => key.toLowerCase());
}

function clashes(entry: Entry, index: number): boolean {
  return identityKeys(entry).some((key) => {
    const owner = identityOwner.get(key);
    return owner !== undefined && owner !== index && key !== DELIBERATE_DUPLICATE;
  });
}

function claim(entry: Entry, index: number): void {
  if (clashes(entry, index)) throw new Error(`identity clash for ${entry.name}`);
  for (const key of identityKeys(entry)) identityOwner.set(key, index);
}

const entries: Entry[] = [];
for (const entry of HAND) {
  claim(entry, entries.length);
  entries.push(entry);
}

// Generated rows that start out with POP3 (or IMAP4) off, by position, so the counts are fixed.
const GENERATED_POP_OFF = new Set([7, 31, 58, 96, 140]);
const GENERATED_IMAP_OFF = new Set([77]);
const GENERATED_CONTRACTOR = new Set([120]);
let generatedIndex = 0;
for (const group of GENERATED) {
  for (let n = 0; n < group.count; n += 1) {
    let entry: Entry | undefined;
    for (let attempt = 0; attempt < 1000 && entry === undefined; attempt += 1) {
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const candidate: Entry = {
        name: `${first} ${last}`,
        sam: `${first[0] ?? ''}${last}`.toLowerCase().slice(0, 20),
        primary: `${first}.${last}`.toLowerCase(),
        ou: group.ou,
        department: pick(group.departments),
        title: pick(group.titles),
        place: pick(group.places),
      };
      candidate.secondary = [candidate.sam];
      if (!clashes(candidate, entries.length)) entry = candidate;
    }
    if (entry === undefined) throw new Error(`ran out of names for ${group.ou}`);
    // A few rows in the other spellings casctl's importer must accept.
    if (generatedIndex % 9 === 4) {
      entry.secondary = [];
      entry.addressStyle = 'bare';
    } else if (generatedIndex % 11 === 6) {
      entry.addressStyle = 'primary-last';
    }
    if (GENERATED_POP_OFF.has(generatedIndex)) entry.pop = false;
    if (GENERATED_IMAP_OFF.has(generatedIndex)) entry.imap = false;
    if (GENERATED_CONTRACTOR.has(generatedIndex)) entry.customAttribute1 = 'Contractor';
    claim(entry, entries.length);
    entries.push(entry);
    generatedIndex += 1;
  }
}

function emailAddresses(entry: Entry, primary: string): string {
  const secondary = (entry.secondary ?? []).map((local) => `${local}@${DOMAIN}`);
  switch (entry.addressStyle ?? 'prefixed') {
    case 'bare':
      if (secondary.length > 0) throw new Error(`${entry.name}: a bare address list holds only the primary`);
      return primary;
    case 'primary-last':
      return [...secondary.map((a) => `smtp:${a}`), `SMTP:${primary}`].join(';');
    case 'prefixed':
      return [`SMTP:${primary}`, ...secondary.map((a) => `smtp:${a}`)].join(';');
  }
}

function toRow(entry: Entry): Row {
  const alias = entry.alias ?? entry.sam;
  const primary = `${entry.primary ?? alias}@${DOMAIN}`;
  const type = entry.type ?? 'UserMailbox';
  const password = entry.password === undefined ? PASSWORD : (entry.password ?? '');
  return {
    Name: entry.name,
    Alias: alias,
    DisplayName: entry.displayName ?? entry.name,
    SamAccountName: entry.sam,
    UserPrincipalName: `${entry.sam}@${DOMAIN}`,
    PrimarySmtpAddress: primary,
    EmailAddresses: emailAddresses(entry, primary),
    OrganizationalUnit: `${DOMAIN}/${entry.ou}`,
    Department: entry.department,
    Title: entry.title,
    Company: COMPANY,
    Office: entry.place.office,
    City: entry.place.city,
    StateOrProvince: entry.place.state,
    CountryOrRegion: entry.place.country,
    CustomAttribute1: entry.customAttribute1 ?? '',
    RecipientTypeDetails: type,
    PopEnabled: entry.pop === false ? 'FALSE' : 'TRUE',
    ImapEnabled: entry.imap === false ? 'FALSE' : 'TRUE',
    Password: password,
  };
}

const rows = entries.map(toRow);

for (const row of rows) {
  if (row.SamAccountName.length > 20) throw new Error(`SamAccountName too long: ${row.SamAccountName}`);
  if (/[^\x20-\x7e]/.test(row.EmailAddresses + row.UserPrincipalName)) throw new Error(`non-ASCII address: ${row.Name}`);
  if (row.PrimarySmtpAddress !== row.PrimarySmtpAddress.toLowerCase()) throw new Error(`upper-case address: ${row.Name}`);
}

/** RFC 4180: quote only when needed, so both quoted and unquoted fields occur. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
const csv = [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((column) => csvField(row[column])).join(','))].join('\n') + '\n';

// ---------------------------------------------------------------------------------------------
// Identity files
// ---------------------------------------------------------------------------------------------

const ARTICLE_ADDRESSES = ['ebrunner', 'fapodaca', 'glaureano', 'hrim'].map((local) => `${local}@${DOMAIN}`);
const WINDOWS_LINES = [...ARTICLE_ADDRESSES, 'Zoë Müller'];
const windowsText = WINDOWS_LINES.map((line) => `${line}\r\n`).join('');

function utf16be(text: string): Buffer {
  // Node has no 'utf16be' Buffer encoding: encode little-endian, then swap each code unit.
  return Buffer.from(text, 'utf16le').swap16();
}

/** Every line is a case for the reader: see the expected table in identity-file.test.ts. */
const MESSY_LINES = [
  '# Accounts to disable for POP3 and IMAP4, change CHG-4471',
  '',
  '  ebrunner@tailspintoys.com',
  '\tfapodaca@tailspintoys.com \t ',
  '    # an indented comment is still a comment',
  'glaureano@tailspintoys.com\r', // one CRLF line in an LF file
  ' \t ',
  '\uFEFFhrim@tailspintoys.com', // a BOM left mid-file by concatenating two files
  '',
  'fapodaca@tailspintoys.com',
  'nobody@tailspintoys.com',
  '\u00A0Zoë Müller\u00A0',
  '#ebrunner@tailspintoys.com',
  'Rand Zaher', // last line without a line break
];

const FILES: ReadonlyArray<readonly [string, string | Buffer]> = [
  ['sample-directory.csv', csv],
  ['Accounts.txt', ARTICLE_ADDRESSES.map((a) => `${a}\n`).join('')],
  // What Windows PowerShell 5.1 `Get-Content ... > file` and `Out-File` write: UTF-16LE, BOM, CRLF.
  ['identity-files/accounts-utf16le.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(windowsText, 'utf16le')])],
  ['identity-files/accounts-utf16be.txt', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(windowsText)])],
  ['identity-files/accounts-utf8-bom-crlf.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(windowsText, 'utf8')])],
  ['identity-files/accounts-messy.txt', MESSY_LINES.join('\n')],
];

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
for (const [name, content] of FILES) {
  const path = join(fixtures, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

const byOu = new Map<string, number>();
for (const row of rows) byOu.set(row.OrganizationalUnit, (byOu.get(row.OrganizationalUnit) ?? 0) + 1);
process.stdout.write(`${rows.length} mailboxes\n`);
for (const [ou, count] of [...byOu].sort()) process.stdout.write(`  ${count}\t${ou}\n`);
