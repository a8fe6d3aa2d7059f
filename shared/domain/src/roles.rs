//! Roles within an organisation and what each may do. The one place that answers
//! "may this member do that?".

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// A member's role, from most to least powerful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Operator,
    Viewer,
}

/// Something a member may be allowed to do in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the organisation and its data.
    Read,
    /// Add, change and remove members below owner.
    ManageMembers,
    /// Grant, change or take away the owner role.
    ManageOwners,
    /// Read the audit trail.
    ReadAudit,
    /// Add and change cloud credentials, start syncs and runs, approve runs.
    Operate,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Operator, Role::Viewer];

    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Admin => matches!(permission, Read | ManageMembers | ReadAudit | Operate),
            Role::Operator => matches!(permission, Read | Operate),
            Role::Viewer => matches!(permission, Read),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        raw.parse().map_err(|_| FieldError::new(field, "invalid_role", "role is one of owner, admin, operator, viewer"))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|role| role.as_str() == s).ok_or(())
    }
}

/// Why a role change or removal is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MembershipRuleError {
    #[error("only an owner can grant, change or remove the owner role")]
    OnlyOwnersManageOwners,
    #[error("you do not have permission to manage members")]
    NotAllowed,
}

/// May `actor` give `target_current` (None when adding) the role `target_new` (None when removing)?
/// The last-owner rule is checked where the owner count is written, atomically, not here.
pub fn check_member_change(
    actor: Role,
    target_current: Option<Role>,
    target_new: Option<Role>,
) -> Result<(), MembershipRuleError> {
    if !actor.allows(Permission::ManageMembers) {
        return Err(MembershipRuleError::NotAllowed);
    }
    let touches_owner = target_current == Some(Role::Owner) || target_new == Some(Role::Owner);
    if touches_owner && !actor.allows(Permission::ManageOwners) {
        return Err(MembershipRuleError::OnlyOwnersManageOwners);
    }
    Ok(())
}

/// How a change moves the organisation's owner count: +1, -1 or 0.
pub fn owner_delta(current: Option<Role>, new: Option<Role>) -> i64 {
    let was = i64::from(current == Some(Role::Owner));
    let will = i64::from(new == Some(Role::Owner));
    will - was
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn permissions_by_role() {
        let table = [
            (Role::Owner, [true, true, true, true, true]),
            (Role::Admin, [true, true, false, true, true]),
            (Role::Operator, [true, false, false, false, true]),
            (Role::Viewer, [true, false, false, false, false]),
        ];
        for (role, expected) in table {
            let got = [Read, ManageMembers, ManageOwners, ReadAudit, Operate].map(|p| role.allows(p));
            assert_eq!(got, expected, "{role}");
        }
    }

    #[test]
    fn admins_manage_members_but_not_owners() {
        assert_eq!(check_member_change(Role::Admin, None, Some(Role::Viewer)), Ok(()));
        assert_eq!(check_member_change(Role::Admin, Some(Role::Viewer), Some(Role::Admin)), Ok(()));
        assert_eq!(
            check_member_change(Role::Admin, None, Some(Role::Owner)),
            Err(MembershipRuleError::OnlyOwnersManageOwners)
        );
        assert_eq!(
            check_member_change(Role::Admin, Some(Role::Owner), None),
            Err(MembershipRuleError::OnlyOwnersManageOwners)
        );
        assert_eq!(check_member_change(Role::Owner, Some(Role::Owner), Some(Role::Admin)), Ok(()));
    }

    #[test]
    fn operators_and_viewers_cannot_manage_members() {
        for actor in [Role::Operator, Role::Viewer] {
            assert_eq!(check_member_change(actor, None, Some(Role::Viewer)), Err(MembershipRuleError::NotAllowed));
        }
    }

    #[test]
    fn owner_delta_counts_owner_transitions() {
        assert_eq!(owner_delta(None, Some(Role::Owner)), 1);
        assert_eq!(owner_delta(Some(Role::Owner), Some(Role::Admin)), -1);
        assert_eq!(owner_delta(Some(Role::Owner), None), -1);
        assert_eq!(owner_delta(Some(Role::Owner), Some(Role::Owner)), 0);
        assert_eq!(owner_delta(Some(Role::Viewer), None), 0);
    }

    #[test]
    fn role_parses_only_known_names() {
        assert_eq!(Role::parse("role", "admin"), Ok(Role::Admin));
        assert_eq!(Role::parse("role", "Admin").unwrap_err().code, "invalid_role");
        assert_eq!(Role::parse("role", "root").unwrap_err().field, "role");
    }
}
