/**
 * Seeded synthetic fleet log in the ocpp-jsonl format: one {timestamp, chargeBoxId, direction,
 * message} object a line, sorted by timestamp across the whole fleet.
 *
 * Each station is a small simulation: a lifecycle actor (boot, station-wide faults, vendor
 * DataTransfer), a heartbeat actor and one actor per connector (sessions, lock failures, faults).
 * Actors are generators yielding the CALL they want to send and when; the station serialises them
 * (one exchange in flight at a time, as OCPP-J asks). The fleet advances in windows of simulated
 * time, and each window's messages are sorted by (time, station), so the file is in time order.
 *
 * Run: node dist/bench/generate.js --messages N --seed S --out FILE [--stations K] [--start ISO]
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface GenerateOptions {
  messages: number;
  seed: number;
  /** default: messages / 2000, at least 10 (about a day of traffic per station) */
  stations?: number;
  /** ISO time of the first boot; default 2026-03-02T00:00:00Z */
  start?: string;
  out: string;
}

export interface GenerateResult {
  messages: number;
  bytes: number;
  stations: number;
}

export const DEFAULT_START = '2026-03-02T00:00:00.000Z';
/** Bump whenever the output for a given seed changes, so the benchmark regenerates its cached files. */
export const GENERATOR_VERSION = 2;
const WINDOW_MESSAGES = 5000;
const PART_CHARS = 64 << 10;
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const HEARTBEAT_INTERVAL_S = 300;
const STATION_FAULT_MEAN_MS = 72 * HOUR;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: tiny and fast; plenty for synthetic data. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  u32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** integer in [lo, hi] */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  weighted<T>(table: WeightedTable<T>): T {
    let roll = this.next() * table.total;
    for (const [item, weight] of table.entries) {
      roll -= weight;
      if (roll < 0) return item;
    }
    return table.entries[table.entries.length - 1]![0];
  }

  /** exponentially distributed whole number with the given mean */
  exp(mean: number): number {
    return Math.round(-Math.log(1 - this.next()) * mean);
  }

  /** short unique-enough message id */
  id(): string {
    return this.u32().toString(36);
  }
}

interface WeightedTable<T> {
  entries: ReadonlyArray<readonly [T, number]>;
  total: number;
}

function weights<T>(entries: ReadonlyArray<readonly [T, number]>): WeightedTable<T> {
  return { entries, total: entries.reduce((sum, [, weight]) => sum + weight, 0) };
}

function stationSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Time. Simulation times are ms since midnight UTC of the start day: small integers, which V8
// stores unboxed (epoch ms would be a heap allocation wherever a time is stored).
// toISOString for every message was the generator's biggest cost, so only the date comes from
// Date, once a day.

const DAY = 86_400_000;
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

class TimeFormat {
  private cachedDay = Number.NaN;
  private cachedDatePrefix = '';

  constructor(private readonly originMs: number) {}

  iso(ms: number): string {
    const day = Math.floor(ms / DAY);
    if (day !== this.cachedDay) {
      this.cachedDay = day;
      this.cachedDatePrefix = new Date(this.originMs + day * DAY).toISOString().slice(0, 11);
    }
    let rest = ms - day * DAY;
    const hours = Math.floor(rest / HOUR);
    rest -= hours * HOUR;
    const minutes = Math.floor(rest / MINUTE);
    rest -= minutes * MINUTE;
    const seconds = Math.floor(rest / SECOND);
    return `${this.cachedDatePrefix}${PAD2[hours]}:${PAD2[minutes]}:${PAD2[seconds]}.${PAD3[rest - seconds * SECOND]}Z`;
  }

  /** A charger's own clock has second resolution in most payloads. */
  payload(ms: number): string {
    return this.iso(ms - (ms % SECOND));
  }
}

// ---------------------------------------------------------------------------------------------
// Fleet catalogue

type LockCodes = { vendorId: string; generic: string; misuse: string; stuck: string } | null;

interface Model {
  vendor: string;
  model: string;
  firmware: readonly string[];
  /** firmware versions with a lock-actuator bug: more stuck locks */
  buggyFirmware: readonly string[];
  maxKw: number;
  lockCodes: LockCodes;
  /** sends vendor DataTransfer messages the central system does not implement */
  sendsDataTransfer: boolean;
}

const MODELS: readonly Model[] = [
  {
    vendor: 'VoltNorth',
    model: 'VN-AC22',
    firmware: ['2.4.1', '2.5.0', '2.5.3'],
    buggyFirmware: ['2.4.1'],
    maxKw: 22,
    lockCodes: { vendorId: 'https://chargex.inl.gov', generic: 'CX001', misuse: 'CX020', stuck: 'CX025' },
    sendsDataTransfer: false,
  },
  {
    vendor: 'Amperia',
    model: 'Duo 11',
    firmware: ['1.9.8', '1.10.2'],
    buggyFirmware: [],
    maxKw: 11,
    lockCodes: null,
    sendsDataTransfer: true,
  },
  {
    vendor: 'Kilowatt Systems',
    model: 'KS-Twin',
    firmware: ['4.0.0', '4.1.7', '4.2.0'],
    buggyFirmware: ['4.1.7'],
    maxKw: 22,
    lockCodes: { vendorId: 'com.evgo.mrec', generic: 'A002', misuse: 'A001', stuck: 'A002' },
    sendsDataTransfer: false,
  },
  {
    vendor: 'Ohmega',
    model: 'OH-7',
    firmware: ['0.9.14', '1.0.3'],
    buggyFirmware: [],
    maxKw: 7.4,
    lockCodes: null,
    sendsDataTransfer: true,
  },
];

// Commonality from the operator article: ConnectorLockFailure very frequent (mostly from the
// session scenarios below), the "Frequent" codes weighted 10, the "Low" ones 1-2.
const CONNECTOR_FAULT_CODES = weights([
  ['ConnectorLockFailure', 8],
  ['GroundFailure', 10],
  ['OtherError', 10],
  ['OverCurrentFailure', 10],
  ['OverVoltage', 6],
  ['PowerMeterFailure', 10],
  ['HighTemperature', 2],
  ['InternalError', 2],
  ['PowerSwitchFailure', 2],
  ['UnderVoltage', 1],
  ['ResetFailure', 1],
] as const);

const STATION_FAULT_CODES = weights([
  ['OverVoltage', 8],
  ['OtherError', 4],
  ['GroundFailure', 4],
  ['InternalError', 1],
  ['UnderVoltage', 1],
  ['HighTemperature', 1],
  ['ReaderFailure', 1],
  ['WeakSignal', 1],
  ['LocalListConflict', 0.5],
] as const);

const MID_SESSION_FAULT_CODES = weights([
  ['OverCurrentFailure', 5],
  ['GroundFailure', 4],
  ['PowerMeterFailure', 2],
  ['PowerSwitchFailure', 1],
] as const);

const STOP_REASONS = weights([
  ['EVDisconnected', 50],
  ['Local', 35],
  ['Remote', 10],
  ['DeAuthorized', 2],
  ['EmergencyStop', 2],
  ['Other', 1],
] as const);

const FAULT_DURATION = weights([
  [[1 * MINUTE, 10 * MINUTE], 70],
  [[10 * MINUTE, 2 * HOUR], 25],
  [[2 * HOUR, 12 * HOUR], 5],
] as const);

// ---------------------------------------------------------------------------------------------
// Exchanges and actors

type Direction = 'in' | 'out';

/** One CALL a station actor wants to send at `at`, and the answer it gets. */
interface Exchange {
  at: number;
  direction: Direction;
  action: string;
  /** a builder defers the frequent, large payloads until the line is rendered (see Message) */
  payload: string | (() => string);
  /** CALLRESULT payload, or a builder when it carries the answer time */
  result: string | ((answerMs: number) => string);
  /** answer with a CALLERROR [code, description] instead */
  error?: readonly [string, string];
}

/** Yields exchanges; each yield resumes with the time of the answer. */
type Actor = Generator<Exchange, never, number>;
type Scenario = Generator<Exchange, number, number>;

interface Connector {
  id: number;
  meterWh: number;
  /** in use over [busyFrom, busyUntil): actors run an exchange ahead of the station, so a flag would be wrong */
  busyFrom: number;
  busyUntil: number;
}

function occupy(connector: Connector, at: number): void {
  connector.busyFrom = at;
  connector.busyUntil = Number.POSITIVE_INFINITY;
}

function release(connector: Connector, at: number): number {
  connector.busyUntil = at;
  return at;
}

function busyAt(connector: Connector, at: number): boolean {
  return connector.busyFrom <= at && at < connector.busyUntil;
}

interface StationProfile {
  model: Model;
  firmware: string;
  serial: string;
  /** multiplies every fault rate: a few stations are much worse than the rest */
  faultFactor: number;
  lockFactor: number;
  meanIdleMs: number;
}

interface StatusFields {
  connectorId: number;
  status: string;
  errorCode?: string;
  info?: string;
  vendorId?: string;
  vendorErrorCode?: string;
}

function statusPayload(time: TimeFormat, at: number, f: StatusFields): string {
  const info = f.info === undefined ? '' : `,"info":"${f.info}"`;
  const vendor = f.vendorId === undefined ? '' : `,"vendorId":"${f.vendorId}"`;
  const vendorCode = f.vendorErrorCode === undefined ? '' : `,"vendorErrorCode":"${f.vendorErrorCode}"`;
  return `{"connectorId":${f.connectorId},"errorCode":"${f.errorCode ?? 'NoError'}"${info},"status":"${f.status}","timestamp":"${time.payload(at)}"${vendor}${vendorCode}}`;
}

// ---------------------------------------------------------------------------------------------
// Messages and stations

/**
 * A line of the file, rendered only when its time window is collected: lines rendered far ahead
 * live long enough to leave the young GC generation, and with thousands of stations the GC then
 * dominates.
 */
interface Message {
  ms: number;
  station: number;
  /** rendered when the message's time window is collected */
  line: string;
  exchange: Exchange;
  uid: string;
  /** the answer of a CALL; null on answers */
  answer: Message | null;
  /** an answer whose CALL was cut off at the end of the file */
  dropped: boolean;
}

function opposite(direction: Direction): Direction {
  return direction === 'in' ? 'out' : 'in';
}

/** the OCPP-J array: CALL, CALLRESULT or CALLERROR */
function frame({ exchange, uid, ms, answer }: Message): string {
  if (answer !== null) {
    return `[2,"${uid}","${exchange.action}",${typeof exchange.payload === 'string' ? exchange.payload : exchange.payload()}]`;
  }
  if (exchange.error) return `[4,"${uid}","${exchange.error[0]}","${exchange.error[1]}",{}]`;
  return `[3,"${uid}",${typeof exchange.result === 'string' ? exchange.result : exchange.result(ms)}]`;
}

class Station {
  readonly rng: Rng;
  readonly connectors: Connector[];
  private clock: number;
  private lastTransactionId = 0;
  private readonly actors: Actor[];
  private readonly pending: Exchange[];
  private readonly queue: Message[] = [];
  private queueHead = 0;

  constructor(
    readonly index: number,
    readonly id: string,
    readonly profile: StationProfile,
    readonly startMs: number,
    readonly time: TimeFormat,
    rng: Rng,
  ) {
    this.rng = rng;
    this.clock = startMs;
    this.connectors = [1, 2].map((id) => ({ id, meterWh: rng.int(0, 5_000_000), busyFrom: 0, busyUntil: 0 }));
    this.actors = [lifecycleActor(this), heartbeatActor(this), ...this.connectors.map((c) => connectorActor(this, c))];
    this.pending = this.actors.map((actor) => actor.next(startMs).value);
  }

  /** moves this station's messages before `endMs` into `out`, rendered */
  collectUntil(endMs: number, out: Message[]): void {
    for (let message = this.peek(); message.ms < endMs; message = this.peek()) {
      message.line = this.render(message);
      out.push(message);
      this.queueHead++;
    }
  }

  /** the next message of this station, in time order */
  private peek(): Message {
    if (this.queueHead === this.queue.length) this.sendNextExchange();
    return this.queue[this.queueHead] as Message;
  }

  private render(message: Message): string {
    const direction = message.answer === null ? opposite(message.exchange.direction) : message.exchange.direction;
    return `{"timestamp":"${this.time.iso(message.ms)}","chargeBoxId":"${this.id}","direction":"${direction}","message":${frame(message)}}\n`;
  }

  nextTransactionId(): number {
    return ++this.lastTransactionId;
  }

  other(connector: Connector): Connector {
    return this.connectors[connector.id === 1 ? 1 : 0] as Connector;
  }

  private sendNextExchange(): void {
    let first = 0;
    for (let i = 1; i < this.pending.length; i++) if (this.pending[i]!.at < this.pending[first]!.at) first = i;
    const answerMs = this.send(this.pending[first] as Exchange);
    this.pending[first] = this.actors[first]!.next(answerMs).value;
  }

  /** queues the CALL and its answer; one exchange in flight at a time */
  private send(exchange: Exchange): number {
    const callMs = Math.max(exchange.at, this.clock);
    // answers mostly within tens of ms, a tail up to ~1 s
    const answerMs = callMs + 5 + Math.floor(this.rng.next() ** 4 * 995);
    this.clock = answerMs + 1;
    const uid = this.rng.id();
    const answer: Message = { ms: answerMs, station: this.index, line: '', exchange, uid, answer: null, dropped: false };
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    }
    this.queue.push({ ms: callMs, station: this.index, line: '', exchange, uid, answer, dropped: false }, answer);
    return answerMs;
  }

  // exchange builders used by the actors

  call(at: number, action: string, payload: Exchange['payload'], result: Exchange['result']): Exchange {
    return { at, direction: 'in', action, payload, result };
  }

  command(at: number, action: string, payload: string, result: string): Exchange {
    return { at, direction: 'out', action, payload, result };
  }

  status(at: number, fields: StatusFields): Exchange {
    return this.call(at, 'StatusNotification', () => statusPayload(this.time, at, fields), '{}');
  }

  boot(at: number): Exchange {
    const p = this.profile;
    return this.call(
      at,
      'BootNotification',
      `{"chargePointModel":"${p.model.model}","chargePointSerialNumber":"${p.serial}","chargePointVendor":"${p.model.vendor}","firmwareVersion":"${p.firmware}"}`,
      (answerMs) => `{"currentTime":"${this.time.iso(answerMs)}","interval":${HEARTBEAT_INTERVAL_S},"status":"Accepted"}`,
    );
  }

  lockCodeFields(kind: 'misuse' | 'stuck' | 'generic'): Pick<StatusFields, 'vendorId' | 'vendorErrorCode'> {
    const codes = this.profile.model.lockCodes;
    return codes ? { vendorId: codes.vendorId, vendorErrorCode: codes[kind] } : {};
  }
}

function stationProfile(rng: Rng): StationProfile {
  const model = rng.pick(MODELS);
  const firmware = rng.pick(model.firmware);
  const buggy = model.buggyFirmware.includes(firmware);
  return {
    model,
    firmware,
    serial: `${model.vendor.slice(0, 2).toUpperCase()}${rng.u32().toString(16).padStart(8, '0').toUpperCase()}`,
    faultFactor: 0.3 + 4 * rng.next() ** 3,
    lockFactor: (0.5 + rng.next()) * (buggy ? 3 : 1),
    meanIdleMs: (90 + rng.next() * 180) * MINUTE,
  };
}

// ---------------------------------------------------------------------------------------------
// Actors

function* lifecycleActor(st: Station): Actor {
  let t = yield st.boot(st.startMs);
  for (const connectorId of [0, 1, 2]) t = yield st.status(t + 200, { connectorId, status: 'Available' });
  let nextFault = t + st.rng.exp(STATION_FAULT_MEAN_MS / st.profile.faultFactor);
  let nextDataTransfer = st.profile.model.sendsDataTransfer ? t + st.rng.exp(6 * HOUR) : Infinity;
  for (;;) {
    if (nextFault < nextDataTransfer) {
      t = yield* stationWideFault(st, nextFault);
      nextFault = t + st.rng.exp(STATION_FAULT_MEAN_MS / st.profile.faultFactor);
    } else {
      t = yield vendorDataTransfer(st, nextDataTransfer);
      nextDataTransfer = t + st.rng.exp(6 * HOUR);
    }
  }
}

function vendorDataTransfer(st: Station, at: number): Exchange {
  return {
    ...st.call(at, 'DataTransfer', `{"vendorId":"${st.profile.model.vendor}","messageId":"diag","data":"{\\"t\\":${st.rng.int(30, 70)}}"}`, ''),
    error: ['NotImplemented', 'DataTransfer vendorId not supported'],
  };
}

function* stationWideFault(st: Station, at: number): Scenario {
  const errorCode = st.rng.weighted(STATION_FAULT_CODES);
  // a weak modem signal is reported without taking the station out of service
  const status = errorCode === 'WeakSignal' ? 'Available' : 'Faulted';
  const info = errorCode === 'OtherError' ? 'cabinet' : undefined;
  let t = yield st.status(at, { connectorId: 0, status, errorCode, info });
  t = yield st.status(t + faultDuration(st.rng), { connectorId: 0, status: 'Available' });
  return t;
}

function* heartbeatActor(st: Station): Actor {
  let t = st.startMs;
  for (;;) {
    yield st.call(t + HEARTBEAT_INTERVAL_S * SECOND, 'Heartbeat', '{}', (answerMs) => `{"currentTime":"${st.time.iso(answerMs)}"}`);
    t += HEARTBEAT_INTERVAL_S * SECOND;
  }
}

function* connectorActor(st: Station, connector: Connector): Actor {
  let t = st.startMs + st.rng.int(30, 600) * SECOND;
  for (;;) {
    t += st.rng.exp(st.profile.meanIdleMs);
    const roll = st.rng.next();
    if (roll < 0.08 * st.profile.lockFactor) {
      t = yield* lockMisuse(st, connector, t);
      if (st.rng.chance(0.6)) t = yield* chargingSession(st, connector, t + st.rng.int(30, 120) * SECOND);
    } else if (roll < 0.08 * st.profile.lockFactor + 0.04 * st.profile.faultFactor) {
      t = yield* connectorFault(st, connector, t);
    } else {
      t = yield* chargingSession(st, connector, t);
    }
  }
}

/** Cable half-inserted at plug-in: a short lock failure before any transaction, cleared by the driver. */
function* lockMisuse(st: Station, connector: Connector, at: number): Scenario {
  const connectorId = connector.id;
  occupy(connector, at);
  let t = yield st.status(at, { connectorId, status: 'Preparing' });
  t = yield st.status(t + st.rng.int(2, 15) * SECOND, {
    connectorId,
    status: 'Faulted',
    errorCode: 'ConnectorLockFailure',
    ...st.lockCodeFields('misuse'),
  });
  t = yield st.status(t + st.rng.int(60, 180) * SECOND, { connectorId, status: 'Available' });
  return release(connector, t);
}

function* connectorFault(st: Station, connector: Connector, at: number): Scenario {
  const connectorId = connector.id;
  const errorCode = st.rng.weighted(CONNECTOR_FAULT_CODES);
  const fields: StatusFields = {
    connectorId,
    status: 'Faulted',
    errorCode,
    ...(errorCode === 'OtherError' ? { info: 'see vendorErrorCode', vendorId: st.profile.model.vendor, vendorErrorCode: `E${st.rng.int(100, 140)}` } : {}),
    ...(errorCode === 'ConnectorLockFailure' ? st.lockCodeFields('generic') : {}),
  };
  const end = at + faultDuration(st.rng);
  occupy(connector, at);
  let t = yield st.status(at, fields);
  // some chargers re-send an unchanged Faulted notification every minute or two
  if (st.rng.chance(0.2)) {
    for (let repeats = st.rng.int(1, 3); repeats > 0 && t + 2 * MINUTE < end; repeats--) {
      t = yield st.status(t + st.rng.int(60, 120) * SECOND, fields);
    }
  }
  t = yield st.status(Math.max(end, t + SECOND), { connectorId, status: 'Available' });
  return release(connector, t);
}

function* chargingSession(st: Station, connector: Connector, at: number): Scenario {
  const { rng } = st;
  const connectorId = connector.id;
  occupy(connector, at);
  let t = yield st.status(at, { connectorId, status: 'Preparing' });
  const idTag = `RFID${(rng.u32() % 40_000).toString(16).toUpperCase().padStart(5, '0')}`;
  const accepted = rng.chance(0.97);
  t = yield st.call(t + rng.int(2, 20) * SECOND, 'Authorize', `{"idTag":"${idTag}"}`, `{"idTagInfo":{"status":"${accepted ? 'Accepted' : 'Invalid'}"}}`);
  if (!accepted) {
    t = yield st.status(t + rng.int(10, 60) * SECOND, { connectorId, status: 'Available' });
    return release(connector, t);
  }

  const transactionId = st.nextTransactionId();
  const startAt = t + rng.int(1, 5) * SECOND;
  t = yield st.call(
    startAt,
    'StartTransaction',
    `{"connectorId":${connectorId},"idTag":"${idTag}","meterStart":${connector.meterWh},"timestamp":"${st.time.payload(startAt)}"}`,
    `{"idTagInfo":{"status":"Accepted"},"transactionId":${transactionId}}`,
  );
  t = yield st.status(t + rng.int(1, 3) * SECOND, { connectorId, status: 'Charging' });
  const charged = yield* chargeWithMeterValues(st, connector, transactionId, t);
  t = charged.t;

  const stopAt = t + rng.int(5, 60) * SECOND;
  const reason = charged.faultCode ? 'Other' : rng.weighted(STOP_REASONS);
  t = yield st.call(
    stopAt,
    'StopTransaction',
    `{"idTag":"${idTag}","meterStop":${connector.meterWh},"reason":"${reason}","timestamp":"${st.time.payload(stopAt)}","transactionId":${transactionId}}`,
    '{"idTagInfo":{"status":"Accepted"}}',
  );
  if (charged.faultCode) {
    t = yield st.status(t + faultDuration(rng), { connectorId, status: 'Available' });
  } else {
    t = yield st.status(t + rng.int(1, 3) * SECOND, { connectorId, status: 'Finishing' });
    if (rng.chance(0.03 * st.profile.lockFactor)) t = yield* stuckLock(st, connector, t);
    else t = yield st.status(t + rng.int(10, 300) * SECOND, { connectorId, status: 'Available' });
  }
  return release(connector, t);
}

/** MeterValues every minute; sometimes an EV communication hiccup or a fault that ends the session. */
function* chargeWithMeterValues(st: Station, connector: Connector, transactionId: number, chargingAt: number): Generator<Exchange, { t: number; faultCode?: string }, number> {
  const { rng } = st;
  const connectorId = connector.id;
  const whPerMinute = Math.round((st.profile.model.maxKw * (0.4 + 0.6 * rng.next()) * 1000) / 60);
  const minutes = rng.int(10, 120);
  const hiccupAt = rng.chance(0.05) ? rng.int(2, minutes) : -1;
  const faultAt = rng.chance(0.01 * st.profile.faultFactor) ? rng.int(2, minutes) : -1;
  let t = chargingAt;
  for (let minute = 1; minute <= minutes; minute++) {
    const at = Math.max(chargingAt + minute * MINUTE, t + SECOND);
    connector.meterWh += whPerMinute;
    const meterWh = connector.meterWh;
    t = yield st.call(
      at,
      'MeterValues',
      () => `{"connectorId":${connectorId},"transactionId":${transactionId},"meterValue":[{"timestamp":"${st.time.payload(at)}","sampledValue":[{"value":"${meterWh}","measurand":"Energy.Active.Import.Register","unit":"Wh"}]}]}`,
      '{}',
    );
    if (minute === faultAt) {
      const errorCode = rng.weighted(MID_SESSION_FAULT_CODES);
      t = yield st.status(t + rng.int(1, 30) * SECOND, { connectorId, status: 'Faulted', errorCode });
      return { t, faultCode: errorCode };
    }
    if (minute === hiccupAt) {
      // an error that is not a fault: the spec puts EVCommunicationError with SuspendedEVSE
      t = yield st.status(t + rng.int(1, 30) * SECOND, { connectorId, status: 'SuspendedEVSE', errorCode: 'EVCommunicationError' });
      t = yield st.status(t + rng.int(20, 50) * SECOND, { connectorId, status: 'Charging' });
    }
  }
  return { t };
}

/** The lock will not release after the transaction: help desk tries UnlockConnector, then a Reset, else a technician. */
function* stuckLock(st: Station, connector: Connector, finishingAt: number): Scenario {
  const { rng } = st;
  const connectorId = connector.id;
  const fault: StatusFields = { connectorId, status: 'Faulted', errorCode: 'ConnectorLockFailure', ...st.lockCodeFields('stuck') };
  let t = yield st.status(finishingAt + rng.int(5, 60) * SECOND, fault);
  if (rng.chance(0.3)) t = yield st.status(t + rng.int(60, 120) * SECOND, fault);

  for (let attempt = 0; attempt < 2; attempt++) {
    const unlocked = rng.chance(attempt === 0 ? 0.35 : 0.2);
    t = yield st.command(t + rng.int(2, 15) * MINUTE, 'UnlockConnector', `{"connectorId":${connectorId}}`, `{"status":"${unlocked ? 'Unlocked' : 'UnlockFailed'}"}`);
    if (unlocked) return yield st.status(t + rng.int(5, 60) * SECOND, { connectorId, status: 'Available' });
    if (rng.chance(0.5)) break;
  }

  // a hard reset would end a session on the other connector, so the help desk only resets an idle station
  const resetAt = t + rng.int(1, 10) * MINUTE;
  if (!busyAt(st.other(connector), resetAt) && rng.chance(0.6)) {
    t = yield st.command(resetAt, 'Reset', '{"type":"Hard"}', '{"status":"Accepted"}');
    t = yield st.boot(t + rng.int(20, 90) * SECOND);
    t = yield st.status(t + 200, { connectorId: 0, status: 'Available' });
    if (rng.chance(0.7)) return yield st.status(t + 200, { connectorId, status: 'Available' });
    t = yield st.status(t + 200, fault);
  }
  return yield st.status(t + rng.int(1, 8) * HOUR, { connectorId, status: 'Available' });
}

function faultDuration(rng: Rng): number {
  const [lo, hi] = rng.weighted(FAULT_DURATION);
  return rng.int(lo, hi);
}

// ---------------------------------------------------------------------------------------------
// Fleet: stations advance window by window of simulated time; each window's messages are sorted

export function defaultStationCount(messages: number): number {
  return Math.max(10, Math.round(messages / 2000));
}

function buildFleet(seed: number, count: number, startMs: number, time: TimeFormat): Station[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, index) => {
    const rng = new Rng(stationSeed(seed, index));
    const profile = stationProfile(rng);
    const bootAt = startMs + rng.int(0, 600_000);
    return new Station(index, `CP-${String(index + 1).padStart(width, '0')}`, profile, bootAt, time, rng);
  });
}

/** A window holds about WINDOW_MESSAGES messages whatever the fleet size (a station sends ~2,000 a day). */
function windowMs(stations: number): number {
  const fleetMessagesPerMs = (stations * 2000) / (24 * HOUR);
  return Math.min(HOUR, Math.max(10 * SECOND, Math.round(WINDOW_MESSAGES / fleetMessagesPerMs)));
}

function byTimeThenStation(a: Message, b: Message): number {
  return a.ms - b.ms || a.station - b.station;
}

/**
 * Writes exactly `total` lines. Near the end, new CALLs are only sent while there is room for
 * their answers too, so every CALL is answered (with an odd total, the last line is a CALL).
 */
class FleetWriter {
  private written = 0;
  private awaitingAnswer = 0;
  private windowEnd: number;
  private readonly windowLength: number;

  constructor(
    private readonly stations: readonly Station[],
    private readonly total: number,
    startMs: number,
  ) {
    this.windowEnd = startMs;
    this.windowLength = windowMs(stations.length);
  }

  get done(): boolean {
    return this.written >= this.total;
  }

  /**
   * The lines of the next window of simulated time, in parts of about PART_CHARS: encoding one
   * long concatenated string costs far more than encoding it in small pieces.
   */
  nextWindow(): string[] {
    this.windowEnd += this.windowLength;
    const messages: Message[] = [];
    for (const station of this.stations) station.collectUntil(this.windowEnd, messages);
    messages.sort(byTimeThenStation);
    const parts: string[] = [];
    let part = '';
    for (const message of messages) {
      if (this.written >= this.total) break;
      if (!this.take(message)) continue;
      part += message.line;
      this.written++;
      if (part.length >= PART_CHARS) {
        parts.push(part);
        part = '';
      }
    }
    parts.push(part);
    return parts;
  }

  private take(message: Message): boolean {
    if (message.answer === null) {
      if (message.dropped) return false;
      this.awaitingAnswer--;
      return true;
    }
    const remaining = this.total - this.written;
    if (this.awaitingAnswer + 2 <= remaining) {
      this.awaitingAnswer++;
      return true;
    }
    message.answer.dropped = true;
    return remaining === 1 && this.awaitingAnswer === 0;
  }
}

export async function generateFleet(options: GenerateOptions): Promise<GenerateResult> {
  const total = Math.floor(options.messages);
  if (!Number.isFinite(total) || total < 0) throw new Error(`messages must be a non-negative integer, got ${options.messages}`);
  const stationCount = options.stations ?? defaultStationCount(total);
  const startEpochMs = Date.parse(options.start ?? DEFAULT_START);
  if (Number.isNaN(startEpochMs)) throw new Error(`start is not an ISO time: ${options.start}`);
  const originMs = startEpochMs - (startEpochMs % DAY);
  const startMs = startEpochMs - originMs;
  const stations = buildFleet(options.seed, stationCount, startMs, new TimeFormat(originMs));

  const writer = new FleetWriter(stations, total, startMs);
  await mkdir(dirname(resolve(options.out)), { recursive: true });
  const stream = createWriteStream(options.out);
  const closed = once(stream, 'close');
  let bytes = 0;
  while (!writer.done) {
    const chunk = Buffer.concat(writer.nextWindow().map((part) => Buffer.from(part, 'utf8')));
    bytes += chunk.length;
    if (!stream.write(chunk)) await once(stream, 'drain');
  }
  stream.end();
  await closed;
  return { messages: total, bytes, stations: stationCount };
}

// ---------------------------------------------------------------------------------------------
// Command line

async function runFromCommandLine(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      stations: { type: 'string' },
      start: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const usage = 'usage: node dist/bench/generate.js --out FILE [--messages N (default 1000000)] [--seed S (default 1)] [--stations K] [--start ISO]';
  if (values.help) {
    process.stdout.write(`${usage}\nWrites a seeded synthetic fleet log (JSON lines) to FILE and prints what it wrote as one JSON line.\n`);
    return;
  }
  if (!values.out) throw new Error(usage);
  const started = performance.now();
  const result = await generateFleet({
    messages: Number(values.messages),
    seed: Number(values.seed),
    stations: values.stations === undefined ? undefined : Number(values.stations),
    start: values.start,
    out: values.out,
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ ...result, out: values.out, seconds: Number(seconds.toFixed(3)) })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  runFromCommandLine().catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
