//! The container files agree with each other and with the README: `compose.yaml` parses and runs
//! the services on the ports the README's "Containers" section names, and the `Dockerfile`'s
//! runtime stage is a non-root image with CA certificates, built from the lockfile.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

#[derive(Debug, Deserialize)]
struct Compose {
    services: BTreeMap<String, Service>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Service {
    ports: Vec<String>,
    command: Vec<String>,
    depends_on: BTreeMap<String, Dependency>,
    profiles: Vec<String>,
    environment: BTreeMap<String, serde_yaml_ng::Value>,
}

#[derive(Debug, Deserialize)]
struct Dependency {
    condition: Option<String>,
}

fn repository_file(name: &str) -> anyhow::Result<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    std::fs::read_to_string(&path).map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))
}

fn compose() -> anyhow::Result<Compose> {
    Ok(serde_yaml_ng::from_str(&repository_file("compose.yaml")?)?)
}

fn service<'a>(compose: &'a Compose, name: &str) -> anyhow::Result<&'a Service> {
    compose.services.get(name).ok_or_else(|| anyhow::anyhow!("compose.yaml has no service `{name}`"))
}

/// The host port of a short-syntax mapping: `"6060:6060"`, `"127.0.0.1:6060:6060"` or `"6060"`.
fn host_port(mapping: &str) -> anyhow::Result<u16> {
    let parts: Vec<&str> = mapping.trim_end_matches("/tcp").split(':').collect();
    let host = match parts.as_slice() {
        [single] => single,
        [host, _container] => host,
        [_address, host, _container] => host,
        _ => anyhow::bail!("unexpected port mapping `{mapping}`"),
    };
    host.parse().map_err(|e| anyhow::anyhow!("port mapping `{mapping}`: {e}"))
}

fn published(service: &Service) -> anyhow::Result<BTreeSet<u16>> {
    service.ports.iter().map(|mapping| host_port(mapping)).collect()
}

/// The ports in the "ports" column of the README's "Containers" table, by service.
fn readme_ports() -> anyhow::Result<BTreeMap<String, BTreeSet<u16>>> {
    let readme = repository_file("README.md")?;
    let start = readme.find("\n## Containers\n").ok_or_else(|| anyhow::anyhow!("README has no Containers section"))?;
    let section = &readme[start + 1..];
    let section = section[3..].find("\n## ").map_or(section, |end| &section[..end + 3]);
    let mut rows = section.lines().filter(|line| line.starts_with('|')).map(|line| {
        line.trim_matches('|').split('|').map(|cell| cell.trim().trim_matches('`').to_owned()).collect::<Vec<_>>()
    });
    let header = rows.next().ok_or_else(|| anyhow::anyhow!("the Containers section has no table"))?;
    let column = header.iter().position(|cell| cell == "ports").ok_or_else(|| anyhow::anyhow!("no ports column"))?;
    let mut ports = BTreeMap::new();
    for row in rows.filter(|row| !row.iter().all(|cell| cell.chars().all(|c| c == '-' || c == ':'))) {
        let numbers = row
            .get(column)
            .into_iter()
            .flat_map(|cell| cell.split(|c: char| !c.is_ascii_digit()))
            .filter(|number| !number.is_empty())
            .map(str::parse)
            .collect::<Result<BTreeSet<u16>, _>>()?;
        ports.insert(row.first().cloned().unwrap_or_default(), numbers);
    }
    anyhow::ensure!(!ports.is_empty(), "the Containers table lists no service");
    Ok(ports)
}

#[test]
fn compose_runs_kaiten_with_postgres_and_rabbitmq_on_the_documented_ports() -> anyhow::Result<()> {
    let compose = compose()?;
    for (name, port) in [("kaiten", 6060), ("postgres", 5432), ("rabbitmq", 5672), ("rabbitmq", 15672)] {
        let ports = published(service(&compose, name)?)?;
        assert!(ports.contains(&port), "`{name}` publishes {ports:?}, not {port}");
    }
    for name in ["kaiten", "postgres", "rabbitmq"] {
        assert!(service(&compose, name)?.profiles.is_empty(), "`{name}` must start without a profile");
    }
    Ok(())
}

#[test]
fn postgres_runs_with_logical_replication() -> anyhow::Result<()> {
    let compose = compose()?;
    let command = &service(&compose, "postgres")?.command;
    let settings: Vec<&str> = command.windows(2).filter(|pair| pair[0] == "-c").map(|pair| pair[1].as_str()).collect();
    assert!(settings.contains(&"wal_level=logical"), "postgres command: {command:?}");
    for setting in ["max_replication_slots", "max_wal_senders"] {
        assert!(settings.iter().any(|s| s.starts_with(&format!("{setting}="))), "postgres command: {command:?}");
    }
    Ok(())
}

#[test]
fn kaiten_waits_for_healthy_postgres_and_rabbitmq_and_reaches_them_by_name() -> anyhow::Result<()> {
    let compose = compose()?;
    let kaiten = service(&compose, "kaiten")?;
    for dependency in ["postgres", "rabbitmq"] {
        let condition = kaiten.depends_on.get(dependency).and_then(|d| d.condition.as_deref());
        assert_eq!(condition, Some("service_healthy"), "kaiten on {dependency}");
    }
    let variable = |name: &str| kaiten.environment.get(name).and_then(|v| v.as_str()).unwrap_or_default();
    assert!(variable("KAITEN_DATABASE_URL").contains("@postgres:5432/"), "{}", variable("KAITEN_DATABASE_URL"));
    assert!(variable("KAITEN_AMQP_URL").contains("@rabbitmq:5672/"), "{}", variable("KAITEN_AMQP_URL"));
    assert_eq!(variable("KAITEN_BIND"), "0.0.0.0");
    Ok(())
}

#[test]
fn svix_server_is_optional_behind_the_svix_profile() -> anyhow::Result<()> {
    let compose = compose()?;
    let svix = service(&compose, "svix-server")?;
    assert_eq!(svix.profiles, ["svix"]);
    assert!(published(svix)?.contains(&8071));
    for (name, dependency) in &svix.depends_on {
        assert!(service(&compose, name)?.profiles.contains(&"svix".to_owned()), "svix-server needs {name}");
        assert_eq!(dependency.condition.as_deref(), Some("service_healthy"));
    }
    let kaiten = service(&compose, "kaiten")?;
    assert!(!kaiten.depends_on.contains_key("svix-server"), "kaiten must start without the svix profile");
    let whitelabel = svix.environment.get("SVIX_WHITELABEL_HEADERS").and_then(|v| v.as_str());
    assert_eq!(whitelabel, Some("true"), "receivers get the webhook-* headers from svix-server too");
    Ok(())
}

#[test]
fn the_readme_names_exactly_the_published_ports() -> anyhow::Result<()> {
    let compose = compose()?;
    let documented = readme_ports()?;
    for name in ["kaiten", "postgres", "rabbitmq", "svix-server"] {
        assert!(documented.contains_key(name), "the README's Containers table lacks `{name}`");
    }
    for (name, ports) in &documented {
        let actual = published(service(&compose, name)?)?;
        assert_eq!(&actual, ports, "`{name}`: compose.yaml publishes {actual:?}, the README says {ports:?}");
    }
    for (name, service) in &compose.services {
        if !service.ports.is_empty() {
            assert!(documented.contains_key(name), "`{name}` publishes ports the README does not list");
        }
    }
    Ok(())
}

/// The lines of the Dockerfile's last stage, from its `FROM` on.
fn runtime_stage(dockerfile: &str) -> Vec<&str> {
    let lines: Vec<&str> = dockerfile.lines().map(str::trim).collect();
    let start = lines.iter().rposition(|line| line.to_ascii_uppercase().starts_with("FROM ")).unwrap_or(0);
    lines[start..].to_vec()
}

#[test]
fn the_image_runs_as_a_non_root_user_with_ca_certificates_and_a_locked_build() -> anyhow::Result<()> {
    let dockerfile = repository_file("Dockerfile")?;
    let stage = runtime_stage(&dockerfile);
    assert!(stage.first().is_some_and(|from| from.starts_with("FROM ")), "no FROM in the Dockerfile");
    let users: Vec<&str> = stage.iter().filter_map(|line| line.strip_prefix("USER ")).map(str::trim).collect();
    let user = users.last().ok_or_else(|| anyhow::anyhow!("the runtime stage sets no USER"))?;
    let name = user.split(':').next().unwrap_or_default();
    assert!(!name.is_empty() && name != "root" && name != "0", "the runtime stage runs as `{user}`");
    let installs = stage.iter().any(|line| line.contains("apt-get install") && line.contains("ca-certificates"));
    assert!(installs, "the runtime stage does not install ca-certificates");
    assert!(stage.iter().any(|line| line.starts_with("EXPOSE") && line.contains("6060")), "no EXPOSE 6060");
    assert!(stage.iter().any(|line| line.starts_with("ENTRYPOINT") && line.contains("kaiten")), "no ENTRYPOINT");
    let locked = dockerfile.lines().any(|line| line.contains("cargo build") && line.contains("--locked"));
    assert!(locked, "the binary is not built with `cargo build --locked`");
    Ok(())
}

#[test]
fn the_build_context_leaves_out_build_output_and_history() -> anyhow::Result<()> {
    let ignored = repository_file(".dockerignore")?;
    let patterns: BTreeSet<&str> = ignored.lines().map(str::trim).filter(|l| !l.starts_with('#')).collect();
    for pattern in [".git", "**/target", "fuzz/artifacts"] {
        assert!(patterns.contains(pattern), ".dockerignore lacks `{pattern}`");
    }
    Ok(())
}
