//! Members and roles, and the audit trail of their changes.

use reqwest::{Method, StatusCode};
use serde_json::json;
use skyforge_e2e::Platform;

#[tokio::test]
async fn owners_add_change_and_remove_members() {
    let platform = Platform::start().await;
    let (owner, bob) = (platform.user("owner").await, platform.user("bob").await);
    let members = format!("/v1/orgs/{}/members", owner.org);

    let added = platform
        .post(&members, Some(&owner.access), json!({"email": bob.email.to_uppercase(), "role": "viewer"}))
        .await;
    assert_eq!(added.status, StatusCode::CREATED);
    assert_eq!((added.body["user_id"].as_str(), added.body["role"].as_str()), (Some(bob.id.as_str()), Some("viewer")));

    // bob now sees the organisation
    let me = platform.get("/v1/me", &bob.access).await;
    let orgs: Vec<_> = me.body["organizations"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert!(orgs.contains(&owner.org.as_str()));

    let again = platform.post(&members, Some(&owner.access), json!({"email": bob.email, "role": "admin"})).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "already_member"));
    let nobody =
        platform.post(&members, Some(&owner.access), json!({"email": "nobody@example.com", "role": "viewer"})).await;
    assert_eq!((nobody.status, nobody.code()), (StatusCode::NOT_FOUND, "user_not_found"));
    let bad_role = platform.post(&members, Some(&owner.access), json!({"email": bob.email, "role": "root"})).await;
    assert_eq!(bad_role.field_codes(), vec![("role".to_owned(), "invalid_role".to_owned())]);

    let promoted = platform
        .call(Method::PATCH, &format!("{members}/{}", bob.id), Some(&owner.access), Some(json!({"role": "admin"})))
        .await;
    assert_eq!((promoted.status, promoted.body["role"].as_str()), (StatusCode::OK, Some("admin")));

    let listed = platform.get(&members, &owner.access).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);

    let removed = platform.call(Method::DELETE, &format!("{members}/{}", bob.id), Some(&owner.access), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = platform.get(&format!("/v1/orgs/{}", owner.org), &bob.access).await;
    assert_eq!((gone.status, gone.code()), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn only_owners_and_admins_manage_members_and_only_owners_touch_owners() {
    let platform = Platform::start().await;
    let (owner, admin, operator, viewer, outsider) = (
        platform.user("owner").await,
        platform.user("admin").await,
        platform.user("operator").await,
        platform.user("viewer").await,
        platform.user("outsider").await,
    );
    let org = owner.org.clone();
    platform.add_member(&owner, &org, &admin, "admin").await;
    platform.add_member(&owner, &org, &operator, "operator").await;
    platform.add_member(&owner, &org, &viewer, "viewer").await;
    let members = format!("/v1/orgs/{org}/members");

    for who in [&operator, &viewer] {
        let add = platform.post(&members, Some(&who.access), json!({"email": outsider.email, "role": "viewer"})).await;
        assert_eq!((add.status, add.code()), (StatusCode::FORBIDDEN, "forbidden"), "{}", who.email);
        let patch = platform
            .call(Method::PATCH, &format!("{members}/{}", viewer.id), Some(&who.access), Some(json!({"role": "admin"})))
            .await;
        assert_eq!(patch.status, StatusCode::FORBIDDEN);
        // but everyone may read the member list
        assert_eq!(platform.get(&members, &who.access).await.status, StatusCode::OK);
    }

    // admins manage members below owner
    let by_admin = platform
        .call(
            Method::PATCH,
            &format!("{members}/{}", viewer.id),
            Some(&admin.access),
            Some(json!({"role": "operator"})),
        )
        .await;
    assert_eq!(by_admin.status, StatusCode::OK);
    let grant_owner = platform
        .call(Method::PATCH, &format!("{members}/{}", viewer.id), Some(&admin.access), Some(json!({"role": "owner"})))
        .await;
    assert_eq!((grant_owner.status, grant_owner.code()), (StatusCode::FORBIDDEN, "forbidden"));
    let remove_owner =
        platform.call(Method::DELETE, &format!("{members}/{}", owner.id), Some(&admin.access), None).await;
    assert_eq!(remove_owner.status, StatusCode::FORBIDDEN);

    // the refused changes changed nothing
    let listed = platform.get(&members, &owner.access).await;
    let roles: Vec<_> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["email"].as_str().unwrap().to_owned(), m["role"].as_str().unwrap().to_owned()))
        .collect();
    assert!(roles.contains(&(owner.email.clone(), "owner".into())));
    assert!(roles.contains(&(viewer.email.clone(), "operator".into())));
}

#[tokio::test]
async fn the_last_owner_cannot_be_demoted_or_removed() {
    let platform = Platform::start().await;
    let owner = platform.user("owner").await;
    let path = format!("/v1/orgs/{}/members/{}", owner.org, owner.id);
    let demote = platform.call(Method::PATCH, &path, Some(&owner.access), Some(json!({"role": "admin"}))).await;
    assert_eq!((demote.status, demote.code()), (StatusCode::CONFLICT, "last_owner"));
    let leave = platform.call(Method::DELETE, &path, Some(&owner.access), None).await;
    assert_eq!((leave.status, leave.code()), (StatusCode::CONFLICT, "last_owner"));

    // with a second owner, the first can step down
    let second = platform.user("second").await;
    platform.add_member(&owner, &owner.org, &second, "owner").await;
    let step_down = platform.call(Method::PATCH, &path, Some(&owner.access), Some(json!({"role": "viewer"}))).await;
    assert_eq!(step_down.status, StatusCode::OK);
}

#[tokio::test]
async fn any_member_can_leave() {
    let platform = Platform::start().await;
    let (owner, viewer) = (platform.user("owner").await, platform.user("viewer").await);
    platform.add_member(&owner, &owner.org, &viewer, "viewer").await;
    let leave = platform
        .call(Method::DELETE, &format!("/v1/orgs/{}/members/{}", owner.org, viewer.id), Some(&viewer.access), None)
        .await;
    assert_eq!(leave.status, StatusCode::NO_CONTENT);
    assert_eq!(platform.get(&format!("/v1/orgs/{}", owner.org), &viewer.access).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn member_lists_paginate_and_refuse_bad_cursors() {
    let platform = Platform::start().await;
    let owner = platform.user("owner").await;
    for i in 0..4 {
        let member = platform.user(&format!("m{i}")).await;
        platform.add_member(&owner, &owner.org, &member, "viewer").await;
    }
    let members = format!("/v1/orgs/{}/members", owner.org);
    let mut seen = Vec::new();
    let mut url = format!("{members}?limit=2");
    loop {
        let page = platform.get(&url, &owner.access).await;
        assert_eq!(page.status, StatusCode::OK);
        seen.extend(page.body["items"].as_array().unwrap().iter().map(|m| m["user_id"].as_str().unwrap().to_owned()));
        match page.body["next_cursor"].as_str() {
            Some(cursor) => url = format!("{members}?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (5, 5));

    for query in ["limit=0", "limit=101", "limit=ten", "cursor=%25%25%25", "cursor=VE9LRU4jdG9rXzE"] {
        let reply = platform.get(&format!("{members}?{query}"), &owner.access).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::BAD_REQUEST, "invalid_query"), "{query}");
    }
}

#[tokio::test]
async fn member_changes_are_in_the_audit_trail_for_owners_and_admins_only() {
    let platform = Platform::start().await;
    let (owner, bob) = (platform.user("owner").await, platform.user("bob").await);
    platform.add_member(&owner, &owner.org, &bob, "viewer").await;
    let path = format!("/v1/orgs/{}/members/{}", owner.org, bob.id);
    platform.call(Method::PATCH, &path, Some(&owner.access), Some(json!({"role": "operator"}))).await;
    // a refused change is recorded as denied
    platform
        .post(
            &format!("/v1/orgs/{}/members", owner.org),
            Some(&bob.access),
            json!({"email": "x@example.com", "role": "viewer"}),
        )
        .await;

    let audit = platform.get(&format!("/v1/orgs/{}/audit", owner.org), &owner.access).await;
    assert_eq!(audit.status, StatusCode::OK);
    let events = audit.body["items"].as_array().unwrap();
    let summary: Vec<_> = events
        .iter()
        .map(|e| (e["action"].as_str().unwrap().to_owned(), e["outcome"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("member.add".into(), "denied".into()),
            ("member.update".into(), "success".into()),
            ("member.add".into(), "success".into()),
            ("user.signup".into(), "success".into()),
        ],
        "newest first"
    );
    let update = &events[1];
    assert_eq!(update["actor_user_id"].as_str(), Some(owner.id.as_str()));
    assert_eq!(update["actor_email"].as_str(), Some(owner.email.as_str()));
    assert_eq!(update["target_id"].as_str(), Some(bob.id.as_str()));
    assert_eq!(update["detail"].as_str(), Some("role=operator"));
    assert_eq!(update["ip"].as_str(), Some("127.0.0.1"));
    assert!(update["occurred_at"].as_str().unwrap().ends_with('Z'));

    // bob (operator) may not read it
    let denied = platform.get(&format!("/v1/orgs/{}/audit", owner.org), &bob.access).await;
    assert_eq!((denied.status, denied.code()), (StatusCode::FORBIDDEN, "forbidden"));

    // logins and token changes are in the user's own trail
    let mine = platform.get("/v1/me/audit", &owner.access).await;
    let actions: Vec<_> =
        mine.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect();
    assert!(actions.contains(&"auth.login".to_owned()), "{actions:?}");
}
