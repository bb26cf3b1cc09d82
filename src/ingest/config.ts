/** Ingest thresholds, with their defaults and why. All of them are bound into SQL as parameters. */
export interface IngestConfig {
  /**
   * A payload time this far before receipt still counts as the time of the status: chargers queue
   * messages while offline and replay them on reconnect, and the queued time is the true one.
   * 7 days covers a long outage; older times are more likely a clock reset.
   */
  maxReplayAgeS: number;
  /** A payload time ahead of receipt by more than this is a drifting clock (5 min: beyond NTP-less drift). */
  maxClockAheadS: number;
  /** Payload and receive time further apart than this are flagged as a data-quality finding (15 min). */
  timeSkewFlagS: number;
  /** An answer to a central-system command later than this counts as no answer (OCPP-J default timeouts are ~30–60 s; 5 min is generous). */
  answerTimeoutS: number;
  /** An answer pairs with a CALL sent at most this long before it (1 h: far beyond any OCPP-J timeout). */
  pairLookbackS: number;
  /**
   * An answer a piece has no CALL for looks this far back among stored CALLs while the piece is stored (5 min: an
   * answer comes within seconds of its CALL); one whose CALL is older is paired by the pass after the last file,
   * which looks back pairLookbackS. Keeps each piece's look at stored messages to minutes, not an hour.
   */
  pieceLookbackS: number;
  /** Raw text of a rejected line is kept up to this many characters. */
  rejectRawChars: number;
  /** DuckDB memory limit during ingest; keeps peak RSS under 1 GB on 10M-message files. */
  memoryLimit: string;
  /**
   * Files larger than 1.5 pieces (gzip: an eighth of a piece compressed) are staged in pieces of about this many
   * bytes: staging tables stay this size, so memory is bounded and cost grows linearly with the input.
   */
  pieceBytes: number;
  /**
   * JSON-lines files whose every line is a plain {timestamp, chargeBoxId, direction, message} object are read by
   * DuckDB's JSON reader in one pass, several times faster than line by line; false sends every file down the
   * line-by-line path (the tests compare the two).
   */
  readJsonDirectly: boolean;
  /**
   * Small files of the line-based formats (frames-csv, status-csv, steve-log) of one CSV layout are written into one
   * piece and staged together, as small JSON-lines files are read together; false stages each alone (the tests
   * compare the two).
   */
  batchLineFiles: boolean;
  /**
   * A file whose stat an earlier run kept is not read again while its stat is unchanged, provided it had last
   * changed (modification and change time) this long before that run listed it: times tick coarsely (a few ms;
   * 2 s on FAT), so a file changed just before could change again, at the same size, within the same tick.
   */
  statSettleMs: number;
}

export const defaultIngestConfig: IngestConfig = {
  maxReplayAgeS: 7 * 24 * 3600,
  maxClockAheadS: 5 * 60,
  timeSkewFlagS: 15 * 60,
  answerTimeoutS: 5 * 60,
  pairLookbackS: 3600,
  pieceLookbackS: 5 * 60,
  rejectRawChars: 500,
  memoryLimit: '384MB',
  pieceBytes: 128 * 1024 * 1024,
  readJsonDirectly: true,
  batchLineFiles: true,
  statSettleMs: 3000,
};
