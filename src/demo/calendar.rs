//! Time in the simulated year: its bounds (`END`), civil dates, weekdays and
//! working hours, and writing times and zero-padded numbers into the output text.

pub(super) const DAY: i64 = 86_400;
pub(super) const HOUR: i64 = 3_600;
pub(super) const WEEK: i64 = 7 * DAY;
pub(super) const SPAN_DAYS: i64 = 365;
/// Day of the last e-mail: Friday 2026-10-30.
pub(super) const END_DAY: i64 = days_from_civil(2026, 10, 30);
/// The last e-mail, 2026-10-30T17:00:00Z; also the dataset's `now`.
pub(super) const END: i64 = END_DAY * DAY + 17 * HOUR;
pub(super) const START_DAY: i64 = END_DAY - (SPAN_DAYS - 1);
pub(super) const WORK_START: i64 = 8 * HOUR;
pub(super) const WORK_END: i64 = 18 * HOUR;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(super) const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Date of a day number since 1970-01-01.
pub(super) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m as u32, d as u32)
}

/// 0 = Monday .. 6 = Sunday.
pub(super) fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

pub(super) fn in_working_hours(t: i64) -> bool {
    let sec = t.rem_euclid(DAY);
    weekday(t.div_euclid(DAY)) < 5 && (WORK_START..WORK_END).contains(&sec)
}

/// Start of the next working period at or after `t`.
pub(super) fn next_working_start(t: i64) -> i64 {
    let mut day = t.div_euclid(DAY);
    if t.rem_euclid(DAY) >= WORK_START {
        day += 1;
    }
    while weekday(day) >= 5 {
        day += 1;
    }
    day * DAY + WORK_START
}

/// End of the latest working period at or before `t`.
pub(super) fn prev_working_end(t: i64) -> i64 {
    let mut day = t.div_euclid(DAY);
    if t.rem_euclid(DAY) < WORK_END {
        day -= 1;
    }
    while weekday(day) >= 5 {
        day -= 1;
    }
    day * DAY + WORK_END
}

/// Moves a weekend day to the nearest weekday, staying at or before END_DAY.
pub(super) fn to_weekday(day: i64) -> i64 {
    match weekday(day) {
        5 => day - 1,
        6 if day < END_DAY => day + 1,
        6 => day - 2,
        _ => day,
    }
}

pub(super) fn push_time(out: &mut String, t: i64) {
    let (y, m, d) = civil_from_days(t.div_euclid(DAY));
    let s = t.rem_euclid(DAY);
    push_padded(out, y.max(0) as u64, 4);
    out.push('-');
    push_padded(out, m as u64, 2);
    out.push('-');
    push_padded(out, d as u64, 2);
    out.push('T');
    push_padded(out, (s / HOUR) as u64, 2);
    out.push(':');
    push_padded(out, (s % HOUR / 60) as u64, 2);
    out.push(':');
    push_padded(out, (s % 60) as u64, 2);
    out.push('Z');
}

pub(super) fn push_padded(out: &mut String, v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut v = v;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    for &b in &buf[start..] {
        out.push(b as char);
    }
}
