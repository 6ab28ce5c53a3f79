import assert from 'node:assert/strict';
import type { MailServer, ServiceSetup } from '../../src/services/service-config.js';
import type { ServerRefresh } from '../../src/services/service-control.js';
import type { RefreshResult } from '../../src/services/run-refresh.js';

/** The one mail server of a single-server setup. */
export function onlyServer(setup: ServiceSetup): MailServer {
  assert.equal(setup.servers.length, 1, 'a single-server setup');
  return setup.servers[0] as MailServer;
}

/** What a refresh did on the one mail server of a single-server setup. */
export function onlyRefresh(refreshes: readonly ServerRefresh[]): RefreshResult {
  assert.equal(refreshes.length, 1, 'one mail server refreshed');
  return (refreshes[0] as ServerRefresh).result;
}
