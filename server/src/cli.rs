//! The command line: `warren` (or `warren serve`) runs the console; `warren user …` and
//! `warren token …` manage users and screen tokens in the data directory's store.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};
use app::auth::{Actor, Role};
use clap::{Parser, Subcommand};

use crate::store::audit::{Audit, Outcome, Target};
use crate::store::Store;
use crate::store::{tokens, users};

#[derive(Parser)]
#[command(name = "warren", version, about = "A web console for RabbitMQ clusters")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the console (the default).
    Serve,
    /// Manage Warren's own users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage read-only wall-screen tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from the terminal (twice) or from one line of stdin.
    Add {
        name: String,
        #[command(flatten)]
        grant: Grant,
    },
    /// Set a user's password (read like `add`'s); ends their sessions.
    SetPassword {
        name: String,
    },
    /// Set a user's role and limits.
    SetRole {
        name: String,
        #[command(flatten)]
        grant: Grant,
    },
    Delete {
        name: String,
    },
    List,
}

/// What a user may do: a role, optionally limited to some clusters and vhosts.
#[derive(clap::Args)]
pub struct Grant {
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// Limit to these clusters (comma-separated); default: every cluster.
    #[arg(long, value_delimiter = ',')]
    clusters: Option<Vec<String>>,
    /// Limit to vhosts matching this regex (e.g. '^team-a-'); default: every vhost.
    #[arg(long)]
    vhosts: Option<String>,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (shown only this once).
    Create {
        label: String,
        #[arg(long, value_delimiter = ',')]
        clusters: Option<Vec<String>>,
    },
    List,
    Revoke {
        id: i64,
    },
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| "one of: viewer, operator, admin".to_string())
}

/// Who ran the command, for the audit log.
fn cli_actor() -> Actor {
    use std::os::unix::fs::MetadataExt;
    let name =
        ["SUDO_USER", "USER", "LOGNAME"].into_iter().find_map(|var| std::env::var(var).ok()).unwrap_or_else(|| {
            std::fs::metadata("/proc/self").map(|m| format!("uid {}", m.uid())).unwrap_or_else(|_| "unknown".into())
        });
    Actor { name, source: "cli".into(), role: Some(Role::Admin), client_addr: None, user_agent: None }
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Again: ")?;
        if first != second {
            bail!("the passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// Runs a user or token command against the store; prints what it did.
pub async fn run(command: Command, store: Store, cluster_names: &[String]) -> anyhow::Result<()> {
    let audit = Audit::new(store.clone());
    let actor = cli_actor();
    let check_clusters = |clusters: &Option<Vec<String>>| -> anyhow::Result<()> {
        for name in clusters.iter().flatten() {
            if !cluster_names.contains(name) {
                bail!("no cluster named {name:?} is configured (configured: {})", cluster_names.join(", "));
            }
        }
        Ok(())
    };
    let (action, object) = match command {
        Command::Serve => unreachable!("serve is handled by main"),
        Command::User(UserCommand::Add { name, grant: Grant { role, clusters, vhosts } }) => {
            check_clusters(&clusters)?;
            let password = read_password()?;
            users::add(&store, &name, &password, role, clusters, vhosts, false)?;
            println!("added {} user {name}", role.as_str());
            ("add_user", format!("user {name} as {}", role.as_str()))
        }
        Command::User(UserCommand::SetPassword { name }) => {
            let password = read_password()?;
            users::set_password(&store, &name, &password)?;
            println!("password of {name} set; their sessions ended");
            ("set_password", format!("user {name}"))
        }
        Command::User(UserCommand::SetRole { name, grant: Grant { role, clusters, vhosts } }) => {
            check_clusters(&clusters)?;
            users::set_role(&store, &name, role, clusters, vhosts)?;
            println!("{name} is now {}", role.as_str());
            ("set_role", format!("user {name} as {}", role.as_str()))
        }
        Command::User(UserCommand::Delete { name }) => {
            users::delete(&store, &name)?;
            println!("deleted user {name}");
            ("delete_user", format!("user {name}"))
        }
        Command::User(UserCommand::List) => {
            for user in users::list(&store)? {
                let clusters = user.clusters.map(|c| c.join(",")).unwrap_or_else(|| "*".into());
                let vhosts = user.vhost_pattern.unwrap_or_else(|| "*".into());
                println!("{}\t{}\tclusters={clusters}\tvhosts={vhosts}", user.name, user.role.as_str());
            }
            return Ok(());
        }
        Command::Token(TokenCommand::Create { label, clusters }) => {
            check_clusters(&clusters)?;
            if label.trim().is_empty() {
                bail!("a token needs a label");
            }
            let (info, token) = tokens::create(&store, label.trim(), clusters, &actor.name)?;
            println!("{token}");
            eprintln!(
                "screen token {} created; it is shown only now. Open a page with ?token=… in the kiosk browser.",
                info.id
            );
            ("create_screen_token", format!("screen token {} {:?}", info.id, info.label))
        }
        Command::Token(TokenCommand::List) => {
            for t in tokens::list(&store)? {
                let clusters = t.clusters.map(|c| c.join(",")).unwrap_or_else(|| "*".into());
                let state = if t.revoked_at_ms.is_some() { "revoked" } else { "live" };
                println!("{}\t{}\t{state}\tclusters={clusters}\tby={}", t.id, t.label, t.created_by);
            }
            return Ok(());
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            if !tokens::revoke(&store, id).context("revoking")? {
                bail!("no live screen token {id}");
            }
            println!("revoked screen token {id}");
            ("revoke_screen_token", format!("screen token {id}"))
        }
    };
    let target = Target { object: Some(object), ..Default::default() };
    audit.record(&actor, action, target, Outcome::Ok, None).await;
    Ok(())
}
