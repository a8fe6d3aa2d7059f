//! Organisations and their members. Every call that names an organisation goes through
//! [`OrgService::access`] first: a non-member gets "not found", as if it did not exist.

use std::sync::Arc;

use skyforge_domain::ValidationErrors;
use skyforge_domain::accounts::{Membership, Organization, User};
use skyforge_domain::audit::Action;
use skyforge_domain::ids::{OrgId, UserId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::roles::{Permission, Role, check_member_change};
use skyforge_domain::values::{Email, Label};

use crate::audit::{AuditService, Subject};
use crate::auth::NAME_MAX;
use crate::error::AppError;
use crate::ports::{Clock, Orgs, Ports, Users};
use crate::principal::{Caller, Principal};

/// A caller's verified membership of one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgAccess {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub role: Role,
}

impl OrgAccess {
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("your role ({}) does not allow this", self.role)))
        }
    }
}

pub struct OrgService {
    users: Arc<dyn Users>,
    orgs: Arc<dyn Orgs>,
    clock: Arc<dyn Clock>,
    audit: Arc<AuditService>,
}

impl OrgService {
    pub fn new(ports: &Ports, audit: Arc<AuditService>) -> Self {
        Self { users: ports.users.clone(), orgs: ports.orgs.clone(), clock: ports.clock.clone(), audit }
    }

    /// The caller's membership of `org`, or `NotFound` when there is none (or no such org).
    pub async fn access(&self, principal: &Principal, org: &str) -> Result<OrgAccess, AppError> {
        let org_id: OrgId = org.parse().map_err(|_| AppError::NotFound("organisation"))?;
        let membership =
            self.orgs.membership(org_id, principal.user_id).await?.ok_or(AppError::NotFound("organisation"))?;
        Ok(OrgAccess { org_id, user_id: principal.user_id, role: membership.role })
    }

    pub async fn me(&self, principal: &Principal) -> Result<(User, Vec<(Organization, Role)>), AppError> {
        let user = self.users.get(principal.user_id).await?.ok_or(AppError::InvalidToken)?;
        let mut orgs = self.orgs.of_user(user.id).await?;
        orgs.sort_by_key(|a| a.0.created_at);
        Ok((user, orgs))
    }

    pub async fn create(&self, principal: &Principal, name: &str, caller: &Caller) -> Result<Organization, AppError> {
        let name = Label::parse("name", name, NAME_MAX)?;
        let user = self.users.get(principal.user_id).await?.ok_or(AppError::InvalidToken)?;
        let now = self.clock.now();
        let org = Organization { id: OrgId::new(), name: name.into_string(), created_at: now };
        let owner = Membership::new(org.id, &user, Role::Owner, now);
        let result = self.orgs.create(&org, &owner).await.map_err(AppError::from).map(|()| org.clone());
        self.audit
            .outcome(caller, Subject::new(Action::OrgCreate).in_org(org.id).target("organisation", org.id), result)
            .await
    }

    pub async fn get(&self, access: &OrgAccess) -> Result<Organization, AppError> {
        self.orgs.get(access.org_id).await?.ok_or(AppError::NotFound("organisation"))
    }

    pub async fn members(&self, access: &OrgAccess, page: &PageRequest) -> Result<Page<Membership>, AppError> {
        access.require(Permission::Read)?;
        Ok(self.orgs.members(access.org_id, page).await?)
    }

    pub async fn add_member(
        &self,
        access: &OrgAccess,
        email: &str,
        role: &str,
        caller: &Caller,
    ) -> Result<Membership, AppError> {
        let mut errors = ValidationErrors::default();
        let email = errors.check(Email::parse("email", email));
        let role = errors.check(Role::parse("role", role));
        errors.finish()?;
        let (email, role) = (email.unwrap(), role.unwrap());
        let subject = Subject::new(Action::MemberAdd).in_org(access.org_id).target("user", &email);

        let result = async {
            check_member_change(access.role, None, Some(role))?;
            let user = self.users.by_email(&email).await?.ok_or(AppError::UserNotFound)?.user;
            let member = Membership::new(access.org_id, &user, role, self.clock.now());
            self.orgs.add_member(&member).await?;
            Ok(member)
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }

    pub async fn change_role(
        &self,
        access: &OrgAccess,
        user: &str,
        role: &str,
        caller: &Caller,
    ) -> Result<Membership, AppError> {
        let new_role = Role::parse("role", role)?;
        let target = parse_member_id(user)?;
        let subject = Subject::new(Action::MemberUpdate).in_org(access.org_id).target("user", target);
        let result = async {
            let current = self.orgs.membership(access.org_id, target).await?.ok_or(AppError::NotFound("member"))?;
            check_member_change(access.role, Some(current.role), Some(new_role))?;
            if current.role == new_role {
                return Ok(current);
            }
            Ok(self.orgs.change_role(access.org_id, target, current.role, new_role).await?)
        }
        .await;
        let detail = result.as_ref().ok().map(|m| format!("role={}", m.role));
        match result {
            Ok(member) => {
                self.audit.record(caller, subject, skyforge_domain::audit::Outcome::Success, detail).await;
                Ok(member)
            }
            Err(error) => self.audit.outcome(caller, subject, Err(error)).await,
        }
    }

    /// Removes a member. Anyone may leave an organisation; removing others takes the right to
    /// manage members. The last owner can do neither.
    pub async fn remove_member(&self, access: &OrgAccess, user: &str, caller: &Caller) -> Result<(), AppError> {
        let target = parse_member_id(user)?;
        let subject = Subject::new(Action::MemberRemove).in_org(access.org_id).target("user", target);
        let result = async {
            let current = self.orgs.membership(access.org_id, target).await?.ok_or(AppError::NotFound("member"))?;
            if target != access.user_id {
                check_member_change(access.role, Some(current.role), None)?;
            }
            Ok(self.orgs.remove_member(access.org_id, target, current.role).await?)
        }
        .await;
        self.audit.outcome(caller, subject, result).await
    }
}

fn parse_member_id(raw: &str) -> Result<UserId, AppError> {
    raw.parse().map_err(|_| AppError::NotFound("member"))
}
