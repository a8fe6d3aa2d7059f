//! Organisations and members: the last owner, roles, isolation, the member list's pages.

use skyforge_app::AppError;
use skyforge_domain::page::PageRequest;
use skyforge_domain::roles::Role;

use crate::support::{Platform, caller, session};

#[tokio::test]
async fn the_last_owner_cannot_leave_their_organisation() {
    let platform = Platform::new();
    let (owner, org) = platform.signup("owner@example.com").await;
    let access = platform.access(&owner, &org).await;

    let left = platform.services.orgs.remove_member(&access, &owner.id.to_string(), &caller()).await;

    assert!(matches!(left, Err(AppError::LastOwner)), "{left:?}");
    let still = platform.services.orgs.members(&access, &PageRequest::first(10)).await.unwrap();
    assert_eq!(still.items.iter().map(|m| (m.user_id, m.role)).collect::<Vec<_>>(), [(owner.id, Role::Owner)]);
}

#[tokio::test]
async fn the_last_owner_cannot_demote_themselves() {
    let platform = Platform::new();
    let (owner, org) = platform.signup("owner@example.com").await;
    let access = platform.access(&owner, &org).await;
    platform.member(&access, "admin@example.com", "admin").await;

    let demoted = platform.services.orgs.change_role(&access, &owner.id.to_string(), "admin", &caller()).await;

    assert!(matches!(demoted, Err(AppError::LastOwner)), "{demoted:?}");
    assert_eq!(platform.access(&owner, &org).await.role, Role::Owner);
    assert_eq!(platform.store.owner_count(org.id), Some(1));
}

#[tokio::test]
async fn an_owner_may_leave_once_someone_else_is_owner() {
    let platform = Platform::new();
    let (owner, org) = platform.signup("owner@example.com").await;
    let access = platform.access(&owner, &org).await;
    let second = platform.member(&access, "second@example.com", "owner").await;

    platform.services.orgs.remove_member(&access, &owner.id.to_string(), &caller()).await.unwrap();

    let gone = platform.services.orgs.access(&session(&owner), &org.id.to_string()).await;
    assert!(matches!(gone, Err(AppError::NotFound("organisation"))), "{gone:?}");
    let remaining = platform.access(&second, &org).await;
    let last = platform.services.orgs.remove_member(&remaining, &second.id.to_string(), &caller()).await;
    assert!(matches!(last, Err(AppError::LastOwner)), "{last:?}");
}

#[tokio::test]
async fn a_viewer_cannot_add_members_and_nothing_is_stored() {
    let platform = Platform::new();
    let (owner, org) = platform.signup("owner@example.com").await;
    let access = platform.access(&owner, &org).await;
    let viewer = platform.member(&access, "viewer@example.com", "viewer").await;
    platform.signup("newcomer@example.com").await;

    let viewer_access = platform.access(&viewer, &org).await;
    let added = platform.services.orgs.add_member(&viewer_access, "newcomer@example.com", "viewer", &caller()).await;

    assert!(matches!(added, Err(AppError::Forbidden(_))), "{added:?}");
    let members = platform.services.orgs.members(&access, &PageRequest::first(10)).await.unwrap();
    assert_eq!(members.items.len(), 2, "only the owner and the viewer");
}

#[tokio::test]
async fn an_admin_can_add_members_but_cannot_make_anyone_owner() {
    let platform = Platform::new();
    let (owner, org) = platform.signup("owner@example.com").await;
    let access = platform.access(&owner, &org).await;
    let admin = platform.member(&access, "admin@example.com", "admin").await;
    let admin_access = platform.access(&admin, &org).await;
    let (viewer, _) = platform.signup("viewer@example.com").await;

    platform.services.orgs.add_member(&admin_access, "viewer@example.com", "viewer", &caller()).await.unwrap();
    let promoted = platform.services.orgs.change_role(&admin_access, &viewer.id.to_string(), "owner", &caller()).await;

    assert!(matches!(promoted, Err(AppError::Forbidden(_))), "{promoted:?}");
    assert_eq!(platform.access(&viewer, &org).await.role, Role::Viewer);
}

#[tokio::test]
async fn adding_someone_twice_is_refused_as_already_member() {
    let platform = Platform::new();
    let (owner, org) = platform.signup("owner@example.com").await;
    let access = platform.access(&owner, &org).await;
    platform.member(&access, "member@example.com", "operator").await;

    let again = platform.services.orgs.add_member(&access, "member@example.com", "viewer", &caller()).await;

    assert!(matches!(again, Err(AppError::AlreadyMember)), "{again:?}");
}

#[tokio::test]
async fn another_organisation_is_not_found_for_a_non_member() {
    let platform = Platform::new();
    let (_, org) = platform.signup("owner@example.com").await;
    let (stranger, _) = platform.signup("stranger@example.com").await;

    let access = platform.services.orgs.access(&session(&stranger), &org.id.to_string()).await;

    assert!(matches!(access, Err(AppError::NotFound("organisation"))), "{access:?}");
}

#[tokio::test]
async fn the_member_list_pages_with_a_cursor_until_every_member_is_listed() {
    let platform = Platform::new();
    let (owner, org) = platform.signup("owner@example.com").await;
    let access = platform.access(&owner, &org).await;
    for n in 0..4 {
        platform.member(&access, &format!("member{n}@example.com"), "viewer").await;
    }

    let mut seen = Vec::new();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let page = PageRequest { limit: 2, cursor: cursor.take() };
        let answer = platform.services.orgs.members(&access, &page).await.unwrap();
        assert!(answer.items.len() <= 2);
        seen.extend(answer.items.into_iter().map(|m| m.email));
        pages += 1;
        match answer.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }

    seen.sort();
    assert_eq!(pages, 3);
    assert_eq!(
        seen,
        [
            "member0@example.com",
            "member1@example.com",
            "member2@example.com",
            "member3@example.com",
            "owner@example.com"
        ]
    );
}

#[tokio::test]
async fn a_viewer_cannot_remove_another_member_but_may_leave() {
    let platform = Platform::new();
    let (owner, org) = platform.signup("owner@example.com").await;
    let access = platform.access(&owner, &org).await;
    let viewer = platform.member(&access, "viewer@example.com", "viewer").await;
    let operator = platform.member(&access, "operator@example.com", "operator").await;
    let viewer_access = platform.access(&viewer, &org).await;

    let removed = platform.services.orgs.remove_member(&viewer_access, &operator.id.to_string(), &caller()).await;
    assert!(matches!(removed, Err(AppError::Forbidden(_))), "{removed:?}");
    assert_eq!(platform.access(&operator, &org).await.role, Role::Operator);

    platform.services.orgs.remove_member(&viewer_access, &viewer.id.to_string(), &caller()).await.unwrap();
    let gone = platform.services.orgs.access(&session(&viewer), &org.id.to_string()).await;
    assert!(matches!(gone, Err(AppError::NotFound("organisation"))), "{gone:?}");
}
