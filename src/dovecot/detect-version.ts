import { runCommand, type CommandRunner } from '../services/run-command.js';
import { DEFAULT_DOVECOT_VERSION, versionOf, type DovecotVersion } from './version.js';

export interface DetectedVersion {
  version: DovecotVersion;
  /** How it was found, for the admin: the command and what it printed, or why the default was taken. */
  how: string;
}

/**
 * The version of the Dovecot casctl's services reach (`dovecot --version` beside the configured
 * doveadm: in the container, chroot or host it runs on), else of a local `dovecot`, else 2.4.
 */
export async function detectDovecotVersion(versionCommand: readonly string[] | null, run: CommandRunner = runCommand): Promise<DetectedVersion> {
  const command = versionCommand ?? ['dovecot', '--version'];
  const shown = command.join(' ');
  try {
    const result = await run(command, 10_000);
    const printed = result.stdout.trim().split('\n')[0] ?? '';
    const version = result.exitCode === 0 ? versionOf(printed) : null;
    if (version !== null) return { version, how: `'${shown}' says ${printed}` };
    const why = result.exitCode === 0 ? `printed '${printed}'` : `failed with exit code ${result.exitCode}`;
    return { version: DEFAULT_DOVECOT_VERSION, how: `'${shown}' ${why}; assuming ${DEFAULT_DOVECOT_VERSION}` };
  } catch (error) {
    return { version: DEFAULT_DOVECOT_VERSION, how: `'${shown}' could not run (${(error as Error).message}); assuming ${DEFAULT_DOVECOT_VERSION}` };
  }
}
