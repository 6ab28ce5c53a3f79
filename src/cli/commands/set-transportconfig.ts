import { BOOLEAN_SPELLINGS, parseBoolean } from '../../core/boolean.js';
import { UsageError } from '../../core/errors.js';
import { NULLABLE_PROTOCOLS } from '../../core/protocols.js';
import { useColour } from '../../output/colour.js';
import { Messages } from '../../output/messages.js';
import { servicesFor } from '../../services/services.js';
import type { CommandContext } from '../context.js';
import { withStore } from '../open.js';
import { makeEffectiveOn, restartSetup, type RestartOptions } from '../restart-option.js';
import { settingOption, settingOptionText } from '../setting-options.js';
import { runTransportChange, type TransportChangeOptions } from '../transport-config-change.js';

type SetTransportOptions = RestartOptions & TransportChangeOptions;

/**
 * Set-TransportConfig: the organisation default a mailbox whose nullable setting is $null follows
 * (`-SmtpClientAuthenticationDisabled $true` turns SMTP AUTH off for all of them). Exchange takes
 * $true or $false here, never $null.
 */
export async function run(context: CommandContext, options: SetTransportOptions): Promise<number> {
  const given = NULLABLE_PROTOCOLS.flatMap((protocol) => {
    const text = settingOptionText(options, protocol.property);
    if (text === undefined) return [];
    const value = parseBoolean(text);
    if (value === null) throw new UsageError(`--${settingOption(protocol.property)} takes ${BOOLEAN_SPELLINGS}, not '${text}' (the organisation default is never $null).`);
    return [{ protocol, value }];
  });
  const [wanted, ...more] = given;
  if (wanted === undefined) throw new UsageError(`Nothing to change: give ${NULLABLE_PROTOCOLS.map((p) => `--${settingOption(p.property)}`).join(' or ')}.`);
  if (more.length > 0) throw new UsageError('Set one organisation default at a time: each is a change of its own.');
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  const setup = await restartSetup(context, options);
  return withStore(context, options, async (store) => {
    const effect = await makeEffectiveOn(context, store, messages, setup, servicesFor([wanted.protocol]), options);
    const before = (await store.getTransportConfig())[wanted.protocol.property];
    return runTransportChange(context, store, messages, { property: wanted.protocol.property, before, after: wanted.value }, options, effect);
  }, 'write');
}
