import type { DirectoryStore } from '../store/directory-store.js';
import { ConfigError } from '../core/errors.js';
import { ServiceControl, type ServiceReport } from '../services/service-control.js';
import { readServiceSetup } from '../services/service-config.js';
import type { Service } from '../services/services.js';
import { chooseProperties, OUTPUT_FORMATS, parseOutputFormat, render, type View } from '../output/formats.js';
import { Messages } from '../output/messages.js';
import { useColour } from '../output/colour.js';
import type { CommandContext } from './context.js';
import { configFor, withStore, type GlobalOptions, type StoreUse } from './open.js';
import { commandRunner } from './verbose.js';

export interface ServiceOptions extends GlobalOptions {
  output: string;
  property?: string[];
  /** `--csv-raw`: csv without formula neutralisation. */
  csvRaw?: boolean;
}

/** Runs `work` with the configured services (validated first) and the store that tracks what they have seen. */
export async function withServices<T>(
  context: CommandContext,
  options: GlobalOptions,
  use: StoreUse,
  work: (control: ServiceControl, store: DirectoryStore) => Promise<T>,
): Promise<T> {
  const config = await configFor(context, options);
  const setup = readServiceSetup(config.services, config.path, config.dovecot.webmailNetworks);
  return withStore(context, options, (store) => work(new ServiceControl(setup, store, context.now, commandRunner(context, options)), store), use);
}

/**
 * The services a restart or refresh acts on. A service the configuration leaves out is an error
 * when named, and skipped with a warning when the command acts on all services.
 */
export function configuredServices(control: ServiceControl, services: readonly Service[], named: boolean, messages: Messages): Service[] {
  const { configured, unconfigured } = control.configuration(services);
  for (const { service, how } of unconfigured) {
    if (named) throw new ConfigError(`${service.Name} is not configured: ${how}.`);
    messages.warning(`Skipped ${service.Name}, which is not configured: ${how}.`);
  }
  return configured.map((c) => c.service);
}

const VIEW: View = {
  properties: ['Status', 'Name', 'Server', 'DisplayName', 'PendingChanges', 'PendingMailboxes', 'LastRefreshed', 'StatusMessage'],
  defaults: ['Status', 'Name', 'DisplayName', 'PendingChanges', 'PendingMailboxes', 'LastRefreshed', 'StatusMessage'],
  table: ['Status', 'Name', 'DisplayName', 'PendingChanges'],
  id: 'Name',
};

/** With several mail servers, each service shows once per server: the Server column tells them apart. */
const SERVERS_VIEW: View = {
  ...VIEW,
  defaults: ['Status', 'Name', 'Server', 'DisplayName', 'PendingChanges', 'PendingMailboxes', 'LastRefreshed', 'StatusMessage'],
  table: ['Status', 'Name', 'Server', 'DisplayName', 'PendingChanges'],
};

/** Get-Service's columns, plus whether the service has changes it has not made effective yet. */
export async function renderServices(context: CommandContext, options: ServiceOptions, reports: readonly ServiceReport[]): Promise<void> {
  const format = parseOutputFormat(options.output, OUTPUT_FORMATS);
  const view = reports.some((r) => r.server !== null) ? SERVERS_VIEW : VIEW;
  const properties = chooseProperties(view, format, options.property);
  const rows = reports.map((r) => ({
    Status: r.status,
    Name: r.service.Name,
    Server: r.server,
    DisplayName: r.service.DisplayName,
    PendingChanges: r.pending.length > 0,
    PendingMailboxes: new Set(r.pending.map((p) => p.PrimarySmtpAddress)).size,
    LastRefreshed: r.refreshedAt,
    StatusMessage: r.statusMessage,
  }));
  // The table has no room for it: why a service is not Running goes to stderr, once per distinct reason.
  const messages = new Messages(context.stderr, useColour(context.stderr, context.env));
  const reasons = new Map<string, string[]>();
  for (const r of reports) {
    const name = r.server === null ? r.service.Name : `${r.service.Name} on ${r.server}`;
    if (r.statusMessage !== null) reasons.set(r.statusMessage, [...(reasons.get(r.statusMessage) ?? []), name]);
  }
  const notConfigured = new Set(reports.filter((r) => r.status === 'NotConfigured').map((r) => r.statusMessage));
  for (const [reason, names] of reasons) {
    const state = notConfigured.has(reason) ? 'not configured' : 'not running';
    messages.warning(`${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} ${state}: ${reason}`);
  }
  await render(rows, context.stdout, { format, view, properties, colour: useColour(context.stdout, context.env), csvRaw: options.csvRaw });
}

/** Validates `-o` and `--property` before any command runs. */
export function checkServiceOutput(options: ServiceOptions): void {
  chooseProperties(VIEW, parseOutputFormat(options.output, OUTPUT_FORMATS), options.property);
}
