//! Pages over sorted keys, the way the DynamoDB adapter's `query_page` answers them.

use skyforge_domain::page::{Cursor, Page, PageRequest};

use crate::ports::{StoreError, StoreResult};

/// One page of `items` (sort key, item) of the list `scope` (its owner and kind of item), in key
/// order (reversed when `newest_first`), after the page's cursor; a cursor sealed to `scope` when
/// more remain. A cursor of another list is refused, as the store refuses it.
pub(crate) fn page_of<T>(
    items: impl IntoIterator<Item = (String, T)>,
    scope: &str,
    page: &PageRequest,
    newest_first: bool,
) -> StoreResult<Page<T>> {
    let after = page.after(scope).map_err(|_| StoreError::ForeignCursor)?;
    let mut matching: Vec<(String, T)> = items.into_iter().collect();
    matching.sort_by(|a, b| a.0.cmp(&b.0));
    if newest_first {
        matching.reverse();
    }
    let mut rest: Vec<(String, T)> = matching
        .into_iter()
        .filter(|(key, _)| match &after {
            None => true,
            Some(after) if newest_first => key < after,
            Some(after) => key > after,
        })
        .take(page.limit + 1)
        .collect();
    let next_cursor = if rest.len() > page.limit {
        rest.truncate(page.limit);
        rest.last().map(|(key, _)| Cursor::seal(scope, key))
    } else {
        None
    };
    Ok(Page { items: rest.into_iter().map(|(_, item)| item).collect(), next_cursor })
}
