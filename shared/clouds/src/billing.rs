//! What the Azure and GCP billing adapters share beyond the HTTP client: the count of billing
//! requests a refresh made, exact amounts from JSON, and refusals that say which role is missing.

use rust_decimal::Decimal;
use serde_json::Value;
use skyforge_app::clouds::CloudError;
use skyforge_cloud_signin::CallLog;

/// The billing requests in `log`: every attempt, the throttled ones included.
pub(crate) fn billing_requests(log: &CallLog) -> u64 {
    log.take().len() as u64
}

/// A JSON number or string as an exact decimal (through its text, never through a float).
pub(crate) fn decimal(value: &Value) -> Option<Decimal> {
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    text.parse::<Decimal>().or_else(|_| Decimal::from_scientific(&text)).ok()
}

/// An access refusal with what to grant, so the person reading it knows what to do next.
pub(crate) fn denied_with_hint(error: CloudError, hint: &str) -> CloudError {
    match error {
        CloudError::AccessDenied(why) => CloudError::AccessDenied(format!("{why}; {hint}")),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn amounts_stay_exact_in_either_form() {
        assert_eq!(decimal(&json!(12.34)).unwrap().to_string(), "12.34");
        assert_eq!(decimal(&json!(1.5e-7)).unwrap().to_string(), "0.00000015");
        assert_eq!(decimal(&json!("10.125")).unwrap().to_string(), "10.125");
        assert_eq!(decimal(&json!("1.5E-3")).unwrap().to_string(), "0.0015");
        assert!(decimal(&json!(null)).is_none() && decimal(&json!("many")).is_none());
    }

    #[test]
    fn only_refusals_get_the_hint() {
        let denied = denied_with_hint(CloudError::AccessDenied("403".into()), "grant the reader role");
        assert!(denied.to_string().contains("403; grant the reader role"), "{denied}");
        let throttled = denied_with_hint(CloudError::Throttled("429".into()), "grant the reader role");
        assert!(!throttled.to_string().contains("reader"));
    }
}
