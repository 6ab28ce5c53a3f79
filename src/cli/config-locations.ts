import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where casctl looks for its configuration file, in order: loadConfig reads the first that
 * exists, get-config shows each, and help and the man page list them. Light on purpose (no
 * driver, no file system): `--help` derives its text from it.
 */
export interface ConfigLocation {
  /** How the admin writes the place: `--config <path>`, `$XDG_CONFIG_HOME/casctl/config.json`. */
  readonly name: string;
  /** One line for help and the man page. */
  readonly description: string;
  /**
   * Named: the admin named a file (--config, CASCTL_CONFIG), so its absence is an error and the
   * places after it are not looked at. Otherwise a place casctl looks at by default.
   */
  readonly named: boolean;
  /** The file this place means for a run, or undefined when it means none (the variable is unset). */
  path(sources: LocationSources): string | undefined;
}

export interface LocationSources {
  configOption: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const given = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/**
 * The XDG base directory specification: XDG_CONFIG_HOME, unless unset, empty or relative (which
 * the specification says to ignore), else $HOME/.config. HOME from the command's environment,
 * not the password database: `sudo -H` and containers set it; no HOME, no such place.
 */
export function xdgConfigHome(env: NodeJS.ProcessEnv): string | undefined {
  const configured = given(env.XDG_CONFIG_HOME);
  if (configured !== undefined && isAbsolute(configured)) return configured;
  const home = given(env.HOME);
  return home === undefined || !isAbsolute(home) ? undefined : join(home, '.config');
}

export const CONFIG_LOCATIONS: readonly ConfigLocation[] = [
  {
    name: '--config <path>',
    description: 'the file named on the command line',
    named: true,
    path: (s) => (given(s.configOption) === undefined ? undefined : resolve(s.cwd, s.configOption as string)),
  },
  {
    name: 'CASCTL_CONFIG',
    description: 'the file the environment variable names',
    named: true,
    path: (s) => (given(s.env.CASCTL_CONFIG) === undefined ? undefined : resolve(s.cwd, s.env.CASCTL_CONFIG as string)),
  },
  {
    name: './casctl.config.json',
    description: 'in the directory casctl runs in',
    named: false,
    path: (s) => resolve(s.cwd, 'casctl.config.json'),
  },
  {
    name: '$XDG_CONFIG_HOME/casctl/config.json',
    description: "the user's (~/.config/casctl/config.json when XDG_CONFIG_HOME is unset, empty or relative)",
    named: false,
    path: (s) => {
      const home = xdgConfigHome(s.env);
      return home === undefined ? undefined : join(home, 'casctl', 'config.json');
    },
  },
  {
    name: '/etc/casctl/config.json',
    description: "the system's",
    named: false,
    path: () => '/etc/casctl/config.json',
  },
];

/** `CASCTL_CONFIG, ./casctl.config.json, ...`: the places after --config, for help text. */
export const DEFAULT_CONFIG_PLACES = CONFIG_LOCATIONS.filter((l) => l.name !== '--config <path>').map((l) => l.name).join(', ');
