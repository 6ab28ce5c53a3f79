/** The multi-valued attribute listing a mailbox's enabled protocols (recipes/openldap), by their values in protocol-values.ts. */
export const ENABLED_SERVICE_ATTRIBUTE = 'casEnabledService';
/** Marks the Administrator mailbox, which reads as disabled for every protocol (DESIGN.md §2). */
export const ADMINISTRATOR_ATTRIBUTE = 'casAdministrator';
