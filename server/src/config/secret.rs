//! `Secret`: a password or token from the config that never shows up in `Debug` output, logs or
//! error messages.

/// A secret that never shows up in `Debug` output, logs or error messages.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[cfg(test)]
mod tests {
    use crate::config::tests::load;

    #[test]
    fn secrets_never_print() {
        let config = load(
            "[[cluster]]\nname = \"a\"\nurls = [\"http://h:15672\"]\nusername = \"u\"\npassword = \"hunter2\"\n",
            &[],
        )
        .unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
    }
}
