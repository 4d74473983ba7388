//! Token scopes: `read:<module>` / `write:<module>`, `read:*` / `write:*`; `write:X` implies `read:X`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// What a scope lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Access {
    Read,
    Write,
}

/// The API modules scopes are granted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Module {
    Customers,
    Instances,
    Licenses,
    Entitlements,
    FeatureFlags,
    DeploymentZones,
    Releases,
    Tokens,
    Webhooks,
    Organizations,
    /// The event feed (`GET /api/events`).
    Events,
}

impl Module {
    pub const ALL: [Module; 11] = [
        Module::Customers,
        Module::Instances,
        Module::Licenses,
        Module::Entitlements,
        Module::FeatureFlags,
        Module::DeploymentZones,
        Module::Releases,
        Module::Tokens,
        Module::Webhooks,
        Module::Organizations,
        Module::Events,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Module::Customers => "customers",
            Module::Instances => "instances",
            Module::Licenses => "licenses",
            Module::Entitlements => "entitlements",
            Module::FeatureFlags => "feature_flags",
            Module::DeploymentZones => "deployment_zones",
            Module::Releases => "releases",
            Module::Tokens => "tokens",
            Module::Webhooks => "webhooks",
            Module::Organizations => "organizations",
            Module::Events => "events",
        }
    }
}

/// One granted scope; `module: None` is the wildcard `*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope {
    pub access: Access,
    pub module: Option<Module>,
}

impl Scope {
    pub const fn new(access: Access, module: Module) -> Self {
        Self { access, module: Some(module) }
    }

    pub const WRITE_ALL: Scope = Scope { access: Access::Write, module: None };

    /// Whether holding `self` permits an operation that requires `required`.
    pub fn grants(&self, required: &Scope) -> bool {
        let access_ok = self.access == Access::Write || required.access == Access::Read;
        let module_ok = self.module.is_none() || self.module == required.module;
        access_ok && module_ok
    }
}

impl FromStr for Scope {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let (access, module) =
            raw.split_once(':').ok_or_else(|| format!("`{raw}` is not of the form access:module"))?;
        let access = match access {
            "read" => Access::Read,
            "write" => Access::Write,
            other => return Err(format!("unknown access `{other}` (read or write)")),
        };
        let module = if module == "*" {
            None
        } else {
            Some(
                Module::ALL
                    .into_iter()
                    .find(|m| m.as_str() == module)
                    .ok_or_else(|| format!("unknown module `{module}`"))?,
            )
        };
        Ok(Self { access, module })
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let access = match self.access {
            Access::Read => "read",
            Access::Write => "write",
        };
        write!(f, "{access}:{}", self.module.map_or("*", Module::as_str))
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// The scopes of one token.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ScopeSet(BTreeSet<Scope>);

impl ScopeSet {
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> Self {
        Self(scopes.into_iter().collect())
    }

    /// Parses every scope, naming each one that is not valid.
    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Self, Vec<String>> {
        let mut errors = Vec::new();
        let mut scopes = BTreeSet::new();
        for item in raw {
            match item.as_ref().parse::<Scope>() {
                Ok(scope) => {
                    scopes.insert(scope);
                }
                Err(error) => errors.push(error),
            }
        }
        if errors.is_empty() { Ok(Self(scopes)) } else { Err(errors) }
    }

    pub fn allows(&self, required: &Scope) -> bool {
        self.0.iter().any(|held| held.grants(required))
    }

    /// Whether every scope of `other` is granted by this set (a token cannot mint more than it holds).
    pub fn covers(&self, other: &ScopeSet) -> bool {
        other.0.iter().all(|wanted| {
            let module_scopes: Vec<Scope> = match wanted.module {
                Some(_) => vec![*wanted],
                None => Module::ALL.iter().map(|m| Scope::new(wanted.access, *m)).collect(),
            };
            module_scopes.iter().all(|s| self.allows(s))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Scope> {
        self.0.iter()
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(raw: &[&str]) -> ScopeSet {
        ScopeSet::parse(raw).unwrap_or_default()
    }

    #[test]
    fn parses_and_prints_every_module() {
        for module in Module::ALL {
            for access in ["read", "write"] {
                let raw = format!("{access}:{}", module.as_str());
                assert_eq!(raw.parse::<Scope>().map(|s| s.to_string()), Ok(raw));
            }
        }
        assert_eq!("write:*".parse::<Scope>(), Ok(Scope::WRITE_ALL));
    }

    #[test]
    fn refuses_malformed_scopes() {
        for bad in ["", "read", "read:", "admin:customers", "read:customer", "READ:customers", "read:*:x"] {
            assert!(bad.parse::<Scope>().is_err(), "{bad:?}");
        }
        assert_eq!(ScopeSet::parse(&["read:customers", "nope", "write:x"]).err().map(|e| e.len()), Some(2));
    }

    #[test]
    fn write_implies_read_and_wildcards_cover_modules() {
        let read_customers = Scope::new(Access::Read, Module::Customers);
        let write_customers = Scope::new(Access::Write, Module::Customers);
        assert!(set(&["write:customers"]).allows(&read_customers));
        assert!(set(&["write:customers"]).allows(&write_customers));
        assert!(!set(&["read:customers"]).allows(&write_customers));
        assert!(!set(&["write:licenses"]).allows(&read_customers));
        assert!(set(&["read:*"]).allows(&read_customers));
        assert!(!set(&["read:*"]).allows(&write_customers));
        assert!(set(&["write:*"]).allows(&write_customers));
        assert!(!ScopeSet::default().allows(&read_customers));
    }

    #[test]
    fn covers_refuses_escalation() {
        assert!(set(&["write:*"]).covers(&set(&["read:*", "write:customers"])));
        assert!(set(&["write:customers"]).covers(&set(&["read:customers"])));
        assert!(!set(&["read:*"]).covers(&set(&["write:customers"])));
        assert!(!set(&["write:customers"]).covers(&set(&["read:*"])));
        assert!(set(&["read:*"]).covers(&set(&["read:*"])));
    }
}
