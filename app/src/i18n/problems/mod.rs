//! The words for every problem the shared rules report (`domain::problem::Problem`), in both
//! languages. Each area's texts are a `match` on its enum, so a problem without words does not
//! compile; the tests below check that no text is empty and that the Chinese one is Chinese.

mod access;
mod advisor;
mod cluster;
mod dashboard;
mod definitions;
mod form;
mod policy;

use domain::problem::Problem;

use super::Lang;

impl Lang {
    /// The problem in this language, as one sentence.
    pub fn problem(self, problem: &Problem) -> String {
        match problem {
            Problem::Policy(p) => policy::text(self, p),
            Problem::Form(p) => form::text(self, p),
            Problem::Definitions(p) => definitions::text(self, p),
            Problem::Dashboard(p) => dashboard::text(self, p),
            Problem::Access(p) => access::text(self, p),
            Problem::Cluster(p) => cluster::text(self, p),
            Problem::Advisor(p) => advisor::text(self, p),
        }
    }

    /// What a definitions import does besides the file's items, as one sentence.
    pub fn import_effect(self, effect: &domain::definitions::SideEffect) -> String {
        definitions::effect(self, effect)
    }

    /// Why the broker's import passes over an item.
    pub fn import_skip(self, reason: domain::definitions::SkipReason) -> &'static str {
        definitions::skip_reason(self, reason)
    }
}

/// Every problem an area can report, one of each variant, for the tests.
#[cfg(test)]
pub(crate) fn samples() -> Vec<Problem> {
    let mut all: Vec<Problem> = Vec::new();
    all.extend(policy::samples().into_iter().map(Problem::from));
    all.extend(form::samples().into_iter().map(Problem::from));
    all.extend(definitions::samples().into_iter().map(Problem::from));
    all.extend(dashboard::samples().into_iter().map(Problem::from));
    all.extend(access::samples().into_iter().map(Problem::from));
    all.extend(cluster::samples().into_iter().map(Problem::from));
    all.extend(advisor::samples().into_iter().map(Problem::from));
    all
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn is_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    /// The names of an enum's variants, as its `Deserialize` lists them: the compiler's count,
    /// not one someone keeps up to date.
    fn variant_names<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
        use serde::de::{value::Error, Error as _, Visitor};

        /// A deserializer that only notes the variant names it is offered.
        struct Spy<'a>(&'a mut &'static [&'static str]);

        impl<'de> serde::Deserializer<'de> for Spy<'_> {
            type Error = Error;

            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
                Err(Error::custom("not an enum"))
            }

            fn deserialize_enum<V: Visitor<'de>>(
                self,
                _name: &'static str,
                variants: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Error> {
                *self.0 = variants;
                Err(Error::custom("noted"))
            }

            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
                unit unit_struct newtype_struct seq tuple tuple_struct map struct identifier ignored_any
            }
        }

        let mut names: &'static [&'static str] = &[];
        let _ = T::deserialize(Spy(&mut names));
        names
    }

    /// Fails when an area's samples leave out one of its problems, so the words test sees them all.
    pub(crate) fn assert_samples_cover<T: serde::Serialize + serde::de::DeserializeOwned>(samples: Vec<T>) {
        let mut seen: Vec<String> = samples
            .iter()
            .map(|sample| match serde_json::to_value(sample).expect("problems serialize") {
                serde_json::Value::String(unit) => unit,
                serde_json::Value::Object(one) => one.keys().next().cloned().unwrap_or_default(),
                other => panic!("not an enum variant: {other}"),
            })
            .collect();
        seen.sort();
        seen.dedup();
        let mut all: Vec<String> = variant_names::<T>().iter().map(|n| n.to_string()).collect();
        all.sort();
        assert!(!all.is_empty());
        assert_eq!(seen, all, "{}: one sample of each variant", std::any::type_name::<T>());
    }

    #[test]
    fn the_samples_hold_every_variant() {
        assert_samples_cover(policy::samples());
        assert_samples_cover(form::samples());
        assert_samples_cover(definitions::samples());
        assert_samples_cover(dashboard::samples());
        assert_samples_cover(access::samples());
        assert_samples_cover(cluster::samples());
        assert_samples_cover(advisor::samples());
    }

    #[test]
    fn every_problem_has_words_in_both_languages() {
        let samples = samples();
        assert!(samples.len() > 20, "the samples list every variant");
        for problem in &samples {
            let en = Lang::En.problem(problem);
            let zh = Lang::Zh.problem(problem);
            assert!(!en.trim().is_empty() && !is_chinese(&en), "{problem:?}: English text {en:?}");
            assert!(is_chinese(&zh), "{problem:?}: Chinese text {zh:?}");
        }
    }
}
