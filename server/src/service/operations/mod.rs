//! Writes to brokers (`app::api::Operations`): publish, get, purge, create and delete, bindings,
//! policies, definitions import, closing connections, moving messages, and saved message templates.
//!
//! Every write is checked here again (the browser's checks are a courtesy), made as the broker
//! user who signed in when there is one (so the broker applies that user's own permissions),
//! audited with its outcome, and followed by a refresh of what it changed. The sign-in layer has
//! already checked the role and the CSRF token.

use std::sync::Arc;

use app::auth::Access;
use app::error::AppError;
use domain::definitions::{Import, ImportPreview};
use domain::ops::*;
use domain::policy::{PolicyDraft, PolicyRef, Version};
use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::broker::{api_path, BrokerError};
use crate::cluster::feed::{page_error, Feed};
use crate::config::secret::Secret;
use crate::service::access::Principal;
use crate::service::clusters::Clusters;
use crate::store::audit::{Audit, Outcome, Target};
use crate::store::templates::Templates;
use crate::store::Store;

mod access;
mod advisor;
mod cluster;
mod connections;
mod definitions;
mod shovels;

pub struct Operations {
    clusters: Arc<Clusters>,
    audit: Audit,
    templates: Templates,
}

/// Who the broker sees: a broker user's own credentials, or Warren's configured account.
pub(super) type ActAs = Option<(String, Secret)>;

impl Operations {
    pub fn new(clusters: Arc<Clusters>, audit: Audit, store: Store) -> Self {
        Self { clusters, audit, templates: Templates::new(store) }
    }

    /// The cluster's feed, if `who` may touch `vhost` of it; and who to be towards the broker.
    pub(super) fn target(&self, who: &dyn Access, cluster: &str, vhost: &str) -> Result<(&Arc<Feed>, ActAs), AppError> {
        let feed = self.clusters.visible_feed(who, cluster)?;
        if !who.may_see_vhost(cluster, vhost) {
            return Err(AppError::Forbidden(format!("vhost {vhost:?} is not among yours")));
        }
        Ok((feed, Self::act_as(who, cluster)))
    }

    /// The broker user who signed in to this cluster, if `who` is one: writes are made as them.
    pub(super) fn act_as(who: &dyn Access, cluster: &str) -> ActAs {
        who.as_any()
            .downcast_ref::<Principal>()
            .and_then(|p| p.broker_credentials.as_ref())
            .filter(|c| c.cluster == cluster)
            .map(|c| (c.username.clone(), c.password.clone()))
    }

    /// Operator policies are RabbitMQ's administrators' tool: admins only, whatever the route.
    fn check_policy_kind(who: &dyn Access, operator: bool) -> Result<(), AppError> {
        match operator && !who.me().is_admin() {
            true => Err(AppError::Forbidden("operator policies are for admins".into())),
            false => Ok(()),
        }
    }

    /// Records the outcome of a write in the audit log and passes it on.
    pub(super) async fn audited<T>(
        &self,
        who: &dyn Access,
        (cluster, vhost, action, object): (&str, &str, &str, String),
        result: Result<T, AppError>,
    ) -> Result<T, AppError> {
        let detail = result.as_ref().err().map(ToString::to_string);
        let target = Target { cluster: Some(cluster.into()), vhost: Some(vhost.into()), object: Some(object) };
        self.record(who, action, target, &result, detail).await;
        result
    }

    /// Records a write's outcome with `detail`: its error, or what it changed.
    pub(super) async fn record<T>(
        &self,
        who: &dyn Access,
        action: &str,
        target: Target,
        result: &Result<T, AppError>,
        detail: Option<String>,
    ) {
        let outcome = match result {
            Ok(_) => Outcome::Ok,
            Err(AppError::Forbidden(_) | AppError::BadRequest(_) | AppError::Invalid { .. }) => Outcome::Denied,
            Err(_) => Outcome::Failed,
        };
        self.audit.record(&who.actor(), action, target, outcome, detail).await;
    }

    /// Sends one write to the broker and explains a refusal.
    pub(super) async fn send<T: serde::de::DeserializeOwned>(
        feed: &Feed,
        login: &ActAs,
        (method, endpoint, path): (Method, &'static str, String),
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<T, AppError> {
        let as_user = login.as_ref().map(|(user, password)| (user.as_str(), password));
        feed.client()
            .write(method, endpoint, &path, query, body, as_user)
            .await
            .map_err(|error| Self::refusal(feed, login, error))
    }

    /// A write the broker did not do, explained.
    pub(super) fn refusal(feed: &Feed, login: &ActAs, error: BrokerError) -> AppError {
        let cluster = feed.name().to_string();
        match error {
            BrokerError::BadRequest(reason) => AppError::Rejected { cluster, reason },
            BrokerError::Unauthorized(_, reason) => {
                let user = login.as_ref().map_or("Warren's account", |(user, _)| user.as_str());
                AppError::Forbidden(format!("RabbitMQ refused this to {user}: {reason}"))
            }
            BrokerError::NotFound => AppError::NotFound("the broker has no such vhost or object".into()),
            // The broker failed and did not say why (RabbitMQ 4.0 answers a queue delete
            // "only if empty" of a non-empty queue this way): nothing was done.
            BrokerError::Status(code) => {
                AppError::Rejected { cluster, reason: format!("HTTP {code} from the broker, without a reason") }
            }
            other => page_error(&cluster, other),
        }
    }

    /// The broker's version, from the snapshot: which policy keys it takes.
    pub(super) async fn version(feed: &Feed) -> Result<Version, AppError> {
        let (snapshot, _) = feed.current().await?;
        Ok(Version::parse(&snapshot.overview.rabbitmq_version))
    }

    async fn publish_copies(&self, feed: &Feed, login: &ActAs, message: &Publish) -> Result<Published, AppError> {
        message.check()?;
        let properties = message.broker_properties()?;
        let body = json!({
            "properties": properties,
            "routing_key": message.routing_key,
            "payload": message.payload,
            "payload_encoding": if message.encoding == PayloadEncoding::Base64 { "base64" } else { "string" },
        });
        let path = api_path(&["exchanges", &message.vhost, message.exchange_path_name(), "publish"]);
        let mut routed = 0;
        for sent in 0..message.copies {
            let reply: Result<Value, AppError> =
                Self::send(feed, login, (Method::POST, "publish", path.clone()), &[], Some(&body)).await;
            match reply {
                Ok(reply) => routed += u32::from(reply.get("routed").and_then(Value::as_bool).unwrap_or(false)),
                Err(error) if sent == 0 => return Err(error),
                Err(error) => {
                    return Err(AppError::BadRequest(format!(
                        "{sent} of {} copies were published, then: {error}",
                        message.copies
                    )))
                }
            }
        }
        if routed < message.copies {
            self.clusters.advisor().note_own_returns(feed.name(), u64::from(message.copies - routed));
        }
        let routing = if routed < message.copies {
            let (snapshot, _) = feed.current().await?;
            let headers: Vec<(String, Value)> = properties
                .get("headers")
                .and_then(Value::as_object)
                .map(|h| h.clone().into_iter().collect())
                .unwrap_or_default();
            let exchange = if message.exchange == "amq.default" { "" } else { &message.exchange };
            Some(snapshot.topology(&message.vhost).route(exchange, &message.routing_key, &headers))
        } else {
            None
        };
        Ok(Published { copies: message.copies, routed, routing })
    }

    /// Deletes, after which the snapshot shows the object gone.
    async fn delete(
        feed: &Feed,
        login: &ActAs,
        (endpoint, path): (&'static str, String),
        query: &[(&str, String)],
    ) -> Result<(), AppError> {
        Self::send::<Value>(feed, login, (Method::DELETE, endpoint, path), query, None).await.map(drop)
    }

    /// Templates belong to no cluster: their audit entries name only the template.
    async fn audited_template(
        &self,
        who: &dyn Access,
        action: &str,
        name: &str,
        result: Result<(), AppError>,
    ) -> Result<(), AppError> {
        let outcome = if result.is_ok() { Outcome::Ok } else { Outcome::Failed };
        let target = Target { object: Some(format!("template {name:?}")), ..Default::default() };
        self.audit.record(&who.actor(), action, target, outcome, result.as_ref().err().map(ToString::to_string)).await;
        result
    }

    fn template_owner(who: &dyn Access) -> String {
        let actor = who.actor();
        format!("{}:{}", actor.source, actor.name)
    }
}

/// `?if-empty=true` style flags, only those that are set.
fn flags(pairs: &[(&'static str, bool)]) -> Vec<(&'static str, String)> {
    pairs.iter().filter(|(_, on)| *on).map(|(k, _)| (*k, "true".to_string())).collect()
}

type Pairs = Vec<(String, String)>;

/// A fetched message's properties and its headers, each as (name, JSON text).
fn message_fields(properties: &Map<String, Value>) -> (Pairs, Pairs) {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let headers = properties
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| h.iter().map(|(k, v)| (k.clone(), text(v))).collect())
        .unwrap_or_default();
    let rest = properties.iter().filter(|(k, _)| *k != "headers").map(|(k, v)| (k.clone(), text(v))).collect();
    (rest, headers)
}

#[async_trait::async_trait]
impl app::api::Operations for Operations {
    async fn publish(&self, who: &dyn Access, cluster: &str, message: &Publish) -> Result<Published, AppError> {
        let object =
            format!("exchange {:?} key {:?} ×{}", message.exchange_path_name(), message.routing_key, message.copies);
        let result = async {
            let (feed, login) = self.target(who, cluster, &message.vhost)?;
            self.publish_copies(feed, &login, message).await
        }
        .await;
        self.audited(who, (cluster, &message.vhost, "publish", object), result).await
    }

    async fn get_messages(
        &self,
        who: &dyn Access,
        cluster: &str,
        get: &GetRequest,
    ) -> Result<Vec<GotMessage>, AppError> {
        let object = format!("queue {:?} ×{} {:?}", get.queue, get.count, get.ack);
        let result = async {
            let (feed, login) = self.target(who, cluster, &get.vhost)?;
            get.check()?;
            let mut body = json!({
                "count": get.count,
                "ackmode": get.ack.broker_name(),
                "encoding": if get.base64 { "base64" } else { "auto" },
            });
            if let Some(bytes) = get.truncate {
                body["truncate"] = json!(bytes);
            }
            let path = api_path(&["queues", &get.vhost, &get.queue, "get"]);
            let messages: Vec<Value> = Self::send(feed, &login, (Method::POST, "get", path), &[], Some(&body)).await?;
            if get.ack.removes() {
                let _ = feed.refresh_queue(&get.vhost, &get.queue).await;
            }
            Ok(messages
                .into_iter()
                .map(|m| {
                    let text = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                    let number = |k: &str| m.get(k).and_then(Value::as_u64).unwrap_or_default();
                    let (properties, headers) =
                        m.get("properties").and_then(Value::as_object).map(message_fields).unwrap_or_default();
                    GotMessage {
                        payload: text("payload"),
                        payload_encoding: text("payload_encoding"),
                        payload_bytes: number("payload_bytes"),
                        redelivered: m.get("redelivered").and_then(Value::as_bool).unwrap_or(false),
                        exchange: text("exchange"),
                        routing_key: text("routing_key"),
                        message_count: number("message_count"),
                        properties,
                        headers,
                    }
                })
                .collect())
        }
        .await;
        self.audited(who, (cluster, &get.vhost, "get_messages", object), result).await
    }

    async fn purge(&self, who: &dyn Access, cluster: &str, vhost: &str, queue: &str) -> Result<(), AppError> {
        let result = async {
            let (feed, login) = self.target(who, cluster, vhost)?;
            check_name(ObjectKind::Queue, queue)?;
            Self::delete(feed, &login, ("purge", api_path(&["queues", vhost, queue, "contents"])), &[]).await?;
            let _ = feed.refresh_queue(vhost, queue).await;
            Ok(())
        }
        .await;
        self.audited(who, (cluster, vhost, "purge_queue", format!("queue {queue:?}")), result).await
    }

    async fn create_queue(&self, who: &dyn Access, cluster: &str, queue: &NewQueue) -> Result<(), AppError> {
        let result = async {
            let (feed, login) = self.target(who, cluster, &queue.vhost)?;
            let body = queue.body()?;
            let path = api_path(&["queues", &queue.vhost, &queue.name]);
            // The broker's PUT also succeeds on an identical existing queue; refuse to "create" it.
            if let Ok((snapshot, _)) = feed.current().await {
                if snapshot.queue(&queue.vhost, &queue.name).is_some() {
                    return Err(AppError::BadRequest(format!("a queue named {:?} already exists", queue.name)));
                }
            }
            Self::send::<Value>(feed, &login, (Method::PUT, "create_queue", path), &[], Some(&body)).await?;
            let _ = feed.refresh_queue(&queue.vhost, &queue.name).await;
            Ok(())
        }
        .await;
        let object = format!("queue {:?} ({})", queue.name, queue.kind.as_str());
        self.audited(who, (cluster, &queue.vhost, "create_queue", object), result).await
    }

    async fn delete_queue(&self, who: &dyn Access, cluster: &str, delete: &QueueDeletion) -> Result<(), AppError> {
        let result = async {
            let (feed, login) = self.target(who, cluster, &delete.vhost)?;
            check_name(ObjectKind::Queue, &delete.name)?;
            let query = flags(&[("if-empty", delete.if_empty), ("if-unused", delete.if_unused)]);
            Self::delete(feed, &login, ("delete_queue", api_path(&["queues", &delete.vhost, &delete.name])), &query)
                .await?;
            let _ = feed.refresh_queue(&delete.vhost, &delete.name).await;
            Ok(())
        }
        .await;
        self.audited(who, (cluster, &delete.vhost, "delete_queue", format!("queue {:?}", delete.name)), result).await
    }

    async fn create_exchange(&self, who: &dyn Access, cluster: &str, exchange: &NewExchange) -> Result<(), AppError> {
        let result = async {
            let (feed, login) = self.target(who, cluster, &exchange.vhost)?;
            let body = exchange.body()?;
            if let Ok((snapshot, _)) = feed.current().await {
                if snapshot.exchange(&exchange.vhost, &exchange.name).is_some() {
                    return Err(AppError::BadRequest(format!("an exchange named {:?} already exists", exchange.name)));
                }
            }
            let path = api_path(&["exchanges", &exchange.vhost, &exchange.name]);
            Self::send::<Value>(feed, &login, (Method::PUT, "create_exchange", path), &[], Some(&body)).await?;
            let _ = feed.refresh_exchange(&exchange.vhost, &exchange.name).await;
            Ok(())
        }
        .await;
        let object = format!("exchange {:?} ({})", exchange.name, exchange.kind);
        self.audited(who, (cluster, &exchange.vhost, "create_exchange", object), result).await
    }

    async fn delete_exchange(
        &self,
        who: &dyn Access,
        cluster: &str,
        delete: &ExchangeDeletion,
    ) -> Result<(), AppError> {
        let result = async {
            let (feed, login) = self.target(who, cluster, &delete.vhost)?;
            check_name(ObjectKind::Exchange, &delete.name)?;
            if delete.name.starts_with("amq.") {
                return Err(AppError::BadRequest("the broker's own amq.* exchanges cannot be deleted".into()));
            }
            let query = flags(&[("if-unused", delete.if_unused)]);
            let path = api_path(&["exchanges", &delete.vhost, &delete.name]);
            Self::delete(feed, &login, ("delete_exchange", path), &query).await?;
            let _ = feed.refresh_exchange(&delete.vhost, &delete.name).await;
            Ok(())
        }
        .await;
        let object = format!("exchange {:?}", delete.name);
        self.audited(who, (cluster, &delete.vhost, "delete_exchange", object), result).await
    }

    async fn add_binding(&self, who: &dyn Access, cluster: &str, binding: &NewBinding) -> Result<(), AppError> {
        let result = async {
            let (feed, login) = self.target(who, cluster, &binding.vhost)?;
            let body = binding.body()?;
            let kind = if binding.to_queue { "q" } else { "e" };
            let path = api_path(&["bindings", &binding.vhost, "e", &binding.source, kind, &binding.destination]);
            let sent = Self::send::<Value>(feed, &login, (Method::POST, "add_binding", path), &[], Some(&body)).await;
            if let Err(AppError::Rejected { .. }) = &sent {
                // RabbitMQ 4.0 answers a binding to a missing queue or exchange with a bare 500:
                // say which end is missing when that is why.
                let ends = [(true, &binding.source), (!binding.to_queue, &binding.destination)];
                for (is_exchange, name) in ends {
                    let collection = if is_exchange { "exchanges" } else { "queues" };
                    let path = api_path(&[collection, &binding.vhost, name]);
                    if let Err(AppError::NotFound(_)) =
                        Self::send::<Value>(feed, &login, (Method::GET, "binding_end", path), &[], None).await
                    {
                        let what = if is_exchange { "exchange" } else { "queue" };
                        return Err(AppError::NotFound(format!(
                            "no such {what} {name:?} in vhost {:?}",
                            binding.vhost
                        )));
                    }
                }
            }
            sent?;
            let _ = feed.refresh_exchange(&binding.vhost, &binding.source).await;
            Ok(())
        }
        .await;
        let object = format!("binding {:?} → {:?} key {:?}", binding.source, binding.destination, binding.routing_key);
        self.audited(who, (cluster, &binding.vhost, "add_binding", object), result).await
    }

    async fn remove_binding(&self, who: &dyn Access, cluster: &str, binding: &BindingRef) -> Result<(), AppError> {
        let result = async {
            let (feed, login) = self.target(who, cluster, &binding.vhost)?;
            check_name(ObjectKind::SourceExchange, &binding.source)?;
            check_name(
                if binding.to_queue { ObjectKind::Queue } else { ObjectKind::DestinationExchange },
                &binding.destination,
            )?;
            let kind = if binding.to_queue { "q" } else { "e" };
            let path = api_path(&[
                "bindings",
                &binding.vhost,
                "e",
                &binding.source,
                kind,
                &binding.destination,
                // An empty key (a binding with an empty routing key) is named "~" by the API.
                if binding.properties_key.is_empty() { "~" } else { &binding.properties_key },
            ]);
            Self::delete(feed, &login, ("remove_binding", path), &[]).await?;
            let _ = feed.refresh_exchange(&binding.vhost, &binding.source).await;
            Ok(())
        }
        .await;
        let object = format!("binding {:?} → {:?} ({})", binding.source, binding.destination, binding.properties_key);
        self.audited(who, (cluster, &binding.vhost, "remove_binding", object), result).await
    }

    async fn save_policy(&self, who: &dyn Access, cluster: &str, draft: &PolicyDraft) -> Result<(), AppError> {
        let result = async {
            Self::check_policy_kind(who, draft.operator)?;
            let (feed, login) = self.target(who, cluster, &draft.vhost)?;
            let checked = draft.check(Self::version(feed).await?);
            if let Some(first) = checked.errors.first() {
                return Err(first.clone().into());
            }
            crate::service::preview::compile_policy_pattern(&draft.pattern)?;
            let kind = if draft.operator { "operator-policies" } else { "policies" };
            let path = api_path(&[kind, &draft.vhost, &draft.name]);
            let body = draft.body(&checked.definition);
            Self::send::<Value>(feed, &login, (Method::PUT, "save_policy", path), &[], Some(&body)).await?;
            let _ = feed.refresh_policies(&draft.vhost).await;
            Ok(())
        }
        .await;
        let action = if draft.operator { "save_operator_policy" } else { "save_policy" };
        let object = format!("policy {:?} pattern {:?} priority {}", draft.name, draft.pattern, draft.priority);
        self.audited(who, (cluster, &draft.vhost, action, object), result).await
    }

    async fn delete_policy(&self, who: &dyn Access, cluster: &str, policy: &PolicyRef) -> Result<(), AppError> {
        let result = async {
            Self::check_policy_kind(who, policy.operator)?;
            let (feed, login) = self.target(who, cluster, &policy.vhost)?;
            check_name(ObjectKind::Policy, &policy.name)?;
            let kind = if policy.operator { "operator-policies" } else { "policies" };
            Self::delete(feed, &login, ("delete_policy", api_path(&[kind, &policy.vhost, &policy.name])), &[]).await?;
            let _ = feed.refresh_policies(&policy.vhost).await;
            Ok(())
        }
        .await;
        let action = if policy.operator { "delete_operator_policy" } else { "delete_policy" };
        self.audited(who, (cluster, &policy.vhost, action, format!("policy {:?}", policy.name)), result).await
    }

    async fn preview_import(
        &self,
        who: &dyn Access,
        cluster: &str,
        import: &Import,
    ) -> Result<ImportPreview, AppError> {
        self.preview_definitions(who, cluster, import).await.map(|(preview, _)| preview)
    }

    async fn close_connection(&self, who: &dyn Access, cluster: &str, close: &ConnectionClose) -> Result<(), AppError> {
        self.close(who, cluster, close).await
    }

    async fn close_user_connections(
        &self,
        who: &dyn Access,
        cluster: &str,
        close: &UserConnectionsClose,
    ) -> Result<u64, AppError> {
        self.close_all_of(who, cluster, close).await
    }

    async fn move_messages(
        &self,
        who: &dyn Access,
        cluster: &str,
        request: &MessageMove,
    ) -> Result<MoveStarted, AppError> {
        self.start_move(who, cluster, request).await
    }

    async fn delete_shovel(&self, who: &dyn Access, cluster: &str, shovel: &ShovelRef) -> Result<(), AppError> {
        self.remove_shovel(who, cluster, shovel).await
    }

    async fn import_definitions(
        &self,
        who: &dyn Access,
        cluster: &str,
        import: &Import,
    ) -> Result<ImportPreview, AppError> {
        self.apply_definitions(who, cluster, import).await
    }

    async fn templates(&self, who: &dyn Access) -> Result<Vec<Template>, AppError> {
        let rows = self.templates.list(Self::template_owner(who)).await?;
        // A template the current code cannot read is skipped rather than failing the whole list.
        Ok(rows
            .into_iter()
            .filter_map(|(name, message)| Some(Template { name, message: serde_json::from_str(&message).ok()? }))
            .collect())
    }

    async fn save_template(&self, who: &dyn Access, name: &str, message: &Publish) -> Result<(), AppError> {
        let name = name.trim().to_string();
        let result = async {
            check_template_name(&name)?;
            message.check()?;
            let text = serde_json::to_string(message).map_err(|_| AppError::Internal)?;
            match self.templates.save(Self::template_owner(who), name.clone(), text, MAX_TEMPLATES).await? {
                true => Ok(()),
                false => {
                    Err(AppError::BadRequest(format!("you have {MAX_TEMPLATES} templates already; delete one first")))
                }
            }
        }
        .await;
        self.audited_template(who, "save_template", &name, result).await
    }

    async fn delete_template(&self, who: &dyn Access, name: &str) -> Result<(), AppError> {
        let result = match self.templates.delete(Self::template_owner(who), name.to_string()).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::NotFound("no template of yours has that name".into())),
            Err(error) => Err(error.into()),
        };
        self.audited_template(who, "delete_template", name, result).await
    }
}
