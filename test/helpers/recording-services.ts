import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './cli.js';

export interface RecordingServices {
  /** A configuration file without a preset: only the named services have commands. */
  config: string;
  /** What ran, one `<command> <service> [logins or address]` a line. */
  ran: () => string[];
  forget: () => void;
}

/**
 * Services whose every command is a script that only writes down that it ran. Each service has
 * commands of its own, so the log tells which were run.
 */
export function recordingServices(names: readonly string[]): RecordingServices {
  const dir = tempDir();
  const log = join(dir, 'ran.log');
  const script = join(dir, 'record.sh');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\n`);
  chmodSync(script, 0o755);
  const commands = Object.fromEntries(
    names.map((name) => [
      name,
      {
        restart: [script, 'restart', name],
        status: [script, 'status', name],
        flush: [script, 'flush', name, '{users}'],
        kick: [script, 'kick', name, '{user}'],
      },
    ]),
  );
  const config = join(dir, 'casctl.config.json');
  writeFileSync(config, JSON.stringify({ services: { commands } }));
  return {
    config,
    ran: () => (existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n') : []),
    forget: () => rmSync(log, { force: true }),
  };
}
