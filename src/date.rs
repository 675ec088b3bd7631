//! Calendar dates without a date library: the CPR rules need only "is this a real Gregorian
//! date" and "is it after today", and a scanner should not pull a time-zone database for that.

use std::time::{SystemTime, UNIX_EPOCH};

/// A proleptic Gregorian calendar date. Ordered chronologically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// Gregorian leap years: every 4th, except centuries, except every 400th (1900 no, 2000 yes).
pub fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` (1-12) of `year`; 0 for a month out of range.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// A date if it exists in the calendar.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        (day >= 1 && day <= days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        Date::new(year, month, day)
    }

    /// Today's date in Denmark, approximated as UTC+2 so that a number issued on the Danish
    /// "today" is never called a future birth date (it errs by at most one day towards
    /// accepting, in winter's last hour of the day).
    pub fn today() -> Date {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days_since_epoch(((secs + 2 * 3600) / 86_400) as i64)
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date {
            year: year as u16,
            month,
            day,
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leap_years_follow_gregorian_century_rule() {
        assert!(!is_leap_year(1900));
        assert!(is_leap_year(2000));
        assert!(is_leap_year(2036));
        assert!(!is_leap_year(2037));
    }

    #[test]
    fn feb_29_exists_only_in_leap_years() {
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2036, 2, 29).is_some());
    }

    #[test]
    fn out_of_range_months_and_days_are_rejected() {
        assert!(Date::new(2000, 0, 1).is_none());
        assert!(Date::new(2000, 13, 1).is_none());
        assert!(Date::new(2000, 4, 31).is_none());
        assert!(Date::new(2000, 1, 0).is_none());
    }

    #[test]
    fn epoch_days_convert_to_civil_dates() {
        assert_eq!(
            Date::from_days_since_epoch(0),
            Date::new(1970, 1, 1).unwrap()
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016),
            Date::new(2000, 2, 29).unwrap()
        );
        assert_eq!(
            Date::from_days_since_epoch(20_780),
            Date::new(2026, 11, 23).unwrap()
        );
    }

    #[test]
    fn parse_accepts_iso_dates_only() {
        assert_eq!(Date::parse("2026-11-23"), Date::new(2026, 11, 23));
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse("20261123"), None);
    }
}
