//! CPU time of the processes a run costs, from `/proc/<pid>/stat`: user and system time of each
//! process whose command name matches, plus the time of its children that have exited and been
//! waited for (so a PostgreSQL backend that ends during the run still counts, through the postmaster).

/// Clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// CPU seconds used so far by every process whose `comm` is one of `names`.
pub fn cpu_seconds(names: &[&str]) -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0.0 };
    let mut ticks = 0u64;
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // `pid (comm) state ppid …`: comm may hold spaces, so split at the last ')'.
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        if !names.contains(&&stat[open + 1..close]) {
            continue;
        }
        let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        // After comm: state is field 3 of stat(5); utime, stime, cutime, cstime are fields 14–17.
        ticks += fields.get(11..15).into_iter().flatten().filter_map(|f| f.parse::<u64>().ok()).sum::<u64>();
    }
    ticks as f64 / TICKS_PER_SECOND
}

/// CPU seconds of one process (with its waited-for children).
pub fn cpu_seconds_of(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return 0.0 };
    let Some(close) = stat.rfind(')') else { return 0.0 };
    let fields: Vec<&str> = stat[close + 2..].split_whitespace().collect();
    fields.get(11..15).into_iter().flatten().filter_map(|f| f.parse::<u64>().ok()).sum::<u64>() as f64
        / TICKS_PER_SECOND
}

/// The CPU seconds of kaiten, PostgreSQL and RabbitMQ at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    pub kaiten: f64,
    pub postgres: f64,
    pub rabbitmq: f64,
}

impl Usage {
    pub fn now(kaiten_pid: u32) -> Self {
        Self {
            kaiten: cpu_seconds_of(kaiten_pid),
            postgres: cpu_seconds(&["postgres"]),
            rabbitmq: cpu_seconds(&["beam.smp", "erl_child_setup", "inet_gethost"]),
        }
    }

    pub fn since(self, start: Self) -> Self {
        Self {
            kaiten: self.kaiten - start.kaiten,
            postgres: self.postgres - start.postgres,
            rabbitmq: self.rabbitmq - start.rabbitmq,
        }
    }

    pub fn total(self) -> f64 {
        self.kaiten + self.postgres + self.rabbitmq
    }
}
