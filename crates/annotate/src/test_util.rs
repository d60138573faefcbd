//! Helpers shared by the unit tests' throughput measurements.

/// CPU time of this process in seconds (Linux `/proc/self/stat`, 100 Hz ticks), so that a
/// throughput does not depend on how busy a shared machine is.
pub(crate) fn cpu_seconds() -> Option<f64> {
    stat_seconds("/proc/self/stat")
}

/// CPU time of the calling thread in seconds (Linux `/proc/thread-self/stat`, 100 Hz ticks): the
/// work of one test, whatever the other test threads and processes on the machine are doing.
pub(crate) fn thread_cpu_seconds() -> Option<f64> {
    stat_seconds("/proc/thread-self/stat")
}

/// User plus system time, in seconds, from a `/proc/…/stat` file.
fn stat_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
