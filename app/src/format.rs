//! Number formatting shared by server rendering and the browser, so both print the same text.

/// 1234567 → "1,234,567".
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Messages per second with one decimal: "0.0/s", "1,234.5/s".
pub fn rate(r: f64) -> String {
    let r = if r.is_finite() && r > 0.0 { r } else { 0.0 };
    let tenths = (r * 10.0).round() as u64;
    format!("{}.{}/s", count(tenths / 10), tenths % 10)
}

/// Binary units: "512 B", "1.5 GiB".
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// A byte rate: "512 B/s", "1.5 MiB/s".
pub fn byte_rate(r: f64) -> String {
    let r = if r.is_finite() && r > 0.0 { r } else { 0.0 };
    format!("{}/s", bytes(r.round() as u64))
}

/// Uptime from milliseconds: "3d 4h", "5h 12m", "42s".
pub fn duration_ms(ms: u64) -> String {
    let s = ms / 1000;
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    if d > 0 {
        format!("{d}d {h}h")
    } else if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m {}s", s % 60)
    } else {
        format!("{s}s")
    }
}

/// Share of a limit in whole percent, 0 when the limit is unknown.
pub fn percent(used: u64, limit: u64) -> u64 {
    used.saturating_mul(100).checked_div(limit).map_or(0, |share| share.min(999))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
    }

    #[test]
    fn rates_round_to_tenths_and_clamp_garbage() {
        assert_eq!(rate(0.04), "0.0/s");
        assert_eq!(rate(1234.56), "1,234.6/s");
        assert_eq!(rate(f64::NAN), "0.0/s");
        assert_eq!(rate(-3.0), "0.0/s");
    }

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn durations_show_two_units() {
        assert_eq!(duration_ms(42_000), "42s");
        assert_eq!(duration_ms(3_725_000), "1h 2m");
        assert_eq!(duration_ms(3 * 86_400_000 + 4 * 3_600_000), "3d 4h");
    }

    #[test]
    fn percent_of_unknown_limit_is_zero() {
        assert_eq!(percent(5, 0), 0);
        assert_eq!(percent(50, 200), 25);
    }
}

/// Milliseconds since the Unix epoch as "2026-11-21 20:02:09 UTC": the same on server and browser,
/// whatever their time zones, so rendering matches hydration.
pub fn timestamp(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC", rest / 3600, rest % 3600 / 60, rest % 60)
}

#[cfg(test)]
mod timestamp_tests {
    #[test]
    fn timestamps_are_utc_calendar_dates() {
        assert_eq!(super::timestamp(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(super::timestamp(1_795_291_329_000), "2026-11-21 20:02:09 UTC");
        assert_eq!(super::timestamp(951_782_400_000), "2000-02-29 00:00:00 UTC");
    }
}
