//! Query parameters, read in one place: each list's parameters are a struct that serde fills
//! from the query string (every value a string, so a bad one is a field error rather than a
//! rejection without detail) and `TryFrom` turns into the domain's query, collecting every
//! invalid field into one 400 `invalid_query`.

use serde::Deserialize;
use skyforge_domain::inventory::{InventoryQuery, InventorySort, ResourceState, ResourceType};
use skyforge_domain::page::PageRequest;
use skyforge_domain::provider::Provider;
use skyforge_domain::{FieldError, ValidationErrors};

use crate::error::ApiError;

/// `limit` and `cursor` of every paged list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page, 1 to 100 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Validated pagination parameters; the store checks that the cursor belongs to the list it reads.
pub fn page_request(params: &PageParams) -> Result<PageRequest, ApiError> {
    let invalid = |error: FieldError| ApiError::InvalidQuery(error.into());
    let limit = match present(&params.limit) {
        None => None,
        Some(raw) => Some(
            raw.parse::<i64>()
                .map_err(|_| invalid(FieldError::new("limit", "invalid_number", "limit must be a whole number")))?,
        ),
    };
    PageRequest::parse(limit, present(&params.cursor).as_deref()).map_err(invalid)
}

/// The inventory's filters, order and page.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InventoryParams {
    #[param(value_type = Option<Provider>)]
    pub provider: Option<String>,
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<ResourceType>)]
    pub kind: Option<String>,
    pub region: Option<String>,
    #[param(value_type = Option<ResourceState>)]
    pub state: Option<String>,
    /// A credential id.
    pub credential: Option<String>,
    /// `key=value`, or `key` for "has the tag".
    pub tag: Option<String>,
    /// A deployment id (its `skyforge-deployment` tag).
    pub deployment: Option<String>,
    /// Text in the name or the provider's id.
    pub q: Option<String>,
    /// Also list resources no longer found.
    #[param(value_type = Option<bool>)]
    pub include_deleted: Option<String>,
    /// type (default: by type, then name), -type, name, -name
    #[param(value_type = Option<crate::routes::inventory::InventorySortParam>)]
    pub sort: Option<String>,
    /// 1 to 100 (default 50)
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl TryFrom<&InventoryParams> for InventoryQuery {
    type Error = ApiError;

    fn try_from(params: &InventoryParams) -> Result<Self, ApiError> {
        let mut errors = ValidationErrors::default();
        let mut invalid = |field: &str, message: &str| {
            errors.0.push(FieldError::new(field, "invalid_value", message.to_owned()));
        };
        let provider = parsed(
            &params.provider,
            |v| v.parse::<Provider>().ok(),
            || invalid("provider", "provider is one of aws, azure, gcp"),
        );
        let kind = parsed(
            &params.kind,
            |v| v.parse::<ResourceType>().ok(),
            || invalid("type", "type is one of vm, disk, network, subnet, public_ip, bucket"),
        );
        let state = parsed(
            &params.state,
            |v| v.parse::<ResourceState>().ok(),
            || {
                invalid(
                    "state",
                    "state is one of pending, running, stopping, stopped, available, in_use, terminated, error, unknown",
                )
            },
        );
        let credential = parsed(
            &params.credential,
            |v| v.parse().ok(),
            || invalid("credential", "credential is a credential id (cred_...)"),
        );
        let sort = parsed(
            &params.sort,
            |v| match v {
                "type" => Some((InventorySort::Type, false)),
                "-type" => Some((InventorySort::Type, true)),
                "name" => Some((InventorySort::Name, false)),
                "-name" => Some((InventorySort::Name, true)),
                _ => None,
            },
            || invalid("sort", "sort is one of type, -type, name, -name"),
        );
        let include_deleted = parsed(
            &params.include_deleted,
            |v| v.parse::<bool>().ok(),
            || invalid("include_deleted", "include_deleted is true or false"),
        );
        let page = page_request(&PageParams { limit: params.limit.clone(), cursor: params.cursor.clone() })
            .map_err(|error| match error {
                ApiError::InvalidQuery(page_errors) => errors.0.extend(page_errors.0),
                _ => unreachable!("page_request only refuses with invalid_query"),
            })
            .ok();
        if !errors.0.is_empty() {
            return Err(ApiError::InvalidQuery(errors));
        }
        let tag = present(&params.tag).map(|t| match t.split_once('=') {
            Some((k, v)) => (k.trim().to_owned(), v.trim().to_owned()),
            None => (t, String::new()),
        });
        let (sort, descending) = sort.unwrap_or((InventorySort::Type, false));
        let page = page.unwrap_or(PageRequest::first(PageRequest::DEFAULT_LIMIT));
        Ok(Self {
            provider,
            kind,
            region: present(&params.region).map(|r| r.to_lowercase()),
            state,
            credential,
            tag,
            // deployment ids are tagged in lower case (GCP labels allow nothing else)
            deployment: present(&params.deployment).map(|d| d.to_lowercase()),
            text: present(&params.q).map(|q| q.to_lowercase()),
            include_deleted: include_deleted.unwrap_or(false),
            sort,
            descending,
            limit: page.limit,
            cursor: page.cursor,
        })
    }
}

/// A parameter's trimmed value, `None` when absent or blank.
fn present(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// A present value parsed, or `refuse` called and `None`.
fn parsed<T>(value: &Option<String>, parse: impl Fn(&str) -> Option<T>, refuse: impl FnOnce()) -> Option<T> {
    let value = present(value)?;
    let parsed = parse(&value);
    if parsed.is_none() {
        refuse();
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(error: ApiError) -> Vec<String> {
        let ApiError::InvalidQuery(errors) = error else { panic!("not invalid_query: {error:?}") };
        let mut fields: Vec<String> = errors.0.into_iter().map(|e| e.field).collect();
        fields.sort();
        fields
    }

    #[test]
    fn inventory_filters_become_the_domain_query() {
        let params = InventoryParams {
            provider: Some("aws".into()),
            kind: Some("vm".into()),
            tag: Some("env=prod".into()),
            sort: Some("-name".into()),
            q: Some("Web".into()),
            deployment: Some("dep_ABC".into()),
            limit: Some("20".into()),
            ..Default::default()
        };
        let query = InventoryQuery::try_from(&params).unwrap();
        assert_eq!(
            (query.provider, query.kind, query.sort, query.descending, query.limit),
            (Some(Provider::Aws), Some(ResourceType::Vm), InventorySort::Name, true, 20)
        );
        assert_eq!(query.tag, Some(("env".into(), "prod".into())));
        assert_eq!((query.text.as_deref(), query.deployment.as_deref()), (Some("web"), Some("dep_abc")));
        assert_eq!(InventoryQuery::try_from(&InventoryParams::default()).unwrap(), InventoryQuery::default());
    }

    #[test]
    fn every_invalid_inventory_parameter_is_named_at_once() {
        let bad = InventoryParams {
            provider: Some("ibm".into()),
            state: Some("on".into()),
            sort: Some("size".into()),
            limit: Some("1000".into()),
            cursor: Some("%%%".into()),
            credential: Some("usr_x".into()),
            include_deleted: Some("yes".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(InventoryQuery::try_from(&bad).unwrap_err()),
            vec!["credential", "include_deleted", "limit", "provider", "sort", "state"]
        );
        let bad_cursor = InventoryParams { cursor: Some("%%%".into()), ..Default::default() };
        assert_eq!(fields(InventoryQuery::try_from(&bad_cursor).unwrap_err()), vec!["cursor"]);
    }

    #[test]
    fn a_page_limit_must_be_a_number_in_range() {
        let page = |limit: &str| page_request(&PageParams { limit: Some(limit.into()), cursor: None });
        assert_eq!(page("7").unwrap().limit, 7);
        assert_eq!(page(" ").unwrap().limit, PageRequest::DEFAULT_LIMIT);
        assert_eq!(fields(page("ten").unwrap_err()), vec!["limit"]);
        assert_eq!(fields(page("0").unwrap_err()), vec!["limit"]);
    }
}
