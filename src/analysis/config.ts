/**
 * Analysis thresholds, each with its default and why. All of them are bound into the SQL in queries/ as named
 * parameters (the snake_case names in `analysisParameters`), never spliced into the text.
 */
export interface AnalysisConfig {
  /** A repeat is an episode that starts within this many hours of the previous one's end (same code, same
   * connector): 24 h, the "repeats within 24 h" — the same fault coming back the same day. */
  repeatWindowH: number;
  /** chronic: this many episodes of one code on one connector ... (3: once is chance, twice may be, three is a pattern) */
  chronicMinEpisodes: number;
  /** ... within any window of this many days (7: a week, so weekday/weekend usage patterns are both inside). */
  chronicWindowDays: number;
  /** A lock failure lasting this long (or still open this long) counts as a stuck lock: 15 min. A driver who
   * misplugged re-plugs or leaves within minutes; a cable held for a quarter of an hour needs help. */
  stuckMinDurationS: number;
  /** Driver misuse clears by itself within this many seconds: 5 min, the time to notice and re-plug. */
  misuseMaxDurationS: number;
  /** A lock failure this soon after an Authorize on the station counts as "at plug-in" even when the charger
   * sent no Preparing: 120 s, the usual connection timeout between authorizing and plugging in. */
  plugInWindowS: number;
  /** A lock failure raised this soon before its transaction's StopTransaction, and lasting past it, is one after the
   * stop: 60 s. A charger that fails to unlock at the end of a session may report the failure before it sends the
   * StopTransaction. */
  stopRaceS: number;
  /** A lock failure that ends within this many seconds after a Reset was cleared by it: 15 min covers a
   * reboot (typically 1-5 min) and the first StatusNotifications after the BootNotification. */
  resetClearS: number;
  /** A lock failure that ends within this many seconds after an UnlockConnector answered Unlocked was
   * freed by the unlock: 5 min, time for the driver to pull the cable and the charger to report. */
  unlockClearS: number;
  /** A transaction starting within this many seconds after a lock failure ends is named in its reason
   * ("a successful session often follows" misuse): 10 min. Evidence only; it does not change the class. */
  followingSessionS: number;
  /** A transaction with no StopTransaction in the data counts as running for at most this many hours after
   * its start (24 h): a lost stop must not make every later fault "during a transaction". */
  maxOpenTransactionH: number;
  /** mechanism_suspected: this many lock failures on one connector with no successful session started between
   * them (3, as the issue says; "no successful session between them" is the domain reference's hardware signal,
   * while a failed plug-in followed by a successful session is its driver-misuse one) ... */
  mechanismMinFailures: number;
  /** ... within this many days (7) ... */
  mechanismWindowDays: number;
  /** ... and at least this share of its plug-in attempts failing (0.5: at least half). */
  mechanismMinFailedShare: number;
  /** Also mechanism_suspected: this many stuck locks within mechanismWindowDays (3). A lock that sticks after
   * the session follows a successful session, so the failed-attempt share cannot see it. */
  mechanismMinStuckLocks: number;
  /** Observed commonality "Very Frequently": the code has at least this share of all episodes (0.20: with 15
   * codes an even spread is 6.7% each, so a fifth of everything is a dominant code, as the brief says
   * ConnectorLockFailure is). */
  veryFrequentShare: number;
  /** Observed "Frequent": at least this share (0.05: one episode in twenty); below it "Low". */
  frequentShare: number;
  /** Uptime: a station's heartbeat interval when no accepted BootNotification answer or ChangeConfiguration of
   * HeartbeatInterval says otherwise and it sent too few Heartbeats to tell its own spacing: 300 s, a common CSMS
   * default. */
  defaultHeartbeatIntervalS: number;
  /** Uptime: a station is offline when nothing came from it for longer than its heartbeat interval plus this
   * grace: 60 s. Receive times are the central system's clock, so this only absorbs network delay (a TCP retry or
   * a mobile-network hiccup) and the charger's timer drift; a heartbeat a minute late is not an outage. */
  offlineGraceS: number;
  /** Uptime target in percent: 97, the US NEVI rule (23 CFR 680.116) — a port must be above it. */
  uptimeTargetPct: number;
  /** Uptime: a station that has sent nothing for this many days before the window's end (7: a week is far past
   * any outage a technician would not have been sent to) is taken as silent — decommissioned, or its export
   * stopped — and its ports are left out of uptime and its alert; it is reported once, as station_silent, in the
   * window in which its silence reaches this length. */
  silentStationDays: number;
  /** Uptime: count Faulted time with errorCode EVCommunicationError as excluded minutes (NEVI excludes
   * vehicle-caused faults). Off: the log cannot tell a vehicle's fault from the charger's own communication
   * module, and a port that fails with every vehicle is the charger's problem. */
  uptimeExcludeEvCommunicationError: boolean;
  /** Alert when an error code's episodes rose by at least this share against the previous window (0.5: +50%) ... */
  alertRiseMinShare: number;
  /** ... and by at least this many episodes (10: small counts double by chance). */
  alertRiseMinEpisodes: number;
  /**
   * ... and only when the data covers at least this share of the previous window (0.5), whose episodes are then scaled
   * to the length the data covers of this one: a fleet whose export began mid-way through the previous window did not
   * raise fewer faults there, it was not yet seen.
   */
  alertRiseMinCoverage: number;
}

export const defaultAnalysisConfig: AnalysisConfig = {
  repeatWindowH: 24,
  chronicMinEpisodes: 3,
  chronicWindowDays: 7,
  stuckMinDurationS: 15 * 60,
  misuseMaxDurationS: 5 * 60,
  plugInWindowS: 120,
  stopRaceS: 60,
  resetClearS: 15 * 60,
  unlockClearS: 5 * 60,
  followingSessionS: 10 * 60,
  maxOpenTransactionH: 24,
  mechanismMinFailures: 3,
  mechanismWindowDays: 7,
  mechanismMinFailedShare: 0.5,
  mechanismMinStuckLocks: 3,
  veryFrequentShare: 0.2,
  frequentShare: 0.05,
  defaultHeartbeatIntervalS: 300,
  offlineGraceS: 60,
  uptimeTargetPct: 97,
  silentStationDays: 7,
  uptimeExcludeEvCommunicationError: false,
  alertRiseMinShare: 0.5,
  alertRiseMinEpisodes: 10,
  alertRiseMinCoverage: 0.5,
};

/** The thresholds under the parameter names the SQL uses. */
export function analysisParameters(config: AnalysisConfig): Record<string, number | boolean> {
  return {
    repeat_window_h: config.repeatWindowH,
    chronic_min_episodes: config.chronicMinEpisodes,
    chronic_window_days: config.chronicWindowDays,
    stuck_min_duration_s: config.stuckMinDurationS,
    misuse_max_duration_s: config.misuseMaxDurationS,
    plug_in_window_s: config.plugInWindowS,
    stop_race_s: config.stopRaceS,
    reset_clear_s: config.resetClearS,
    unlock_clear_s: config.unlockClearS,
    following_session_s: config.followingSessionS,
    max_open_transaction_h: config.maxOpenTransactionH,
    mechanism_min_failures: config.mechanismMinFailures,
    mechanism_window_days: config.mechanismWindowDays,
    mechanism_min_failed_share: config.mechanismMinFailedShare,
    mechanism_min_stuck_locks: config.mechanismMinStuckLocks,
    very_frequent_share: config.veryFrequentShare,
    frequent_share: config.frequentShare,
    default_heartbeat_interval_s: config.defaultHeartbeatIntervalS,
    offline_grace_s: config.offlineGraceS,
    uptime_target_pct: config.uptimeTargetPct,
    silent_station_days: config.silentStationDays,
    uptime_exclude_ev_communication_error: config.uptimeExcludeEvCommunicationError,
    alert_rise_min_share: config.alertRiseMinShare,
    alert_rise_min_episodes: config.alertRiseMinEpisodes,
    alert_rise_min_coverage: config.alertRiseMinCoverage,
  };
}
