//! What an aggregate table is asked for: the typed request the engine takes
//! (group by department or account, week or month, noise and its
//! contribution caps, days), and the question an insight answers once the
//! engine has added the window, the minimum group size and working hours.

use serde::{Deserialize, Serialize};

use super::periods::{periods, CalendarPeriod};
use crate::error::{Error, Result};
use crate::privacy::budget::Epsilon;
use crate::time::{Window, WorkingHours};

/// The most groups a record of a noisy table may count for
/// (`noise.groupsPerRecord`).
pub const MAX_GROUPS_PER_RECORD: usize = 5;

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    Department,
    Account,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Week,
    Month,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Noise {
    pub epsilon: f64,
    /// Contribution caps (see `insights::aggregates::noisy`); defaults by period.
    pub records_per_period: Option<u32>,
    pub groups_per_record: Option<u32>,
    pub minutes_per_meeting: Option<u32>,
}

impl Noise {
    /// Noise of `epsilon` with the default caps.
    pub fn with_epsilon(epsilon: f64) -> Noise {
        Noise { epsilon, records_per_period: None, groups_per_record: None, minutes_per_meeting: None }
    }

    pub fn epsilon(&self) -> Result<Epsilon> {
        Epsilon::new("noise.epsilon", self.epsilon)
    }

    /// The caps asked for, or the defaults for the period.
    pub fn caps(&self, monthly: bool) -> Result<Caps> {
        let d = Caps::defaults(monthly);
        let pick = |name: &str, v: Option<u32>, default: u32, max: u32| -> Result<u32> {
            let v = v.unwrap_or(default);
            if !(1..=max).contains(&v) {
                return Err(Error::options(name, format!("must be 1 to {max}")));
            }
            Ok(v)
        };
        Ok(Caps {
            records_per_period: pick(
                "noise.recordsPerPeriod",
                self.records_per_period,
                d.records_per_period,
                1000,
            )?,
            groups_per_record: pick(
                "noise.groupsPerRecord",
                self.groups_per_record,
                d.groups_per_record,
                MAX_GROUPS_PER_RECORD as u32,
            )?,
            minutes_per_meeting: pick(
                "noise.minutesPerMeeting",
                self.minutes_per_meeting,
                d.minutes_per_meeting,
                480,
            )?,
        })
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AggregatesRequest {
    pub group_by: GroupBy,
    pub period: Period,
    pub noise: Option<Noise>,
    /// The window whose periods are shown (default 90 days up to `now`).
    pub days: Option<u32>,
}

/// How much of one person's records a table counts (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Caps {
    pub records_per_period: u32,
    pub groups_per_record: u32,
    pub minutes_per_meeting: u32,
}

impl Caps {
    /// Defaults that keep nine in ten person-weeks of the demo data whole.
    pub fn defaults(monthly: bool) -> Caps {
        Caps {
            records_per_period: if monthly { 80 } else { 20 },
            groups_per_record: 2,
            minutes_per_meeting: 60,
        }
    }
}

/// What a table is asked for.
pub struct Question<'h> {
    pub by: GroupBy,
    pub monthly: bool,
    /// None when there is no data and no `now`: a table without periods.
    pub window: Option<Window>,
    pub min_group_size: u32,
    pub hours: &'h WorkingHours,
}

impl Question<'_> {
    pub fn periods(&self) -> Vec<CalendarPeriod> {
        self.window.map_or_else(Vec::new, |w| periods(w, self.monthly))
    }
}
