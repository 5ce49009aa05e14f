//! Names of queues, exchanges, vhosts and the like, as RabbitMQ and Warren's URLs accept them.

use super::problem::{FormProblem, ObjectKind};

/// RabbitMQ's limit for queue, exchange and vhost names (a short string: 255 bytes).
pub const MAX_NAME_BYTES: usize = 255;

/// A queue, exchange or vhost name as RabbitMQ accepts it; `/`, `#`, `%`, spaces and any
/// unicode are fine. Names Warren could not address in a URL (`.`, `..`) are refused.
pub fn check_name(kind: ObjectKind, name: &str) -> Result<(), FormProblem> {
    if name.is_empty() {
        return Err(FormProblem::NameEmpty { kind });
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(FormProblem::NameTooLong { kind, bytes: name.len(), max: MAX_NAME_BYTES });
    }
    if name == "." || name == ".." {
        return Err(FormProblem::NameUnaddressable { kind, name: name.into() });
    }
    if name.chars().any(char::is_control) {
        return Err(FormProblem::NameControlCharacter { kind });
    }
    Ok(())
}

/// A name for something new: also not in the broker's reserved `amq.` namespace.
pub fn check_new_name(kind: ObjectKind, name: &str) -> Result<(), FormProblem> {
    check_name(kind, name)?;
    if name.starts_with("amq.") {
        return Err(FormProblem::NameReserved { kind });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_allow_what_rabbitmq_allows() {
        for ok in ["orders", "a/b", "#", "100%", "with space", "订单", "/", "amq.direct"] {
            assert_eq!(check_name(ObjectKind::Queue, ok), Ok(()), "{ok}");
        }
        let queue = ObjectKind::Queue;
        assert_eq!(check_name(queue, ""), Err(FormProblem::NameEmpty { kind: queue }));
        for bad in [".", ".."] {
            assert_eq!(check_name(queue, bad), Err(FormProblem::NameUnaddressable { kind: queue, name: bad.into() }));
        }
        for bad in ["line\nfeed", "nul\0", "tab\t"] {
            assert_eq!(check_name(queue, bad), Err(FormProblem::NameControlCharacter { kind: queue }), "{bad:?}");
        }
        assert_eq!(
            check_name(ObjectKind::Vhost, &"x".repeat(256)),
            Err(FormProblem::NameTooLong { kind: ObjectKind::Vhost, bytes: 256, max: MAX_NAME_BYTES })
        );
        assert_eq!(check_name(queue, &"x".repeat(MAX_NAME_BYTES)), Ok(()));
        // Bytes, not characters: 86 three-byte characters are 258 bytes.
        assert!(matches!(check_name(queue, &"订".repeat(86)), Err(FormProblem::NameTooLong { bytes: 258, .. })));
    }

    #[test]
    fn new_names_stay_out_of_the_amq_namespace() {
        let exchange = ObjectKind::Exchange;
        assert_eq!(check_new_name(exchange, "amq.mine"), Err(FormProblem::NameReserved { kind: exchange }));
        assert_eq!(check_new_name(exchange, "mine.amq"), Ok(()));
        assert_eq!(
            check_new_name(exchange, ""),
            Err(FormProblem::NameEmpty { kind: exchange }),
            "the name rules first"
        );
    }
}
