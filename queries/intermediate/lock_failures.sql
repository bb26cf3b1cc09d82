-- Grain: one row per lock-failure episode in the analysis window (a ConnectorLockFailure episode, or an episode
-- whose vendor code labels a lock failure), with the evidence around it and its classification:
-- stuck_lock | driver_misuse | undetermined, and a one-line reason for a support agent.
-- The classification looks at the whole episode (full duration, commands until it ended), not at the window cut.
-- Reads the temp tables episodes and status_changes. Parameters: $plug_in_window_s, $stop_race_s, $stuck_min_duration_s,
-- $misuse_max_duration_s, $reset_clear_s, $unlock_clear_s, $following_session_s.
with vendor_codes (vendor, code_pattern, code_alone, lock_code, signal, label) as (
    -- vendor error codes that say what kind of lock failure it is (ChargeX and EVgo MREC code lists)
    values
        ('chargex', 'CX001', true, true, null, 'connector lock failure'),
        ('chargex', 'CX020', true, true, 'user', 'partial insertion, a driver issue'),
        ('chargex', 'CX025', true, true, 'hardware', 'broken latch, a hardware fault'),
        ('evgo', 'A001', false, true, 'user', 'partial insertion, a driver issue'),
        ('evgo', 'A002', false, true, 'user', 'failed vehicle lock, a driver issue'),
        ('evgo', 'F%', false, false, 'hardware', 'EVgo hardware/safety fault')
),
episode_vendor_codes as (
    -- the vendor codes of every notification of each episode, not only its first: a charger that reports OtherError
    -- may name the fault only in a repeat (CX001, then CX025 when it found the latch broken)
    select e.station_id, e.connector_id, e.started_at, n.vendor_id, n.vendor_error_code, min(n.effective_at) as first_at
    from episodes e
    join status_notifications n
        on n.station_id = e.station_id
        and n.connector_id = e.connector_id
        and n.effective_at >= e.started_at
        and n.effective_at < coalesce(e.ended_at, 'infinity'::timestamptz)
    where n.vendor_error_code is not null and n.error_code is not distinct from e.error_code
    group by e.station_id, e.connector_id, e.started_at, n.vendor_id, n.vendor_error_code
),
vendor_matches as (
    -- per episode, what its vendor codes say: whether one names a lock failure, and which side they speak for
    select
        c.station_id,
        c.connector_id,
        c.started_at,
        bool_or(v.lock_code) as vendor_lock_code,
        case
            when bool_or(v.signal = 'hardware') and bool_or(v.signal = 'user') then 'conflicting'
            when bool_or(v.signal = 'hardware') then 'hardware'
            when bool_or(v.signal = 'user') then 'user'
        end as vendor_signal,
        count(*) filter (where v.signal is not null) as signal_codes,
        string_agg(format('{} ({})', trim(c.vendor_error_code), v.label), ', ' order by c.first_at) filter (where v.signal is not null) as vendor_label
    from episode_vendor_codes c
    join vendor_codes v
        on upper(trim(c.vendor_error_code)) like v.code_pattern
        and (v.code_alone or lower(coalesce(c.vendor_id, '')) like '%' || v.vendor || '%')
    group by c.station_id, c.connector_id, c.started_at
),
coded as (
    -- every episode with what its vendor codes say, if anything
    select
        e.*,
        m.vendor_lock_code,
        m.vendor_signal,
        m.signal_codes,
        m.vendor_label
    from episodes e
    left join vendor_matches m
        on m.station_id = e.station_id and m.connector_id = e.connector_id and m.started_at = e.started_at
),
lock_episodes as (
    -- lock failures: the OCPP code, or a vendor code that names one
    select *
    from coded
    where error_code = 'ConnectorLockFailure' or coalesce(vendor_lock_code, false)
),
available_changes as (
    -- when each connector became Available (the cable was out)
    select station_id, connector_id, changed_at
    from status_changes
    where status = 'Available'
),
authorizations as (
    -- Authorize requests from the stations
    select station_id, received_at
    from messages
    where message_type = 2 and action = 'Authorize'
),
with_context as (
    -- the last Available and the last Authorize before each lock failure
    select l.*, a.changed_at as last_available_at, z.received_at as last_authorized_at
    from lock_episodes l
    asof left join available_changes a
        on a.station_id = l.station_id and a.connector_id = l.connector_id and a.changed_at <= l.started_at
    asof left join authorizations z
        on z.station_id = l.station_id and z.received_at <= l.started_at
),
commands as (
    -- central-system commands while each lock failure lasted: unlocks of its connector, resets of its station,
    -- and other commands that could have cleared it; and an unlock under way when it was raised (requested before,
    -- answered after: the charger raises the failure of that very unlock)
    select
        l.station_id,
        l.connector_id,
        l.started_at,
        c.action,
        c.requested_at,
        c.outcome
    from lock_episodes l
    join remote_commands c
        on c.station_id = l.station_id
        and c.requested_at <= coalesce(l.ended_at, 'infinity'::timestamptz)
    where (c.requested_at >= l.started_at or (c.action = 'UnlockConnector' and c.answered_at >= l.started_at))
        and ((c.action = 'UnlockConnector' and c.connector_id = l.connector_id)
        or c.action = 'Reset'
        or (c.action in ('ChangeAvailability', 'RemoteStopTransaction') and (c.connector_id is null or c.connector_id in (0, l.connector_id))))
),
command_summary as (
    -- unlock and reset attempts and their outcomes per lock failure
    select
        station_id,
        connector_id,
        started_at,
        count(*) filter (where action = 'UnlockConnector') as unlock_attempts,
        string_agg(outcome, ', ' order by requested_at) filter (where action = 'UnlockConnector') as unlock_outcomes,
        arg_max(outcome, requested_at) filter (where action = 'UnlockConnector') as unlock_result,
        coalesce(bool_or(outcome = 'UnlockFailed') filter (where action = 'UnlockConnector'), false) as unlock_failed,
        min(requested_at) filter (where action = 'UnlockConnector') as first_unlock_at,
        max(requested_at) filter (where action = 'UnlockConnector' and outcome = 'Unlocked') as last_unlocked_at,
        count(*) filter (where action = 'Reset') as reset_attempts,
        string_agg(outcome, ', ' order by requested_at) filter (where action = 'Reset') as reset_outcomes,
        max(requested_at) filter (where action = 'Reset' and outcome not in ('Rejected', 'CALLERROR')) as last_reset_at,
        count(*) as remote_commands,
        min(requested_at) as first_command_at
    from commands
    group by station_id, connector_id, started_at
),
known_starts as (
    -- transactions whose start and connector are known
    select station_id, connector_id, transaction_id, started_at
    from transactions
    where connector_id is not null and started_at is not null
),
authorize_taken as (
    -- lock failures whose last Authorize a transaction on another connector of the station took up before them: an
    -- Authorize names no connector, and that one was the other driver's
    select distinct l.station_id, l.connector_id, l.started_at
    from with_context l
    join known_starts s
        on s.station_id = l.station_id
        and s.connector_id <> l.connector_id
        and s.started_at >= l.last_authorized_at
        and s.started_at <= l.started_at
),
with_commands as (
    -- each lock failure with its commands and the next transaction started on the connector after it ended
    select
        l.*,
        t.station_id is not null as authorize_taken_elsewhere,
        coalesce(s.unlock_attempts, 0) as unlock_attempts,
        s.unlock_outcomes,
        s.unlock_result,
        coalesce(s.unlock_failed, false) as unlock_failed,
        s.first_unlock_at,
        s.last_unlocked_at,
        coalesce(s.reset_attempts, 0) as reset_attempts,
        s.reset_outcomes,
        s.last_reset_at,
        coalesce(s.remote_commands, 0) as remote_commands,
        s.first_command_at,
        n.transaction_id as next_transaction_id,
        n.started_at as next_transaction_started_at
    from with_context l
    left join command_summary s
        on s.station_id = l.station_id and s.connector_id = l.connector_id and s.started_at = l.started_at
    asof left join known_starts n
        on n.station_id = l.station_id and n.connector_id = l.connector_id and n.started_at >= l.ended_at
    left join authorize_taken t
        on t.station_id = l.station_id and t.connector_id = l.connector_id and t.started_at = l.started_at
),
raced as (
    -- a failure raised during a transaction that stopped within $stop_race_s after it, while it lasted: the charger
    -- failed to unlock at the end of the session and reported that before its StopTransaction
    select w.*, t.stopped_at as race_stopped_at
    from with_commands w
    left join transactions t
        on w.transaction_running
        and t.station_id = w.station_id
        and t.connector_id = w.connector_id
        and t.transaction_id = w.transaction_id
        and t.started_at = w.transaction_started_at
        and t.stopped_at >= w.started_at
        and t.stopped_at <= w.started_at + to_seconds(cast($stop_race_s as double))
        and t.stopped_at < coalesce(w.ended_at, 'infinity'::timestamptz)
),
stop_raced as (
    -- such a failure is after the stop, not during the transaction
    select
        * exclude (transaction_running, last_stopped_at, last_stopped_transaction_id, race_stopped_at),
        transaction_running and race_stopped_at is null as transaction_running,
        coalesce(race_stopped_at, last_stopped_at) as last_stopped_at,
        case when race_stopped_at is not null then transaction_id else last_stopped_transaction_id end as last_stopped_transaction_id
    from raced
),
contexts as (
    -- when the cable was last known to stay in after a stop (Finishing, or a StopTransaction with no Available since)
    -- and when it was last plugged in (Preparing)
    select
        *,
        greatest(
            case when status = 'Finishing' then status_started_at end,
            case when status_before = 'Finishing' then status_before_since end,
            case when not transaction_running and (last_available_at is null or last_available_at < last_stopped_at) then last_stopped_at end
        ) as stopped_context_at,
        case
            when status = 'Preparing' then status_started_at
            when status_before = 'Preparing' then status_before_since
        end as preparing_at
    from stop_raced
),
signals as (
    -- the evidence, one flag each. A stop after a Preparing ended the session that plug-in began: the failure is
    -- after the stop alone. A Preparing after the stop with the cable never seen out (Finishing straight to
    -- Preparing: a driver starting again, or presenting the card to free a stuck cable; or an Available lost) is
    -- both, which conflict. An Authorize never makes a plug-in after a stop: a driver presents the card again to free
    -- a cable that stays locked
    select
        *,
        stopped_context_at is not null as after_stop,
        coalesce(not transaction_running
            and (preparing_at > stopped_context_at
                or (stopped_context_at is null
                    and (preparing_at is not null
                        or (epoch(started_at) - epoch(last_authorized_at) <= $plug_in_window_s and not authorize_taken_elsewhere)))), false) as at_plug_in,
        coalesce(preparing_at, last_authorized_at) as plug_in_at,
        full_duration_s >= $stuck_min_duration_s as long_lasting,
        coalesce(not open and epoch(ended_at) - epoch(last_reset_at) <= $reset_clear_s, false) as reset_cleared,
        coalesce(not open and epoch(ended_at) - epoch(last_unlocked_at) <= $unlock_clear_s, false) as unlock_freed,
        not open and full_duration_s <= $misuse_max_duration_s as cleared_quickly
    from contexts
),
weighed as (
    -- strong evidence for each side
    select
        *,
        after_stop or unlock_failed or reset_cleared or coalesce(vendor_signal in ('hardware', 'conflicting'), false) as stuck_evidence,
        at_plug_in and cleared_quickly and remote_commands = 0 as misuse_pattern,
        coalesce(vendor_signal in ('user', 'conflicting'), false) as user_code
    from signals
),
classified as (
    -- the verdict: strong stuck evidence wins unless the other side has strong evidence too
    select
        *,
        case
            when stuck_evidence and (user_code or misuse_pattern) then 'undetermined'
            when stuck_evidence then 'stuck_lock'
            when user_code or misuse_pattern then 'driver_misuse'
            when long_lasting and at_plug_in then 'undetermined'
            when long_lasting then 'stuck_lock'
            else 'undetermined'
        end as classification
    from weighed
),
explained as (
    -- the reason, in words a support agent understands
    select
        *,
        case
            when after_stop and at_plug_in then
                case when last_stopped_at is null
                    then format('raised {} after plug-in straight from Finishing, the cable not seen out', human_duration(epoch(started_at) - epoch(plug_in_at)))
                    else format('raised {} after plug-in, the cable not seen out since transaction {} stopped {} before', human_duration(epoch(started_at) - epoch(plug_in_at)),
                        coalesce(cast(last_stopped_transaction_id as varchar), '?'), human_duration(epoch(started_at) - epoch(last_stopped_at)))
                end
            when after_stop and last_stopped_at > started_at then
                format('raised {} before transaction {} stopped, cable not yet removed', human_duration(epoch(last_stopped_at) - epoch(started_at)), coalesce(cast(last_stopped_transaction_id as varchar), '?'))
            when after_stop and last_stopped_at is not null then
                format('raised {} after transaction {} stopped, cable not yet removed', human_duration(epoch(started_at) - epoch(last_stopped_at)), coalesce(cast(last_stopped_transaction_id as varchar), '?'))
            when after_stop then 'raised while Finishing, cable not yet removed'
            when transaction_running then format('raised during transaction {}', coalesce(cast(transaction_id as varchar), '?'))
            when at_plug_in and (status = 'Preparing' or status_before = 'Preparing') then
                format('raised {} after plug-in, no transaction running', human_duration(epoch(started_at) - epoch(plug_in_at)))
            when at_plug_in then format('raised {} after an Authorize, no transaction running', human_duration(epoch(started_at) - epoch(plug_in_at)))
            else format('raised with no plug-in or transaction context (status before: {})', coalesce(status_before, 'none'))
        end as context_text,
        case when vendor_signal is not null then
            case when signal_codes = 1 then 'vendor code ' else 'vendor codes ' end || vendor_label
        end as vendor_text,
        case
            when unlock_attempts = 1 then format('remote unlock: {}', unlock_outcomes)
            when unlock_attempts > 1 then format('{} remote unlocks: {}', unlock_attempts, unlock_outcomes)
        end as unlock_text,
        case
            when reset_cleared then format('cleared {} after a Reset', human_duration(epoch(ended_at) - epoch(last_reset_at)))
            when reset_attempts > 0 then format('Reset sent ({}), did not clear it', reset_outcomes)
        end as reset_text,
        case
            when open then format('still open after {}', human_duration(full_duration_s))
            when reset_cleared then format('lasted {}', human_duration(full_duration_s))
            when unlock_freed then format('cleared {} after the unlock ({} in all)', human_duration(epoch(ended_at) - epoch(last_unlocked_at)), human_duration(full_duration_s))
            when remote_commands = 0 then format('cleared by itself after {}', human_duration(full_duration_s))
            else format('cleared after {}', human_duration(full_duration_s))
        end as clear_text,
        case when epoch(next_transaction_started_at) - epoch(ended_at) <= $following_session_s then
            format('transaction {} started {} later', coalesce(cast(next_transaction_id as varchar), '?'), human_duration(epoch(next_transaction_started_at) - epoch(ended_at)))
        end as session_text,
        case
            when classification = 'stuck_lock' and not stuck_evidence then format('{} or longer counts as a stuck lock', human_duration($stuck_min_duration_s))
        end as rule_text,
        case
            when classification <> 'undetermined' then ''
            when stuck_evidence or long_lasting and at_plug_in then 'conflicting evidence: '
            when open then 'too early to tell: '
            else 'not enough evidence: '
        end as prefix
    from classified
)
select
    station_id,
    connector_id,
    started_at,
    ended_at,
    duration_s,
    classification,
    prefix || concat_ws('; ', context_text, vendor_text, unlock_text, reset_text, clear_text, session_text, rule_text) as reason,
    case
        when transaction_running then transaction_id
        when after_stop then last_stopped_transaction_id
    end as transaction_id,
    unlock_attempts,
    unlock_result,
    reset_attempts,
    vendor_error_code,
    open,
    full_duration_s,
    error_code,
    status,
    status_before,
    status_after,
    vendor_id,
    vendor_signal,
    case when transaction_running then 'running' when after_stop and last_stopped_transaction_id is not null then 'stopped' end as transaction_state,
    transaction_running,
    after_stop,
    at_plug_in,
    round(case when at_plug_in then epoch(started_at) - epoch(plug_in_at) end, 3) as since_plug_in_s,
    round(case when after_stop then epoch(started_at) - epoch(last_stopped_at) end, 3) as since_stop_s,
    long_lasting,
    cleared_quickly,
    unlock_failed,
    unlock_freed,
    reset_cleared,
    unlock_outcomes,
    reset_outcomes,
    first_unlock_at,
    last_reset_at,
    remote_commands,
    first_command_at,
    next_transaction_id,
    next_transaction_started_at,
    last_stopped_transaction_id,
    last_stopped_at,
    info,
    clipped_start,
    clipped_end,
    case
        when open then 'still open'
        when reset_cleared then 'reset'
        when unlock_freed then 'remote unlock'
        when remote_commands = 0 then 'by itself'
        else 'unattributed'
    end as resolution
from explained
