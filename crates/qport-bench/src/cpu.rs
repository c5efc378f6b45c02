//! CPU time of a process (user + system, all its threads, including threads that ended).
//!
//! Read from the process's CPU-time clock (`clock_getcpuclockid`), which counts in
//! nanoseconds, so a measurement can be split into short slices without losing precision.
//! Where that clock cannot be read, `/proc/PID/stat` gives the same total in clock ticks
//! (usually 10 ms).

use std::io;
use std::time::Duration;

/// Total CPU time `pid` has used so far.
pub fn process_cpu(pid: u32) -> io::Result<Duration> {
    cpu_clock(pid).or_else(|_| stat_cpu(pid))
}

/// CPU time of this process: the load generator's own cost.
pub fn own_cpu() -> io::Result<Duration> {
    read_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// The process's CPU-time clock: the same sum of user and system time as `stat`'s
/// `utime + stime`, kept by the scheduler in nanoseconds.
fn cpu_clock(pid: u32) -> io::Result<Duration> {
    let pid = libc::pid_t::try_from(pid).map_err(io::Error::other)?;
    let mut clock: libc::clockid_t = 0;
    // SAFETY: `clock` is a valid place for the clock id.
    let status = unsafe { libc::clock_getcpuclockid(pid, &mut clock) };
    if status != 0 {
        return Err(io::Error::from_raw_os_error(status));
    }
    read_clock(clock)
}

fn read_clock(clock: libc::clockid_t) -> io::Result<Duration> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec to write.
    if unsafe { libc::clock_gettime(clock, &mut now) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Duration::new(now.tv_sec as u64, now.tv_nsec as u32))
}

/// `utime + stime`, fields 14 and 15 of `/proc/PID/stat`, in clock ticks.
fn stat_cpu(pid: u32) -> io::Result<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let ticks = parse_cpu_ticks(&stat).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("unexpected /proc/{pid}/stat"),
        )
    })?;
    Ok(ticks_to_duration(ticks))
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
    fn cpu_times_are_readable_and_agree() {
        let pid = std::process::id();
        // Work that takes CPU time, so the clocks move.
        let mut x = 1u64;
        for i in 0..20_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(i | 1));
        }
        let (own, clock, stat) = (
            own_cpu().unwrap(),
            cpu_clock(pid).unwrap(),
            stat_cpu(pid).unwrap(),
        );
        assert!(own > Duration::ZERO && clock >= own);
        // The tick count lags the nanosecond clock by less than a few ticks.
        assert!(
            clock + Duration::from_millis(50) >= stat,
            "{clock:?} vs {stat:?}"
        );
    }
}
