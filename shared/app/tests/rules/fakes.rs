//! The fakes themselves keep the contracts their ports document (the provisioning ports here,
//! which no rule test above drives yet; the others are exercised through the services).

use std::collections::BTreeMap;
use std::sync::Arc;

use skyforge_app::deployment_ports::{ConnectionUser, Connections, Deployments, RecentRuns, Runs};
use skyforge_app::ports::{Clock, Conflict, StoreError};
use skyforge_app::testing::{FixedClock, MemoryStore};
use skyforge_domain::deployments::{Deployment, RECENT_RUNS, Run, RunEvent, RunKind, RunStatus};
use skyforge_domain::ids::{DeploymentId, OrgId, UserId};
use skyforge_domain::page::PageRequest;

fn deployment(org: OrgId, now: chrono::DateTime<chrono::Utc>) -> Deployment {
    let id = DeploymentId::new();
    Deployment {
        id,
        org_id: org,
        template: "sandbox".into(),
        name: "demo".into(),
        credential_id: None,
        variables: BTreeMap::new(),
        outputs: None,
        lifecycle: Default::default(),
        applied_variables: None,
        state_key: Deployment::state_key_for(org, id),
        active_run_id: None,
        created_by: UserId::new(),
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn a_deployment_is_held_by_one_run_at_a_time_and_freed_only_by_that_run() {
    let (store, now) = (MemoryStore::new(), FixedClock::new().now());
    let d = deployment(OrgId::new(), now);
    Deployments::create(&*store, &d).await.unwrap();
    let (first, second) = (
        Run::new(d.org_id, d.id, RunKind::PlanAndApply, UserId::new(), now),
        Run::new(d.org_id, d.id, RunKind::Destroy, UserId::new(), now),
    );

    assert!(store.claim(d.org_id, d.id, first.id).await.unwrap());
    assert!(store.claim(d.org_id, d.id, first.id).await.unwrap(), "holding it already");
    assert!(!store.claim(d.org_id, d.id, second.id).await.unwrap());
    store.release(d.org_id, d.id, second.id, now).await.unwrap();
    assert!(!store.claim(d.org_id, d.id, second.id).await.unwrap(), "only the holder frees it");
    store.release(d.org_id, d.id, first.id, now).await.unwrap();
    assert!(store.claim(d.org_id, d.id, second.id).await.unwrap());
    assert!(!store.claim(OrgId::new(), d.id, first.id).await.unwrap(), "another organisation's key finds nothing");
}

#[tokio::test]
async fn a_run_moves_only_from_the_status_the_writer_expected() {
    let (store, now) = (MemoryStore::new(), FixedClock::new().now());
    let org = OrgId::new();
    let mut run = Run::new(org, DeploymentId::new(), RunKind::PlanAndApply, UserId::new(), now);
    Runs::create(&*store, &run).await.unwrap();
    run.apply(RunEvent::Start, now).unwrap();

    store.transition(&run, RunStatus::Queued).await.unwrap();
    let late = store.transition(&run, RunStatus::Queued).await;

    assert!(matches!(late, Err(StoreError::Conflict(Conflict::Concurrent))), "{late:?}");
    assert_eq!(Runs::get(&*store, org, run.id).await.unwrap().map(|r| r.status), Some(run.status));
    assert_eq!(Runs::get(&*store, OrgId::new(), run.id).await.unwrap(), None);
    assert_eq!(store.locate(run.id).await.unwrap(), Some((org, run.deployment_id)));
    assert_eq!(store.reserve_log_lines(&run, 3).await.unwrap(), 1);
    assert_eq!(store.reserve_log_lines(&run, 2).await.unwrap(), 4);
}

#[tokio::test]
async fn recent_runs_keep_the_newest_and_never_move_a_run_back() {
    let (store, now) = (MemoryStore::new(), FixedClock::new().now());
    let org = OrgId::new();
    let mut runs = Vec::new();
    for _ in 0..RECENT_RUNS + 2 {
        let run = Run::new(org, DeploymentId::new(), RunKind::PlanAndApply, UserId::new(), now);
        store.add(&run, "demo").await.unwrap();
        runs.push(run);
        // run ids are ULIDs of the wall clock: a new millisecond keeps them in order
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let newest = runs.last().unwrap().clone();
    let mut started = newest.clone();
    started.apply(RunEvent::Start, now).unwrap();
    RecentRuns::update(store.as_ref(), &started).await.unwrap();
    RecentRuns::update(store.as_ref(), &newest).await.unwrap();
    RecentRuns::update(store.as_ref(), &{
        let mut oldest = runs[0].clone();
        oldest.apply(RunEvent::Start, now).unwrap();
        oldest
    })
    .await
    .unwrap();

    let listed = RecentRuns::list(&*store, org).await.unwrap();
    assert_eq!(listed.len(), RECENT_RUNS);
    assert_eq!(listed[0].id, newest.id);
    assert_eq!(listed[0].status, started.status, "the late update lost");
    assert!(listed.iter().all(|r| r.id != runs[0].id), "a dropped run is never listed again");
}

#[tokio::test]
async fn a_disconnected_connection_is_no_longer_a_subscriber() {
    let (store, now) = (Arc::new(MemoryStore::default()), FixedClock::new().now());
    let user = ConnectionUser { user_id: UserId::new(), email: "a@example.com".into() };
    let run = Run::new(OrgId::new(), DeploymentId::new(), RunKind::PlanAndApply, UserId::new(), now);
    store.connect("c-1", &user, now).await.unwrap();
    store.connect("c-2", &user, now).await.unwrap();
    store.subscribe("c-1", run.org_id, run.id, now).await.unwrap();
    store.subscribe("c-2", run.org_id, run.id, now).await.unwrap();
    let unknown = store.subscribe("c-3", run.org_id, run.id, now).await;
    assert!(matches!(unknown, Err(StoreError::Conflict(Conflict::Gone))), "{unknown:?}");

    store.disconnect("c-1").await.unwrap();
    store.unsubscribe("c-2", run.id).await.unwrap();

    assert!(store.subscribers(run.id).await.unwrap().is_empty());
    assert_eq!(store.user("c-1").await.unwrap(), None);
    assert_eq!(store.user("c-2").await.unwrap(), Some(user));
}

#[tokio::test]
async fn deployments_list_newest_first_in_pages() {
    let (store, now) = (MemoryStore::new(), FixedClock::new().now());
    let org = OrgId::new();
    let mut ids = Vec::new();
    for _ in 0..3 {
        let d = deployment(org, now);
        Deployments::create(&*store, &d).await.unwrap();
        ids.push(d.id);
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    Deployments::create(&*store, &deployment(OrgId::new(), now)).await.unwrap();

    let first = Deployments::list(&*store, org, &PageRequest::first(2)).await.unwrap();
    let cursor = first.next_cursor.clone().unwrap();
    let second = Deployments::list(&*store, org, &PageRequest { limit: 2, cursor: Some(cursor) }).await.unwrap();

    let listed: Vec<_> = first.items.iter().chain(&second.items).map(|d| d.id).collect();
    ids.reverse();
    assert_eq!(listed, ids);
    assert_eq!(second.next_cursor, None);
}
