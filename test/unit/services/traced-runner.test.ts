import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tracedRunner, type CommandRunner } from '../../../src/services/run-command.js';

test('a traced runner shows each argv as the admin would type it (quoted where the shell needs it), never its stdin', async () => {
  const ran: string[][] = [];
  const runner: CommandRunner = async (argv) => {
    ran.push([...argv]);
    return { exitCode: 0, stdout: '', stderr: '' };
  };
  const lines: string[] = [];
  const traced = tracedRunner(runner, (kind, text) => lines.push(`${kind}: ${text}`));
  await traced(['doveadm', '-c', '/etc/dovecot/dovecot.conf', 'auth', 'cache', 'flush', '--', 'kim@example.com'], 1000);
  await traced(['doveadm', 'kick', '-F', '-'], 1000, 'rand@example.com\nkim@example.com\n');
  await traced(['sh', '-c', "echo 'it''s'"], 1000);
  assert.deepEqual(lines, [
    'run: doveadm -c /etc/dovecot/dovecot.conf auth cache flush -- kim@example.com',
    'run: doveadm kick -F -',
    `run: sh -c 'echo '\\''it'\\'''\\''s'\\'''`,
  ]);
  assert.equal(ran.length, 3, 'every command still runs');
});
