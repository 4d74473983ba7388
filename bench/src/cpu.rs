//! CPU time of the processes a run costs, from `/proc/<pid>/stat`: user and system time of each
//! process whose command name matches, plus the time of its children that have exited and been
//! waited for (so a PostgreSQL backend that ends during the run still counts, through the postmaster).

/// Clock ticks per second of `/proc/<pid>/stat` (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// The command name and CPU ticks (user, system, and of waited-for children) of one process.
fn process_ticks(pid: u32) -> Option<(String, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid …`: comm may hold spaces, so split at the last ')'.
    let (open, close) = (stat.find('(')?, stat.rfind(')')?);
    let fields: Vec<&str> = stat.get(close + 2..)?.split_whitespace().collect();
    // After comm: state is field 3 of stat(5); utime, stime, cutime, cstime are fields 14–17.
    let ticks = fields.get(11..15)?.iter().filter_map(|f| f.parse::<u64>().ok()).sum();
    Some((stat[open + 1..close].to_owned(), ticks))
}

/// CPU seconds used so far by every process whose `comm` is one of `names`.
pub fn cpu_seconds(names: &[&str]) -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else { return 0.0 };
    let ticks: u64 = entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(process_ticks)
        .filter(|(comm, _)| names.contains(&comm.as_str()))
        .map(|(_, ticks)| ticks)
        .sum();
    ticks as f64 / TICKS_PER_SECOND
}

/// CPU seconds of one process (with its waited-for children).
pub fn cpu_seconds_of(pid: u32) -> f64 {
    process_ticks(pid).map_or(0.0, |(_, ticks)| ticks as f64 / TICKS_PER_SECOND)
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
