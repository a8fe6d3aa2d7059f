//! Cloud credentials: checked before stored, rotated in place, removed with what they synced.

use skyforge_app::AppError;
use skyforge_app::clouds::VerifiedAccount;
use skyforge_app::credentials::{CredentialChanges, NewCredential};
use skyforge_app::sync_ports::CredentialSecrets;
use skyforge_app::testing::FakeVerifier;
use skyforge_domain::credentials::CloudSecret;
use skyforge_domain::page::PageRequest;
use skyforge_domain::provider::Provider;

use crate::support::{ACCOUNT, Clouds, aws_keys, caller};

fn key_id(secret: &CloudSecret) -> &str {
    match secret {
        CloudSecret::AwsKeys { access_key_id, .. } => access_key_id,
        other => panic!("expected AWS keys, got {other:?}"),
    }
}

#[tokio::test]
async fn rotating_a_credential_keeps_its_id_and_replaces_its_secret() {
    let clouds = Clouds::new().await;
    let added = clouds.add_aws("prod", None).await;
    let access = clouds.owner_access().await;

    let rotated = clouds
        .credentials
        .rotate(&access, &added.id.to_string(), aws_keys("AKIAROTATEDKEY000001"), &caller())
        .await
        .unwrap()
        .0;

    assert_eq!((rotated.id, &rotated.secret_id), (added.id, &added.secret_id));
    assert_eq!(rotated.hint, "AKIA…0001");
    let current = clouds.secrets.get(&added.secret_id).await.unwrap().unwrap();
    assert_eq!(key_id(&current), "AKIAROTATEDKEY000001");
    assert_eq!(clouds.secrets.versions(&added.secret_id).len(), 2);
    let listed = clouds.credentials.list(&access, &PageRequest::first(10)).await.unwrap();
    assert_eq!(listed.items.iter().map(|c| (c.id, c.hint.as_str())).collect::<Vec<_>>(), [(added.id, "AKIA…0001")]);
}

#[tokio::test]
async fn a_rotated_secret_that_reaches_another_account_is_refused_and_the_old_one_stays() {
    let verifier = FakeVerifier::new(|secret| {
        let account = if key_id(secret).starts_with("AKIAOTHER") { "999999999999" } else { ACCOUNT };
        Ok(VerifiedAccount { account_id: account.into(), principal: "p".into() })
    });
    let clouds = Clouds::with_verifier(verifier).await;
    let added = clouds.add_aws("prod", None).await;
    let access = clouds.owner_access().await;

    let rotated =
        clouds.credentials.rotate(&access, &added.id.to_string(), aws_keys("AKIAOTHERACCOUNT0001"), &caller()).await;

    match rotated {
        Err(AppError::AccountMismatch { expected, found }) => {
            assert_eq!((expected.as_str(), found.as_str()), (ACCOUNT, "999999999999"))
        }
        other => panic!("expected AccountMismatch, got {other:?}"),
    }
    assert_eq!(clouds.secrets.versions(&added.secret_id).len(), 1);
    assert_eq!(clouds.credentials.get(&access, &added.id.to_string()).await.unwrap(), added);
}

#[tokio::test]
async fn a_credential_the_provider_refuses_stores_neither_metadata_nor_secret() {
    let clouds =
        Clouds::with_verifier(FakeVerifier::rejecting("The security token included in the request is invalid")).await;
    let access = clouds.owner_access().await;
    let new = NewCredential {
        provider: Provider::Aws,
        name: "prod".into(),
        regions: None,
        input: aws_keys("AKIAIOSFODNN7EXAMPLE"),
    };

    let added = clouds.credentials.add(&access, new, &caller()).await;

    assert!(matches!(added, Err(AppError::CredentialRejected(_))), "{added:?}");
    assert!(clouds.credentials.list(&access, &PageRequest::first(10)).await.unwrap().items.is_empty());
    assert!(clouds.secrets.names().is_empty());
}

#[tokio::test]
async fn a_credential_of_the_wrong_shape_is_refused_before_the_provider_is_asked() {
    let verifier = FakeVerifier::reaching(ACCOUNT);
    let clouds = Clouds::with_verifier(verifier.clone()).await;
    let access = clouds.owner_access().await;
    let new = NewCredential {
        provider: Provider::Aws,
        name: " ".into(),
        regions: Some(vec!["mars-north-1".into()]),
        input: aws_keys("not-a-key"),
    };

    let added = clouds.credentials.add(&access, new, &caller()).await;

    match added {
        Err(AppError::Validation(errors)) => {
            let mut fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
            fields.sort();
            assert_eq!(fields, ["access_key_id", "name", "regions[0]"]);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(verifier.checked().is_empty());
}

#[tokio::test]
async fn a_viewer_may_read_credentials_but_not_add_change_or_sync_them() {
    let clouds = Clouds::new().await;
    let added = clouds.add_aws("prod", None).await;
    let owner = clouds.owner_access().await;
    let viewer = clouds.platform.member(&owner, "viewer@example.com", "viewer").await;
    let access = clouds.platform.access(&viewer, &clouds.org).await;
    let id = added.id.to_string();

    assert_eq!(clouds.credentials.get(&access, &id).await.unwrap().id, added.id);
    let new = NewCredential {
        provider: Provider::Aws,
        name: "x".into(),
        regions: None,
        input: aws_keys("AKIAIOSFODNN7EXAMPLE"),
    };
    let refused = [
        clouds.credentials.add(&access, new, &caller()).await.map(|_| ()),
        clouds
            .credentials
            .update(&access, &id, CredentialChanges { sync_enabled: Some(false), ..Default::default() }, &caller())
            .await
            .map(|_| ()),
        clouds.credentials.rotate(&access, &id, aws_keys("AKIAROTATEDKEY000001"), &caller()).await.map(|_| ()),
        clouds.credentials.sync_now(&access, &id, &caller()).await.map(|_| ()),
        clouds.credentials.delete(&access, &id, &caller()).await,
    ];

    for result in refused {
        assert!(matches!(result, Err(AppError::Forbidden(_))), "{result:?}");
    }
    assert_eq!(clouds.credentials.get(&access, &id).await.unwrap(), added, "nothing changed");
    assert!(clouds.queue.sent().is_empty());
}

#[tokio::test]
async fn another_organisations_credential_is_not_found() {
    let clouds = Clouds::new().await;
    let added = clouds.add_aws("prod", None).await;
    let (stranger, theirs) = clouds.platform.signup("stranger@example.com").await;
    let access = clouds.platform.access(&stranger, &theirs).await;

    let got = clouds.credentials.get(&access, &added.id.to_string()).await;

    assert!(matches!(got, Err(AppError::NotFound("credential"))), "{got:?}");
}

#[tokio::test]
async fn choosing_regions_stores_them_sorted_and_an_empty_choice_is_refused() {
    let clouds = Clouds::new().await;
    let added = clouds.add_aws("prod", Some(&["us-east-1", "eu-west-1", "us-east-1"])).await;
    assert_eq!(added.regions, Some(vec!["eu-west-1".to_owned(), "us-east-1".to_owned()]));
    let access = clouds.owner_access().await;
    let id = added.id.to_string();

    let empty = CredentialChanges { regions: Some(Some(vec![])), ..Default::default() };
    let refused = clouds.credentials.update(&access, &id, empty, &caller()).await;
    assert!(matches!(refused, Err(AppError::Validation(_))), "{refused:?}");

    let all = CredentialChanges { regions: Some(None), ..Default::default() };
    assert_eq!(clouds.credentials.update(&access, &id, all, &caller()).await.unwrap().regions, None);
}

#[tokio::test]
async fn deleting_a_credential_removes_its_inventory_and_summary_and_schedules_its_secret_for_deletion() {
    let clouds = Clouds::new().await;
    let added = clouds.add_aws("prod", None).await;
    clouds.aws.set(ACCOUNT, "us-east-1", vec![crate::sync::vm("us-east-1", "i-1")]);
    let access = clouds.owner_access().await;
    clouds.credentials.sync_now(&access, &added.id.to_string(), &caller()).await.unwrap();
    for message in clouds.queue.take() {
        clouds.sync.handle(&message).await.unwrap();
    }
    assert_eq!(clouds.platform.store.inventory_items(clouds.org.id, added.id).len(), 1);

    clouds.credentials.delete(&access, &added.id.to_string(), &caller()).await.unwrap();

    assert!(clouds.platform.store.inventory_items(clouds.org.id, added.id).is_empty());
    assert_eq!(clouds.platform.store.credential_summary(clouds.org.id, added.id), None);
    assert!(clouds.secrets.scheduled_for_deletion(&added.secret_id));
    let gone = clouds.credentials.get(&access, &added.id.to_string()).await;
    assert!(matches!(gone, Err(AppError::NotFound("credential"))), "{gone:?}");
}
