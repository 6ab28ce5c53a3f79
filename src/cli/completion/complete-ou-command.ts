/** The hidden command the completion scripts run for OU names (commands/complete-ou.ts). */
export const COMPLETE_OU_COMMAND = '__complete-ou';
