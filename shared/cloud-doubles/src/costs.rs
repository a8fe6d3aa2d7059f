//! Billing data of the doubles' worlds: what one service cost on one day, as Azure's Cost
//! Management Query API and GCP's Cloud Billing export report it, and the paging both share.

use chrono::NaiveDate;

/// What one service cost on one day.
#[derive(Debug, Clone, PartialEq)]
pub struct DailyCost {
    pub day: NaiveDate,
    /// The provider's service name (`Virtual Machines`, `Compute Engine`).
    pub service: String,
    /// A decimal string (`14.203187`): amounts are never rounded through a float here.
    pub amount: String,
    /// ISO 4217 (`USD`).
    pub currency: String,
}

/// The page of `items` starting at `skip`, `size` long, and where the next page starts while
/// more remain.
pub(crate) fn window<T: Clone>(items: &[T], skip: usize, size: usize) -> (Vec<T>, Option<usize>) {
    let size = size.max(1);
    let page = items.iter().skip(skip).take(size).cloned().collect();
    (page, (skip + size < items.len()).then_some(skip + size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_every_item_once() {
        let items: Vec<u32> = (0..5).collect();
        assert_eq!(window(&items, 0, 2), (vec![0, 1], Some(2)));
        assert_eq!(window(&items, 4, 2), (vec![4], None));
        assert_eq!(window(&items, 0, 0), (vec![0], Some(1)), "a page holds one item at least");
    }
}
