//! Kaiten's application layer: the use cases (one struct with one `execute` per file) and the ports
//! they need, as traits the adapters implement (`UnitOfWork`, `OutboxRepo`, one repository per
//! aggregate, `TokenRepository`). Pure: no SQL, AMQP or HTTP here; everything is reached through a port.

pub mod caller;
pub mod envelope;
pub mod error;
pub mod ports;
pub mod resource;
mod resources;
pub mod token_secret;
pub mod use_cases;

pub use caller::Caller;
pub use error::{Conflict, RepoError, UseCaseError};
pub use ports::unit_of_work::{Repositories, Transaction, UnitOfWork, UnitOfWorkExt};
pub use use_cases::UseCases;
