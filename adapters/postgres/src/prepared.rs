//! Raw SQL statements kept as prepared statements on each connection. diesel prepares a `sql_query`
//! anew at every execution (it cannot know the text is fixed), and planning the delivery path's
//! multi-part statements again for every event costs more than running them; these texts are fixed
//! per call site, so they are safe to cache (the cache is keyed by the text and the bind types).

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;

/// A raw statement whose text is fixed: prepared once per connection, then reused.
#[derive(Debug, Clone)]
pub(crate) struct Prepared<Q>(Q);

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Prepared<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q> QueryId for Prepared<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Prepared<Q> {
    type SqlType = Q::SqlType;
}

/// `.prepared()` on a statement built from a fixed text.
pub(crate) trait Prepare: Sized {
    fn prepared(self) -> Prepared<Self> {
        Prepared(self)
    }
}

impl<Q> Prepare for Q {}
