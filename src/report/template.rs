//! The report's Markdown rendered from a template (minijinja): the built-in one
//! (`report.md.j2` beside this file) gives the standard report; `[report] template` names the
//! analyst's own, a narrative in Markdown that calls evidence functions where evidence goes.
//! The functions are documented in `docs/report-template.md`.
//!
//! A template's problems name its file and line: a syntax error, an unknown function, a bad
//! argument, and a block quote typed by hand (`> words (Partner 7i)`) that is not verbatim in
//! a turn of the person it is attributed to.

use super::evidence::Evidence;
use crate::analysis::breakdown::Where;
use crate::analysis::nodes::Level;
use minijinja::value::{Kwargs, Rest};
use minijinja::{Environment, Error, ErrorKind, Value};
use std::sync::Arc;

/// The built-in template: today's report.
pub const BUILTIN: &str = include_str!("report.md.j2");

/// A problem in a template: its line (when known) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: Option<usize>,
    pub message: String,
}

/// Renders a template (`name` is how errors name it) with the evidence functions.
pub(crate) fn render(evidence: &Arc<Evidence>, name: &str, source: &str) -> Result<String, Problem> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| describe(&e))?;
    env.set_syntax(syntax);
    // Everything the functions return is Markdown already escaped; the analyst's own text is
    // theirs to write.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    register(&mut env, evidence);
    env.add_global("title", Value::from(super::markdown::text(&evidence.title())));
    let comparisons: Vec<Value> = evidence
        .comparisons()
        .into_iter()
        .map(|(by, heading)| {
            Value::from(std::collections::BTreeMap::from([
                ("by".to_string(), Value::from(by)),
                ("heading".to_string(), Value::from(heading)),
            ]))
        })
        .collect();
    env.add_global("comparisons", Value::from(comparisons));
    env.add_global("over", Value::from(evidence.over_key().is_some()));
    env.add_global("has_ratings", Value::from(!evidence.project.ratings.is_empty()));
    env.add_template_owned(name.to_string(), source.to_string())
        .map_err(|e| describe(&e))?;
    let template = env.get_template(name).map_err(|e| describe(&e))?;
    template.render(()).map_err(|e| describe(&e))
}

/// The template with its literal text (what the analyst typed, outside `{{ }}`, `{% %}` and
/// `{# #}`) passed through `redact`: the analyst's own words leave the program redacted like
/// everything else. Template code is left alone, so line numbers stay as typed.
pub fn redact_literal(source: &str, redact: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    loop {
        let open = ["{{", "{%", "{#"]
            .iter()
            .filter_map(|o| rest.find(o).map(|at| (at, *o)))
            .min();
        let Some((at, open)) = open else {
            out.push_str(&redact(rest));
            return out;
        };
        out.push_str(&redact(&rest[..at]));
        let close = match open {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        let end = rest[at + 2..].find(close).map_or(rest.len(), |e| at + 2 + e + 2);
        out.push_str(&rest[at..end]);
        rest = &rest[end..];
    }
}

/// A minijinja error in the analyst's words, with the line where it happened.
fn describe(e: &Error) -> Problem {
    let message = match (e.kind(), e.detail()) {
        (ErrorKind::UnknownFunction, detail) => {
            // minijinja says "NAME is unknown".
            let name = detail.and_then(|d| d.split_whitespace().next()).unwrap_or("");
            let names = TABLE.iter().map(|f| f.0);
            format!(
                "unknown function `{name}`{}: the functions are {}",
                crate::diagnostics::did_you_mean(name, names.clone()),
                names.collect::<Vec<_>>().join(", ")
            )
        }
        (ErrorKind::InvalidOperation, Some(detail)) => detail.to_string(),
        (kind, Some(detail)) => format!("{kind}: {detail}"),
        (kind, None) => kind.to_string(),
    };
    Problem {
        line: e.line(),
        message,
    }
}

fn fail(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.into())
}

/// The arguments of one call: positional, then by keyword, each known by its name.
struct Call<'a> {
    function: &'static str,
    params: &'static [&'static str],
    args: &'a [Value],
    kwargs: &'a Kwargs,
}

impl Call<'_> {
    fn new<'a>(
        function: &'static str,
        params: &'static [&'static str],
        args: &'a [Value],
        kwargs: &'a Kwargs,
        any_keyword: bool,
    ) -> Result<Call<'a>, Error> {
        let call = Call {
            function,
            params,
            args,
            kwargs,
        };
        if args.len() > params.len() {
            return Err(call.error(format!(
                "takes at most {} argument{} ({}), not {}",
                params.len(),
                if params.len() == 1 { "" } else { "s" },
                params.join(", "),
                args.len()
            )));
        }
        if !any_keyword {
            for k in kwargs.args() {
                if !params.contains(&k) {
                    return Err(call.error(format!(
                        "has no argument `{k}`: its arguments are {}{}",
                        if params.is_empty() {
                            "none".to_string()
                        } else {
                            params.join(", ")
                        },
                        crate::diagnostics::did_you_mean(k, params.iter().copied())
                    )));
                }
            }
        }
        Ok(call)
    }

    fn error(&self, message: String) -> Error {
        fail(format!("{}(): {message}", self.function))
    }

    fn value(&self, name: &str) -> Option<Value> {
        let i = self.params.iter().position(|p| *p == name)?;
        match self.args.get(i) {
            Some(v) => Some(v.clone()),
            None => self.kwargs.get::<Option<Value>>(name).ok().flatten(),
        }
    }

    fn text(&self, name: &str) -> Result<Option<String>, Error> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => match v.as_str() {
                Some(s) => Ok(Some(s.to_string())),
                None => Err(self.error(format!("`{name}` should be text in quotes, not {v}"))),
            },
        }
    }

    fn required_text(&self, name: &str) -> Result<String, Error> {
        self.text(name)?
            .ok_or_else(|| self.error(format!("needs `{name}`, such as {}(\"...\")", self.function)))
    }

    fn number(&self, name: &str) -> Result<Option<f64>, Error> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => match f64::try_from(v.clone()) {
                Ok(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self.error(format!("`{name}` should be a number, not {v}"))),
            },
        }
    }

    fn count(&self, name: &str) -> Result<Option<usize>, Error> {
        match self.number(name)? {
            None => Ok(None),
            Some(x) if x >= 0.0 && x.fract() == 0.0 => Ok(Some(x as usize)),
            Some(x) => Err(self.error(format!("`{name}` should be a whole number, not {x}"))),
        }
    }

    fn level(&self, name: &str, default: Level) -> Result<Level, Error> {
        match self.text(name)?.as_deref() {
            None => Ok(default),
            Some("theme") => Ok(Level::Theme),
            Some("category") | Some("subtheme") => Ok(Level::Category),
            Some("code") => Ok(Level::Code),
            Some(other) => Err(self.error(format!("`{name}` is theme, category or code, not `{other}`"))),
        }
    }
}

type Function = fn(&Evidence, &Call) -> Result<String, Error>;

/// Each function: its name, its parameters, whether it takes any keyword (`count`: conditions)
/// and what it does.
const TABLE: &[(&str, &[&str], bool, Function)] = &[
    ("title_block", &[], false, |e, _| Ok(e.title_block())),
    ("summary", &[], false, |e, _| Ok(e.summary())),
    ("themes_table", &[], false, |e, _| Ok(e.themes_table())),
    ("triangulation", &["by", "level"], false, |e, c| {
        let by = c.text("by")?.unwrap_or_else(|| "group".into());
        let level = c.level("level", Level::Theme)?;
        e.triangulation(&by, level).map_err(|m| c.error(m))
    }),
    ("quotes", &["node", "n"], false, |e, c| {
        let node = e.node(&c.required_text("node")?).map_err(|m| c.error(m))?;
        let n = c
            .count("n")?
            .unwrap_or(e.project.config.report.quotes_per_subtheme);
        Ok(e.quotes(&node, n))
    }),
    ("count", &["node"], true, |e, c| {
        let node = e.node(&c.required_text("node")?).map_err(|m| c.error(m))?;
        let mut conditions = Vec::new();
        for key in c.kwargs.args() {
            if key == "node" {
                continue;
            }
            let value: Value = c
                .kwargs
                .get(key)
                .map_err(|_| c.error(format!("`{key}`: a value")))?;
            let value = match value.as_str() {
                Some(s) => s.to_string(),
                None => value.to_string(),
            };
            let w = Where::parse(&format!("{key}={value}"), &e.project)
                .map_err(|err| c.error(format!("{err:#}")))?;
            conditions.push(w);
        }
        Ok(e.count(&node, &conditions))
    }),
    ("matrix", &["rows", "cols", "cell"], false, |e, c| {
        use crate::analysis::matrix::CellKind;
        let rows = c.text("rows")?.unwrap_or_else(|| "participant".into());
        let cols = c.level("cols", Level::Theme)?;
        let cell = match c.text("cell")?.as_deref() {
            None | Some("count") => CellKind::Count,
            Some("extracts") => CellKind::Extracts,
            Some("summary") => CellKind::Summary,
            Some(other) => {
                return Err(c.error(format!("`cell` is count, extracts or summary, not `{other}`")))
            }
        };
        e.matrix(&rows, cols, cell).map_err(|m| c.error(m))
    }),
    ("cooccur", &["level", "unit"], false, |e, c| {
        use crate::analysis::cooccur::Unit;
        let level = c.level("level", Level::Code)?;
        let unit = match c.text("unit")?.as_deref() {
            None | Some("passage") => Unit::Passage,
            Some("turn") => Unit::Turn,
            Some("document") => Unit::Document,
            Some(other) => return Err(c.error(format!("`unit` is passage, turn or document, not `{other}`"))),
        };
        Ok(e.cooccur(level, unit))
    }),
    (
        "saturation",
        &["order", "base", "run", "threshold"],
        false,
        |e, c| {
            let order = c.text("order")?.unwrap_or_else(|| "document".into());
            let params = crate::analysis::saturation::Params {
                base: c.count("base")?.unwrap_or(4),
                run: c.count("run")?.unwrap_or(2),
                threshold: c.number("threshold")?.unwrap_or(0.05),
            };
            e.saturation(&order, params).map_err(|m| c.error(m))
        },
    ),
    ("ratings", &[], false, |e, _| Ok(e.ratings())),
    ("figure", &["name"], false, |e, c| {
        e.figure(&c.required_text("name")?).map_err(|m| c.error(m))
    }),
    ("findings", &[], false, |e, _| Ok(e.findings())),
    ("change_over_time", &[], false, |e, _| Ok(e.change_over_time())),
    ("methods", &[], false, |e, _| Ok(e.methods())),
    ("warnings", &[], false, |e, _| Ok(e.warnings())),
];

fn register(env: &mut Environment<'_>, evidence: &Arc<Evidence>) {
    for &(name, params, any_keyword, f) in TABLE {
        let evidence = Arc::clone(evidence);
        env.add_function(
            name,
            move |args: Rest<Value>, kwargs: Kwargs| -> Result<Value, Error> {
                let call = Call::new(name, params, &args, &kwargs, any_keyword)?;
                f(&evidence, &call).map(Value::from)
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_typed_text_is_redacted_and_lines_stay() {
        let redact = |s: &str| s.replace("Jo", "[name]");
        assert_eq!(
            redact_literal(
                "Jo said\n{{ quotes(\"Jo\") }} Jo {# Jo #}{% if Jo %}Jo{% endif %}",
                &redact
            ),
            "[name] said\n{{ quotes(\"Jo\") }} [name] {# Jo #}{% if Jo %}[name]{% endif %}"
        );
        assert_eq!(redact_literal("{{ unclosed Jo", &redact), "{{ unclosed Jo");
    }
}
