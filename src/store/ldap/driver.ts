import { UsageError } from '../../core/errors.js';
import { configValue } from '../../dovecot/config-value.js';
import type { StoreDriver } from '../store-driver.js';
import { parseLdapSection, resolveLdapSettings, type LdapConfigSection } from './settings.js';

/** An LDAP directory (OpenLDAP with casctl's schema); its `ldap` configuration section says how to bind. */
export const ldapDriver: StoreDriver<LdapConfigSection> = {
  name: 'ldap',
  schemes: ['ldap', 'ldaps'],
  urlForms: ["'ldap://host:port/<base DN>'", "'ldaps://host:port/<base DN>'"],
  configSection: { name: 'ldap', parse: (value, file) => parseLdapSection(value, file.path, file.directory) },
  resolveUrl: (url) => url,
  async open(url, options) {
    const settings = resolveLdapSettings(options.section, options.env, options.cwd);
    const { LdapStore } = await import('./ldap-store.js');
    const { create, now, progress, onNotice, readOnly, readUrl } = options;
    return LdapStore.open(url, settings, {
      create,
      now,
      onNotice,
      write: !readOnly,
      ...(progress === undefined ? {} : { progress }),
      ...(readOnly && readUrl !== undefined ? { readUrl } : {}),
    });
  },
  async dovecotConfig(request) {
    if (request.reason) throw new UsageError('--reason is for the SQLite store: the LDAP passdb cannot tell a refused client why.');
    const { startTls, caFile } = request.section ?? {};
    const { ldapAuthFiles } = await import('./ldap-auth-config.js');
    return ldapAuthFiles({
      version: request.version,
      storeUrl: configValue('The store URL', request.url),
      directory: request.directory,
      webmailNetworks: request.webmailNetworks,
      ...(startTls === undefined ? {} : { startTls }),
      ...(caFile === undefined ? {} : { caFile: configValue('The CA file', caFile) }),
    });
  },
};
