//! What the API answers with: the JSON views of domain objects, shared by every area.

use chrono::{DateTime, Utc};
use serde::Serialize;
use skyforge_domain::accounts::{ApiToken, Membership, Organization, User};
use skyforge_domain::audit::AuditEvent;
use skyforge_domain::page::Page;
use skyforge_domain::roles::Role;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    #[schema(example = "usr_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub email: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        Self { id: u.id.to_string(), email: u.email, name: u.name, created_at: u.created_at }
    }
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleView {
    Owner,
    Admin,
    Operator,
    Viewer,
}

impl From<Role> for RoleView {
    fn from(role: Role) -> Self {
        match role {
            Role::Owner => Self::Owner,
            Role::Admin => Self::Admin,
            Role::Operator => Self::Operator,
            Role::Viewer => Self::Viewer,
        }
    }
}

/// An organisation as its member sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    #[schema(example = "org_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub name: String,
    /// The caller's role in it.
    pub role: RoleView,
    pub created_at: DateTime<Utc>,
}

impl OrgView {
    pub fn new(org: Organization, role: Role) -> Self {
        Self { id: org.id.to_string(), name: org.name, role: role.into(), created_at: org.created_at }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub role: RoleView,
    pub joined_at: DateTime<Utc>,
}

impl From<Membership> for MemberView {
    fn from(m: Membership) -> Self {
        Self {
            user_id: m.user_id.to_string(),
            email: m.email,
            name: m.name,
            role: m.role.into(),
            joined_at: m.joined_at,
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScopeView {
    Read,
    Write,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    #[schema(example = "tok_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub name: String,
    pub scope: ScopeView,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        let scope = match t.scope {
            skyforge_domain::auth::TokenScope::Read => ScopeView::Read,
            skyforge_domain::auth::TokenScope::Write => ScopeView::Write,
        };
        Self {
            id: t.id.to_string(),
            name: t.name,
            scope,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: String,
    pub occurred_at: DateTime<Utc>,
    /// What was done, e.g. `member.add`, `auth.login`.
    pub action: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    pub actor_user_id: Option<String>,
    pub actor_email: Option<String>,
    pub org_id: Option<String>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub detail: Option<String>,
}

/// The word an enum serialises to (`succeeded`, `created`, ...), for views that show it as text.
pub fn wire_word<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl From<AuditEvent> for AuditEventView {
    fn from(e: AuditEvent) -> Self {
        let outcome = wire_word(&e.outcome);
        Self {
            id: e.id.to_string(),
            occurred_at: e.occurred_at,
            action: e.action.as_str().to_owned(),
            outcome,
            actor_user_id: e.actor_user_id.map(|id| id.to_string()),
            actor_email: e.actor_email,
            org_id: e.org_id.map(|id| id.to_string()),
            target_kind: e.target_kind,
            target_id: e.target_id,
            ip: e.ip,
            detail: e.detail,
        }
    }
}

/// One page of a list: `items`, and `next_cursor` to pass as `cursor` for the next page
/// (`null` on the last page).
#[derive(Debug, Serialize, ToSchema)]
pub struct ListOf<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> ListOf<T> {
    pub fn from_page<U>(page: Page<U>) -> Self
    where
        T: From<U>,
    {
        Self { items: page.items.into_iter().map(T::from).collect(), next_cursor: page.next_cursor }
    }
}
