//! Server functions of the reliability advisor: a cluster's findings for everyone who sees the
//! cluster (each sees those of their vhosts), and mutes for admins. The server checks both again.

use leptos::prelude::*;

use super::*;
use domain::advisor::{Advice, MuteRequest, Subject};

/// What the advisor page needs from the server; implemented in the `server` crate.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AdvisorApi: Send + Sync + 'static {
    /// `about`: only the findings that concern this object (`Subject::concerns`).
    async fn advice(&self, who: &dyn Access, cluster: &str, about: Option<Subject>) -> Result<Fresh<Advice>, AppError>;
    /// Mutes the finding, or unmutes it when the request has no reason.
    async fn mute(&self, who: &dyn Access, cluster: &str, request: &MuteRequest) -> Result<(), AppError>;
}

#[cfg(feature = "ssr")]
pub type SharedAdvisor = std::sync::Arc<dyn AdvisorApi>;

#[server(input = Json, output = Json, endpoint = "advisor", client = CsrfClient)]
pub async fn get_advice(cluster: String, about: Option<Subject>) -> Result<Fresh<Advice>, AppError> {
    answer(Need::Read, |a: SharedAdvisor, who| async move { a.advice(&*who, &cluster, about).await }).await
}

#[server(input = Json, output = Json, endpoint = "advisor/mute", client = CsrfClient)]
pub async fn mute_finding(cluster: String, request: MuteRequest) -> Result<(), AppError> {
    answer(Need::Role(Role::Admin), |a: SharedAdvisor, who| async move { a.mute(&*who, &cluster, &request).await })
        .await
}
