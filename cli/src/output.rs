//! Rendering of lists: a table on a terminal, JSON when piped, or CSV. JSON and CSV are written
//! as each page arrives; a table is aligned page by page.

use std::io::Write;

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Output {
    Table,
    Json,
    Csv,
}

/// Writes the rows of one list, page by page.
pub struct ListWriter {
    output: Output,
    columns: Vec<&'static str>,
    rows: usize,
    out: std::io::StdoutLock<'static>,
}

/// A cell: strings as they are, null as empty, lists joined with `;`, objects as `k=v;...`.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(";"),
        Value::Object(map) => map.iter().map(|(k, v)| format!("{k}={}", cell(v))).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// Reads `a.b` paths into nested objects.
pub fn field<'a>(row: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(row, |v, key| &v[key])
}

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

impl ListWriter {
    pub fn new(output: Output, columns: &[&'static str]) -> Self {
        Self { output, columns: columns.to_vec(), rows: 0, out: std::io::stdout().lock() }
    }

    /// Writes one page of rows.
    pub fn page(&mut self, rows: &[Value]) -> std::io::Result<()> {
        match self.output {
            Output::Json => {
                for row in rows {
                    let sep = if self.rows == 0 { "[\n  " } else { ",\n  " };
                    write!(self.out, "{sep}{}", serde_json::to_string(row).unwrap_or_default())?;
                    self.rows += 1;
                }
            }
            Output::Csv => {
                if self.rows == 0 {
                    writeln!(self.out, "{}", self.columns.join(","))?;
                }
                for row in rows {
                    let line: Vec<String> = self.columns.iter().map(|c| csv_field(&cell(field(row, c)))).collect();
                    writeln!(self.out, "{}", line.join(","))?;
                    self.rows += 1;
                }
            }
            Output::Table => {
                let cells: Vec<Vec<String>> =
                    rows.iter().map(|r| self.columns.iter().map(|c| cell(field(r, c))).collect()).collect();
                let mut widths: Vec<usize> = self.columns.iter().map(|c| c.len()).collect();
                for row in &cells {
                    for (w, c) in widths.iter_mut().zip(row) {
                        *w = (*w).max(c.chars().count()).min(60);
                    }
                }
                if self.rows == 0 {
                    let header: Vec<String> =
                        self.columns.iter().zip(&widths).map(|(c, w)| format!("{:<w$}", c.to_uppercase())).collect();
                    writeln!(self.out, "{}", header.join("  ").trim_end())?;
                }
                for row in cells {
                    let line: Vec<String> = row
                        .iter()
                        .zip(&widths)
                        .map(|(c, w)| {
                            let c: String = if c.chars().count() > *w {
                                c.chars().take(w - 1).chain(['…']).collect()
                            } else {
                                c.clone()
                            };
                            format!("{c:<w$}")
                        })
                        .collect();
                    writeln!(self.out, "{}", line.join("  ").trim_end())?;
                    self.rows += 1;
                }
            }
        }
        self.out.flush()
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        match self.output {
            Output::Json if self.rows == 0 => writeln!(self.out, "[]"),
            Output::Json => writeln!(self.out, "\n]"),
            Output::Table if self.rows == 0 => writeln!(self.out, "(none)"),
            _ => Ok(()),
        }
    }
}

/// One object: JSON as it is, or a two-column table / key,value CSV of its fields.
pub fn object(output: Output, value: &Value) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match (output, value) {
        (Output::Json, _) | (_, Value::Array(_)) | (_, Value::String(_)) => {
            writeln!(out, "{}", serde_json::to_string_pretty(value).unwrap_or_default())
        }
        (Output::Csv, Value::Object(map)) => {
            writeln!(out, "field,value")?;
            for (k, v) in map {
                writeln!(out, "{},{}", csv_field(k), csv_field(&cell(v)))?;
            }
            Ok(())
        }
        (Output::Table, Value::Object(map)) => {
            let width = map.keys().map(|k| k.len()).max().unwrap_or(0);
            for (k, v) in map {
                let text = match v {
                    Value::Object(_) | Value::Array(_)
                        if !v.as_array().is_some_and(|a| a.iter().all(|x| !x.is_object())) =>
                    {
                        serde_json::to_string(v).unwrap_or_default()
                    }
                    _ => cell(v),
                };
                writeln!(out, "{k:<width$}  {text}")?;
            }
            Ok(())
        }
        (_, other) => writeln!(out, "{other}"),
    }
}
