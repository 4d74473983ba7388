//! The headless browser the console tests drive: Chromium through chromedriver (both installed by
//! `scripts/browser.sh`), with waits on what the page shows.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use kaiten_test_support::{KillOnDrop, wait_for};
use serde_json::{Value, json};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

use super::DEADLINE;

/// A headless Chromium session. Dropping it kills chromedriver's whole process group (the browser
/// too, even when the test failed before closing the session) and removes its temporary files.
pub(crate) struct Browser {
    pub(crate) client: Client,
    driver: KillOnDrop,
    scratch: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = std::process::Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

impl Browser {
    pub(crate) async fn start() -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        // The driver's and the browser's temporary files and the profile all live in one directory.
        let scratch = std::env::temp_dir().join(format!("kaiten-console-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&scratch)?;
        let driver = std::process::Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .env("TMPDIR", &scratch)
            .process_group(0)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| anyhow::anyhow!("chromedriver could not start ({e}); scripts/browser.sh installs it"))?;
        let driver = KillOnDrop(driver);
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1400,1000", format!("--user-data-dir={}", scratch.join("profile").display())]
            }
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => anyhow::bail!("capabilities must be an object"),
        };
        let url = format!("http://127.0.0.1:{port}");
        let client = wait_for(DEADLINE, || async {
            Ok(ClientBuilder::new(HttpConnector::new()).capabilities(capabilities.clone()).connect(&url).await.ok())
        })
        .await?;
        Ok(Self { client, driver, scratch })
    }

    /// Clicks the element, then waits until the API calls it started have answered. An element the
    /// page re-rendered meanwhile is stale: it is found again.
    pub(crate) async fn click(&self, css: &str) -> anyhow::Result<()> {
        wait_for(DEADLINE, || async {
            let Ok(element) = self.client.find(Locator::Css(css)).await else { return Ok(None) };
            Ok(element.click().await.ok())
        })
        .await
        .map_err(|e| anyhow::anyhow!("click {css}: {e}"))?;
        self.client.wait().at_most(DEADLINE).for_element(Locator::Css("body[aria-busy=false]")).await?;
        Ok(())
    }

    pub(crate) async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        wait_for(DEADLINE, || async {
            let Ok(field) = self.client.find(Locator::Css(css)).await else { return Ok(None) };
            if field.clear().await.is_err() {
                return Ok(None);
            }
            Ok(field.send_keys(text).await.ok())
        })
        .await
        .map_err(|e| anyhow::anyhow!("fill {css}: {e}"))
    }

    /// The texts of the elements matching `css`, once `ready` holds for them.
    pub(crate) async fn texts_when(&self, css: &str, ready: impl Fn(&[String]) -> bool) -> anyhow::Result<Vec<String>> {
        wait_for(DEADLINE, || async {
            let mut texts = Vec::new();
            for element in self.client.find_all(Locator::Css(css)).await? {
                // An element the page re-rendered meanwhile is stale: read the page again.
                match element.text().await {
                    Ok(text) => texts.push(text),
                    Err(_) => return Ok(None),
                }
            }
            Ok(ready(&texts).then_some(texts))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{css}: {e}"))
    }

    pub(crate) async fn notice(&self, contains: &str) -> anyhow::Result<String> {
        let texts = self.texts_when("#notice", |texts| texts.iter().any(|t| t.contains(contains))).await?;
        Ok(texts.concat())
    }
}
