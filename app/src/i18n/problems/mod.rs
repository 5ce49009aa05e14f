//! The words for every problem the shared rules report (`domain::problem::Problem`), in both
//! languages. Each area's texts are a `match` on its enum, so a problem without words does not
//! compile; the tests below check that no text is empty and that the Chinese one is Chinese.

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
        }
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
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_chinese(text: &str) -> bool {
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
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
