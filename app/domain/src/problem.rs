//! What a rule found wrong with a request, as data: which rule, and the values a person needs to
//! fix it. The words live in the UI's i18n layer (`app::i18n::problems`), in English and Chinese;
//! the server uses the same words (in English) for API clients.

use serde::{Deserialize, Serialize};

use crate::{
    access::AccessProblem, advisor::MuteProblem, cluster::ClusterProblem, dashboard::DashboardProblem,
    definitions::DefinitionsProblem, ops::FormProblem, policy::PolicyProblem,
};

/// A problem found by one of the shared rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Policy(PolicyProblem),
    Form(FormProblem),
    Definitions(DefinitionsProblem),
    Dashboard(DashboardProblem),
    Access(AccessProblem),
    Cluster(ClusterProblem),
    Advisor(MuteProblem),
}

impl From<PolicyProblem> for Problem {
    fn from(p: PolicyProblem) -> Self {
        Problem::Policy(p)
    }
}

impl From<FormProblem> for Problem {
    fn from(p: FormProblem) -> Self {
        Problem::Form(p)
    }
}

impl From<DefinitionsProblem> for Problem {
    fn from(p: DefinitionsProblem) -> Self {
        Problem::Definitions(p)
    }
}

impl From<DashboardProblem> for Problem {
    fn from(p: DashboardProblem) -> Self {
        Problem::Dashboard(p)
    }
}

impl From<AccessProblem> for Problem {
    fn from(p: AccessProblem) -> Self {
        Problem::Access(p)
    }
}

impl From<ClusterProblem> for Problem {
    fn from(p: ClusterProblem) -> Self {
        Problem::Cluster(p)
    }
}

impl From<MuteProblem> for Problem {
    fn from(p: MuteProblem) -> Self {
        Problem::Advisor(p)
    }
}
