//! What the API answers with: the JSON views of domain objects, shared by every area.

use chrono::{DateTime, Utc};
use serde::Serialize;
use skyforge_domain::accounts::{ApiToken, Membership, Organization, User};
use skyforge_domain::audit::{Action, AuditEvent, Outcome};
use skyforge_domain::auth::TokenScope;
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

/// An organisation as its member sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    #[schema(example = "org_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub name: String,
    /// The caller's role in it.
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl OrgView {
    pub fn new(org: Organization, role: Role) -> Self {
        Self { id: org.id.to_string(), name: org.name, role, created_at: org.created_at }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub joined_at: DateTime<Utc>,
}

impl From<Membership> for MemberView {
    fn from(m: Membership) -> Self {
        Self { user_id: m.user_id.to_string(), email: m.email, name: m.name, role: m.role, joined_at: m.joined_at }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    #[schema(example = "tok_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O")]
    pub id: String,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name,
            scope: t.scope,
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
    pub action: Action,
    pub outcome: Outcome,
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
        Self {
            id: e.id.to_string(),
            occurred_at: e.occurred_at,
            action: e.action,
            outcome: e.outcome,
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
    /// Opaque: pass it back unchanged, to this list only.
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<skyforge_domain::page::Cursor>,
}

impl<T: ToSchema> ListOf<T> {
    pub fn from_page<U>(page: Page<U>) -> Self
    where
        T: From<U>,
    {
        Self { items: page.items.into_iter().map(T::from).collect(), next_cursor: page.next_cursor }
    }
}
