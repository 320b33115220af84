//! What a time zone's rule is: its standard offset and, where it has one, its
//! yearly daylight-saving time, as the POSIX TZ string that ends a tzdata file
//! gives them. The shapes only: the generated table (`zone_table.rs`) is made
//! of them, and `zones.rs` reads them.

/// A zone's rule: its standard offset and, where it has one, its yearly
/// daylight-saving time, as a POSIX TZ string gives them.
pub(crate) struct Rule {
    /// Standard offset, in seconds east of UTC.
    pub std: i32,
    pub dst: Option<Dst>,
}

pub(crate) struct Dst {
    /// Offset in force during daylight-saving time, in seconds east of UTC
    /// (below `std` for Europe/Dublin, whose "standard" time is summer time).
    pub offset: i32,
    /// When it starts, in local standard time.
    pub start: Change,
    /// When it ends, in local daylight-saving time.
    pub end: Change,
}

/// A yearly change (POSIX `Mm.w.d/time`): weekday `weekday` (0 = Sunday) of
/// week `week` (1–4, or 5 for the last) of `month`, `time` seconds after that
/// day's local midnight (negative or past 24 h in a few zones).
pub(crate) struct Change {
    pub month: u8,
    pub week: u8,
    pub weekday: u8,
    pub time: i32,
}
