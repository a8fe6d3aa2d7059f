//! Exports: CSV and NDJSON renderings of lists, written a page at a time so an export of any
//! size is never held whole in memory. Column orders here are a contract: new columns go last.

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use futures::Stream;
use skyforge_domain::{FieldError, ValidationErrors};

use crate::error::ApiError;

/// The formats an export comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Ndjson,
}

impl ExportFormat {
    /// Parses the `format` query parameter among `allowed` (CSV when absent).
    pub fn parse(raw: Option<&str>, allowed: &[ExportFormat]) -> Result<Self, ApiError> {
        let format = match raw.map(str::trim).filter(|v| !v.is_empty()) {
            None | Some("csv") => Some(ExportFormat::Csv),
            Some("ndjson") => Some(ExportFormat::Ndjson),
            Some(_) => None,
        };
        match format {
            Some(format) if allowed.contains(&format) => Ok(format),
            _ => {
                let names: Vec<&str> = allowed.iter().map(|f| f.as_str()).collect();
                Err(ApiError::InvalidQuery(ValidationErrors::from(FieldError::new(
                    "format",
                    "invalid_value",
                    format!("format is one of {}", names.join(", ")),
                ))))
            }
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Ndjson => "ndjson",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Ndjson => "application/x-ndjson",
        }
    }
}

/// One CSV field, quoted when it holds a comma, quote or line break (RFC 4180). A field that
/// starts with `=`, `+`, `-` or `@` gets a leading `'` so spreadsheets do not run it as a
/// formula (resource names and tags come from cloud accounts, not from us).
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) && value.parse::<f64>().is_err() {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// One CSV line (CRLF-terminated, as RFC 4180 has it).
pub fn csv_line<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = fields.into_iter().map(csv_field).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// A streamed download: `body` is sent as it is produced, under `filename`.
pub fn download<S>(format: ExportFormat, filename: &str, body: S) -> Response
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(format.content_type()));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_fields_are_written_as_they_are() {
        assert_eq!(csv_line(["a", "b c", "1.50"]), "a,b c,1.50\r\n");
    }

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn fields_a_spreadsheet_would_run_as_formulas_are_defused() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("-12.50"), "-12.50", "negative amounts stay numbers");
    }

    #[test]
    fn the_format_is_csv_by_default_and_unknown_formats_are_invalid_queries() {
        let both = [ExportFormat::Csv, ExportFormat::Ndjson];
        assert_eq!(ExportFormat::parse(None, &both).unwrap(), ExportFormat::Csv);
        assert_eq!(ExportFormat::parse(Some("ndjson"), &both).unwrap(), ExportFormat::Ndjson);
        let error = ExportFormat::parse(Some("xlsx"), &both).unwrap_err();
        assert_eq!(error.parts().1, "invalid_query");
        let error = ExportFormat::parse(Some("ndjson"), &[ExportFormat::Csv]).unwrap_err();
        assert_eq!(error.parts().1, "invalid_query");
    }
}
