//! `--jq EXPR`: a jq filter compiled once (jaq) and run over every JSON value the tool prints,
//! so scripts can pick fields out of responses, pages and gateway events without jq installed.
//!
//! Values cross into jaq as JSON text and come back the same way: that keeps jaq's own value
//! type out of the rest of the tree, and serde_json stays the one JSON model everywhere else.

use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::Val;
use serde_json::Value;

use std::io::Write;

use crate::output::Printer;
use crate::{Error, Result};

type Data = data::JustLut<Val>;

/// A compiled jq filter.
pub struct Jq {
    expr: String,
    filter: jaq_core::Filter<Data>,
}

impl std::fmt::Debug for Jq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jq").field("expr", &self.expr).finish()
    }
}

impl Jq {
    /// Parses and compiles `expr` with the jq standard library. A bad expression is a usage
    /// error that names what the parser expected or which name is undefined.
    pub fn compile(expr: &str) -> Result<Jq> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(
                &arena,
                File {
                    code: expr,
                    path: (),
                },
            )
            .map_err(|errs| {
                let problems = errs.into_iter().flat_map(|(_, e)| load_problems(e));
                bad_expr(expr, problems.collect())
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errs| {
                let problems = errs.into_iter().flat_map(|(_, undefined)| {
                    undefined
                        .into_iter()
                        .map(|(name, what)| format!("undefined {} `{name}`", what.as_str()))
                });
                bad_expr(expr, problems.collect())
            })?;
        Ok(Jq {
            expr: expr.to_string(),
            filter,
        })
    }

    /// Runs the filter on one value and returns every output (jq filters yield zero or more).
    pub fn run(&self, input: &Value) -> Result<Vec<Value>> {
        let text = serde_json::to_vec(input)
            .map_err(|e| Error::runtime(format!("cannot encode a value for --jq: {e}")))?;
        self.filter_line(&text)
    }

    /// Runs the filter on one JSON text, such as a line `listen` is about to print.
    pub fn filter_line(&self, line: &[u8]) -> Result<Vec<Value>> {
        let input = jaq_json::read::parse_single(line)
            .map_err(|e| Error::runtime(format!("--jq input is not JSON: {e}")))?;
        let ctx = Ctx::<Data>::new(&self.filter.lut, Vars::new([]));
        let mut outputs = Vec::new();
        for result in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            // The expression compiled; failing on this value is not a usage error, and may
            // come after a request that did its work.
            let val = result.map_err(|e| {
                Error::runtime(format!(
                    "--jq `{}` failed: {e}; check the expression against the output's shape",
                    self.expr
                ))
            })?;
            outputs.push(to_json(&val)?);
        }
        Ok(outputs)
    }
}

/// A writer that takes JSON lines (as `listen` writes them), runs each through the printer's
/// `--jq` filter and writes the outputs one per line. A filter error on one line is reported on
/// stderr and that line skipped, so one odd event does not end a long `listen`.
pub struct FilterLines {
    printer: Printer,
    out: Box<dyn Write + Send>,
    pending: Vec<u8>,
}

impl FilterLines {
    /// Wraps `out`; `printer` carries the filter and `-r`, and prints one value per line.
    pub fn new(printer: Printer, out: Box<dyn Write + Send>) -> FilterLines {
        FilterLines {
            printer: printer.one_line(),
            out,
            pending: Vec::new(),
        }
    }

    fn line(&mut self, line: &[u8]) -> std::io::Result<()> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let value = match serde_json::from_slice::<Value>(line) {
            Ok(v) => v,
            Err(e) => {
                crate::output::diag(&format!("error: --jq skipped a line that is not JSON: {e}"));
                return Ok(());
            }
        };
        let Some(jq) = self.printer.jq.clone() else {
            return self.write(&value);
        };
        match jq.run(&value) {
            Ok(outputs) => outputs.iter().try_for_each(|v| self.write(v)),
            Err(e) => {
                crate::output::diag(&format!("error: {}", e.message));
                Ok(())
            }
        }
    }

    /// Writes one value, unfiltered, as one line.
    fn write(&mut self, value: &Value) -> std::io::Result<()> {
        let plain = Printer {
            jq: None,
            ..self.printer.clone()
        };
        match plain.write_value(&mut self.out, value) {
            Ok(()) => Ok(()),
            Err(e) if e.kind == crate::ErrorKind::BrokenPipe => {
                Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe))
            }
            Err(e) => Err(std::io::Error::other(e.message)),
        }
    }
}

impl Write for FilterLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.line(&line)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

fn to_json(val: &Val) -> Result<Value> {
    let text = val.to_string();
    serde_json::from_str(&text).map_err(|_| {
        Error::runtime(format!(
            "--jq produced {text}, which is not JSON; convert it with tostring or @base64"
        ))
    })
}

fn load_problems(e: load::Error<&str>) -> Vec<String> {
    // The parser reports the rest of the input where it stopped; the first few characters are
    // enough to find the spot.
    let at = |rest: &str| {
        if rest.is_empty() {
            "at the end".to_string()
        } else {
            let near: String = rest.chars().take(16).collect();
            format!("at `{near}`")
        }
    };
    match e {
        load::Error::Io(v) => v
            .into_iter()
            .map(|(path, msg)| format!("cannot load module {path}: {msg}"))
            .collect(),
        load::Error::Lex(v) => v
            .into_iter()
            .map(|(expect, rest)| format!("expected {} {}", expect.as_str(), at(rest)))
            .collect(),
        load::Error::Parse(v) => v
            .into_iter()
            .map(|(expect, rest)| format!("expected {} {}", expect.as_str(), at(rest)))
            .collect(),
    }
}

fn bad_expr(expr: &str, problems: Vec<String>) -> Error {
    Error::usage(format!(
        "--jq `{expr}` is not a valid jq expression: {}",
        problems.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use serde_json::json;

    #[test]
    fn yields_every_output() {
        let jq = Jq::compile(".[] | .id").unwrap();
        let out = jq.run(&json!([{"id": "1"}, {"id": "2"}])).unwrap();
        assert_eq!(out, vec![json!("1"), json!("2")]);
        let jq = Jq::compile("map(.n * 2) | add").unwrap();
        assert_eq!(
            jq.filter_line(br#"[{"n":1},{"n":20}]"#).unwrap(),
            vec![json!(42)]
        );
        let jq = Jq::compile("empty").unwrap();
        assert!(jq.run(&json!(1)).unwrap().is_empty());
    }

    #[test]
    fn bad_expressions_are_usage_errors_naming_the_problem() {
        let e = Jq::compile(".a +").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
        assert!(
            e.message.contains("expected term at the end"),
            "{}",
            e.message
        );
        let e = Jq::compile("nosuchfn(1)").unwrap_err();
        assert!(
            e.message.contains("undefined filter `nosuchfn`"),
            "{}",
            e.message
        );
        let e = Jq::compile("$x").unwrap_err();
        assert!(
            e.message.contains("undefined variable `$x`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn runtime_errors_name_the_problem() {
        let jq = Jq::compile(".a").unwrap();
        let e = jq.run(&json!([1])).unwrap_err();
        // Exit 1, not 2: the expression was fine, and a request may already have done its work.
        assert_eq!(e.kind, ErrorKind::Runtime);
        assert!(e.message.contains("cannot index"), "{}", e.message);
    }
}
