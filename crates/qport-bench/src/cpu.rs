//! CPU time of a process (user + system, all its threads), read from `/proc/PID/stat`.
//!
//! The kernel reports it in clock ticks (usually 10 ms), so a measurement must run for
//! seconds, not milliseconds, for the figure to be precise.

use std::io;
use std::time::Duration;

/// Total CPU time `pid` has used so far: `utime + stime`, fields 14 and 15 of its stat line.
pub fn process_cpu(pid: u32) -> io::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let ticks = parse_cpu_ticks(&stat).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("unexpected /proc/{pid}/stat"),
        )
    })?;
    Ok(ticks_to_duration(ticks))
}

/// CPU time of this process: the load generator's own cost.
pub fn own_cpu() -> io::Result<Duration> {
    process_cpu(std::process::id())
}

/// `utime + stime` in ticks. The command name (field 2) is in parentheses and may itself
/// contain spaces or parentheses, so fields are counted from the last `)`.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    // After the name: field 3 (state) is the first; utime is field 14, stime 15.
    let mut fields = after_name.split_ascii_whitespace().skip(14 - 3);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

fn ticks_to_duration(ticks: u64) -> Duration {
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    let per_second = if per_second > 0 {
        per_second as u64
    } else {
        100
    };
    Duration::from_nanos(ticks * 1_000_000_000 / per_second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utime_and_stime_after_a_name_with_spaces_and_parentheses() {
        let stat = "42 (a b) c) S 1 42 42 0 -1 4194304 100 0 0 0 7 5 0 0 20 0 3 0";
        assert_eq!(parse_cpu_ticks(stat), Some(12));
    }

    #[test]
    fn own_cpu_time_is_readable() {
        assert!(own_cpu().is_ok());
    }
}
