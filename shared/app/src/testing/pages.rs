//! Pages over sorted keys, the way the DynamoDB adapter's `query_page` answers them.

use skyforge_domain::page::{Page, PageRequest, encode_cursor};

/// One page of `items` (sort key, item): those whose key starts with `prefix`, in key order
/// (reversed when `newest_first`), after `page.after`; a cursor of the last key when more remain.
pub(crate) fn page_of<T>(
    items: impl IntoIterator<Item = (String, T)>,
    prefix: &str,
    page: &PageRequest,
    newest_first: bool,
) -> Page<T> {
    let mut matching: Vec<(String, T)> = items.into_iter().filter(|(key, _)| key.starts_with(prefix)).collect();
    matching.sort_by(|a, b| a.0.cmp(&b.0));
    if newest_first {
        matching.reverse();
    }
    let mut rest: Vec<(String, T)> = matching
        .into_iter()
        .filter(|(key, _)| match &page.after {
            None => true,
            Some(after) if newest_first => key < after,
            Some(after) => key > after,
        })
        .take(page.limit + 1)
        .collect();
    let next_cursor = if rest.len() > page.limit {
        rest.truncate(page.limit);
        rest.last().map(|(key, _)| encode_cursor(key))
    } else {
        None
    };
    Page { items: rest.into_iter().map(|(_, item)| item).collect(), next_cursor }
}
