//! The process's heap takes no transparent huge pages. With them, each 2 MiB region the allocator
//! touched was resident whole: 63 of an idle process's 66 MiB of heap were huge pages.

mod support;

use kaiten_test_support::TestDatabase;
use std::time::Duration;
use support::{kaiten, org_create, serve, stop_with_sigterm};

/// Huge pages of the process's anonymous memory, in KiB, from `/proc/<pid>/smaps`.
fn anon_huge_pages_kib(pid: u32) -> anyhow::Result<u64> {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps"))?;
    let sizes = smaps.lines().filter_map(|line| line.strip_prefix("AnonHugePages:"));
    sizes.map(|size| Ok(size.trim().trim_end_matches("kB").trim().parse::<u64>()?)).sum()
}

#[tokio::test]
async fn the_heap_takes_no_transparent_huge_pages() -> anyhow::Result<()> {
    let mode = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled").unwrap_or_default();
    if !mode.contains("[madvise]") {
        // "always" gives huge pages to every process and "never" to none: only where they are given
        // on request ("madvise", the default of most distributions) is it the process's choice.
        eprintln!("transparent huge pages are not in madvise mode here ({}); nothing to check", mode.trim());
        return Ok(());
    }
    let db = TestDatabase::new();
    let token = org_create(&db, "Acme")?["token"].as_str().unwrap_or_default().to_owned();
    let (child, address) = serve(kaiten(&db).env("KAITEN_PORT", "0").env("KAITEN_ROLES", "api"))?;
    kaiten_webhook_http::install_default_crypto_provider();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?;
    // Enough requests for the heap to grow well past one huge page.
    for n in 0..200 {
        let created = client
            .post(format!("http://{address}/api/customers"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"name": format!("Customer {n}")}))
            .send()
            .await?;
        assert_eq!(created.status(), 201);
    }
    let huge = anon_huge_pages_kib(child.id())?;
    assert!(stop_with_sigterm(child).await?.success());
    assert_eq!(huge, 0, "{huge} KiB of the process's memory were transparent huge pages");
    Ok(())
}
