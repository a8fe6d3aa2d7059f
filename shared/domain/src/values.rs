//! Input values that are valid once they exist ("parse, don't validate"): emails, passwords,
//! display names. Each `parse` names the field it refuses.

use std::fmt;

use crate::error::FieldError;

/// A normalised email address: trimmed and lower-cased, so `Ann@X.io ` and `ann@x.io` are one user.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        let invalid = || FieldError::new(field, "invalid_email", "enter an email address like name@example.com");
        if email.is_empty() {
            return Err(FieldError::new(field, "required", "an email address is required"));
        }
        if email.len() > Self::MAX_LEN {
            return Err(FieldError::new(field, "too_long", "an email address has at most 254 characters"));
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.len() > 64 || !domain_ok || email.chars().any(char::is_whitespace) {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy. Its `Debug` hides the value so it cannot reach a log.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;
    /// Bounds the hashing work one request can ask for.
    pub const MAX_CHARS: usize = 256;

    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(FieldError::new(field, "too_short", "a password has at least 12 characters"));
        }
        if chars > Self::MAX_CHARS {
            return Err(FieldError::new(field, "too_long", "a password has at most 256 characters"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A short human label: a person's name, an organisation's or a token's. Trimmed, 1 to `max`
/// characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(String);

impl Label {
    pub fn parse(field: &str, raw: &str, max: usize) -> Result<Self, FieldError> {
        let label = raw.trim();
        if label.is_empty() {
            return Err(FieldError::new(field, "required", format!("{field} must not be empty")));
        }
        if label.chars().count() > max {
            return Err(FieldError::new(field, "too_long", format!("{field} has at most {max} characters")));
        }
        if label.chars().any(char::is_control) {
            return Err(FieldError::new(
                field,
                "invalid_characters",
                format!("{field} must not contain control characters"),
            ));
        }
        Ok(Self(label.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("email", "  Ann.Lee@Example.COM ").unwrap().as_str(), "ann.lee@example.com");
    }

    #[test]
    fn malformed_emails_are_refused_with_a_code() {
        for blank in ["", "   "] {
            let err = Email::parse("email", blank).unwrap_err();
            assert_eq!((err.field.as_str(), err.code), ("email", "required"), "{blank:?}");
        }
        for bad in ["ann", "ann@", "@x.io", "ann@x", "ann@.x.io", "ann@x..io", "a nn@x.io", "ann@x.io."] {
            let err = Email::parse("email", bad).unwrap_err();
            assert_eq!((err.field.as_str(), err.code), ("email", "invalid_email"), "{bad}");
        }
    }

    #[test]
    fn password_needs_twelve_characters() {
        assert_eq!(Password::parse("password", "elevenchars").unwrap_err().code, "too_short");
        assert!(Password::parse("password", "twelve chars").is_ok());
        // characters, not bytes: 12 multi-byte characters pass
        assert!(Password::parse("password", "ééééééééééé é").is_ok());
    }

    #[test]
    fn password_debug_never_shows_the_value() {
        let password = Password::parse("password", "correct horse battery").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn label_is_trimmed_and_bounded() {
        assert_eq!(Label::parse("name", "  Ann ", 10).unwrap().as_str(), "Ann");
        assert_eq!(Label::parse("name", "   ", 10).unwrap_err().code, "required");
        assert_eq!(Label::parse("name", "abcdefghijk", 10).unwrap_err().code, "too_long");
        assert_eq!(Label::parse("name", "a\u{0}b", 10).unwrap_err().code, "invalid_characters");
    }
}
