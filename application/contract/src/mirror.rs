//! `mirror_enum!`: a wire enum that mirrors a domain enum variant for variant, with the conversions
//! both ways as exhaustive matches, so a variant added on one side and not the other does not compile.

/// Declares `pub enum $name` (serde and OpenAPI derives, the attributes given) with the variants of
/// `$domain`, and `From` both ways.
macro_rules! mirror_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident mirrors $domain:path {
            $( $(#[$variant_meta:meta])* $variant:ident ),+ $(,)?
        }
    ) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        $(#[$meta])*
        pub enum $name {
            $( $(#[$variant_meta])* $variant ),+
        }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                type Domain = $domain;
                match value {
                    $( Domain::$variant => Self::$variant ),+
                }
            }
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                type Domain = $domain;
                match value {
                    $( $name::$variant => Domain::$variant ),+
                }
            }
        }
    };
}

pub(crate) use mirror_enum;
