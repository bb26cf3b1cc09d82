/** The windows a nightly run reports on, by name, in milliseconds. */
export const nightlyWindows = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 } as const;
export type NightlyWindow = keyof typeof nightlyWindows;
