//! What the write forms send: publish, get, create, delete, bind, close a connection, move messages. The checks here run in the
//! browser (so a form explains a mistake before sending anything) and again on the server (so a
//! script calling the API directly gets the same answer); the broker is asked only with a request
//! that passed them. A check that fails returns a `FormProblem`, which the UI words in the
//! reader's language.

pub mod connection;
pub mod exchange;
pub mod get;
pub mod names;
pub mod problem;
pub mod publish;
pub mod queue;
pub mod queue_type;
pub mod shovel;
pub mod typed;

// The paths other crates (and the policy and definitions rules) have always used.
pub use connection::{ConnectionClose, UserConnectionsClose};
pub use exchange::{BindingRef, ExchangeDeletion, NewBinding, NewExchange};
pub use get::{AckMode, GetRequest, GotMessage};
pub use names::check_name;
pub use problem::{FormProblem, ObjectKind};
pub use publish::{
    check_template_name, PayloadEncoding, Publish, Published, Template, MAX_COPIES, MAX_PAYLOAD_BYTES, MAX_TEMPLATES,
    MAX_TEMPLATE_NAME,
};
pub use queue::{NewQueue, QueueDeletion};
pub use shovel::{MessageMove, MoveStarted, ShovelRef};
pub use typed::ValueKind;
