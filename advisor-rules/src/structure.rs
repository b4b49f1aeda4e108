//! Reading a pack's structure key by key, so that every wrong type, unknown key, bad value and
//! missing key is reported at once, each where it is, instead of stopping at the first.

use std::collections::BTreeMap;

use scalability_advisor_core::bottleneck::Layer;
use scalability_advisor_core::{Component, LadderStep, Remedy, Stage, Symptom};
use serde::de::DeserializeOwned;

use crate::pack::{MissingData, RawPack, RawRule, RawValue, Severity};

/// A structural problem: a message, a help text, and the byte span it concerns.
pub(crate) struct Problem {
    pub(crate) message: String,
    pub(crate) help: Option<String>,
    pub(crate) span: (usize, usize),
    /// The rule it belongs to, when known.
    pub(crate) rule: Option<String>,
}

/// A table's entries: each key, the key's byte span, and its value.
pub(crate) type Entries<N> = Vec<(String, (usize, usize), N)>;

/// A node of a parsed document: a value with the byte span it came from.
pub(crate) trait Node: Sized {
    /// Its byte span in the source (`(0, 0)` when the format does not keep spans).
    fn span(&self) -> (usize, usize);
    /// Its entries with their key spans, when it is a table.
    fn into_entries(self) -> Result<Entries<Self>, Self>;
    /// Its items, when it is an array.
    fn into_items(self) -> Result<Vec<Self>, Self>;
    /// The value as `T`, or serde's message.
    fn decode<T: DeserializeOwned>(self) -> Result<T, String>;
    /// What kind of value it is, for messages.
    fn kind(&self) -> &'static str;
}

impl Node for toml::Spanned<toml::de::DeValue<'_>> {
    fn span(&self) -> (usize, usize) {
        let s = toml::Spanned::span(self);
        (s.start, s.end)
    }
    fn into_entries(self) -> Result<Entries<Self>, Self> {
        let span = toml::Spanned::span(&self);
        match self.into_inner() {
            toml::de::DeValue::Table(t) => Ok(t
                .into_iter()
                .map(|(k, v)| {
                    let ks = k.span();
                    (k.into_inner().into_owned(), (ks.start, ks.end), v)
                })
                .collect()),
            other => Err(toml::Spanned::new(span, other)),
        }
    }
    fn into_items(self) -> Result<Vec<Self>, Self> {
        let span = toml::Spanned::span(&self);
        match self.into_inner() {
            toml::de::DeValue::Array(a) => Ok(a.into_iter().collect()),
            other => Err(toml::Spanned::new(span, other)),
        }
    }
    fn decode<T: DeserializeOwned>(self) -> Result<T, String> {
        T::deserialize(toml::de::ValueDeserializer::from(self)).map_err(|e| e.message().to_owned())
    }
    fn kind(&self) -> &'static str {
        match self.get_ref() {
            toml::de::DeValue::String(_) => "a string",
            toml::de::DeValue::Integer(_) | toml::de::DeValue::Float(_) => "a number",
            toml::de::DeValue::Boolean(_) => "a boolean",
            toml::de::DeValue::Datetime(_) => "a date",
            toml::de::DeValue::Array(_) => "an array",
            toml::de::DeValue::Table(_) => "a table",
        }
    }
}

/// A JSON value; JSON keeps no spans, so the caller places problems by rule.
pub(crate) struct JsonNode(pub(crate) serde_json::Value);

impl Node for JsonNode {
    fn span(&self) -> (usize, usize) {
        (0, 0)
    }
    fn into_entries(self) -> Result<Entries<Self>, Self> {
        match self.0 {
            serde_json::Value::Object(m) => Ok(m
                .into_iter()
                .map(|(k, v)| (k, (0, 0), JsonNode(v)))
                .collect()),
            other => Err(JsonNode(other)),
        }
    }
    fn into_items(self) -> Result<Vec<Self>, Self> {
        match self.0 {
            serde_json::Value::Array(a) => Ok(a.into_iter().map(JsonNode).collect()),
            other => Err(JsonNode(other)),
        }
    }
    fn decode<T: DeserializeOwned>(self) -> Result<T, String> {
        serde_json::from_value(self.0).map_err(|e| e.to_string())
    }
    fn kind(&self) -> &'static str {
        match self.0 {
            serde_json::Value::Null => "null",
            serde_json::Value::Bool(_) => "a boolean",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::Object(_) => "an object",
        }
    }
}

const PACK_KEYS: [&str; 7] = [
    "format", "name", "version", "params", "disable", "rule", "rules",
];

const RULE_KEYS: [&str; 25] = [
    "id",
    "title",
    "when",
    "stages",
    "severity",
    "priority",
    "layer",
    "symptom",
    "remedy",
    "step",
    "ladder",
    "moves_to",
    "overdue_severity",
    "action",
    "step_title",
    "advice",
    "made_advice",
    "references",
    "supersedes",
    "for",
    "for_evaluations",
    "clear",
    "missing",
    "recommends",
    "discourages",
];

fn unknown_key(key: &str, span: (usize, usize), known: &[&str], rule: Option<&str>) -> Problem {
    let help = crate::expr::did_you_mean(key, known.iter().copied())
        .map(|k| format!("did you mean `{k}`?"))
        .or_else(|| Some(format!("the keys are: {}", known.join(", "))));
    Problem {
        message: format!("unknown key `{key}`"),
        help,
        span,
        rule: rule.map(str::to_owned),
    }
}

/// Reads a whole pack, collecting every structural problem. Rules with problems are left out
/// of the result; the others are returned for the expression checks.
pub(crate) fn read_pack<N: Node>(root: N) -> (Option<RawPack>, Vec<Problem>) {
    let mut problems = Vec::new();
    let root_span = root.span();
    let entries = match root.into_entries() {
        Ok(e) => e,
        Err(other) => {
            problems.push(Problem {
                message: format!("a pack is a table of keys, found {}", other.kind()),
                help: None,
                span: root_span,
                rule: None,
            });
            return (None, problems);
        }
    };
    let mut format = None;
    let mut name = None;
    let mut version = None;
    let mut params = BTreeMap::new();
    let mut param_spans = BTreeMap::new();
    let mut disable = Vec::new();
    let mut disable_spans = Vec::new();
    let mut rules = Vec::new();
    for (key, key_span, value) in entries {
        let span = value.span();
        let mut field = |r: Result<(), String>| {
            if let Err(message) = r {
                problems.push(Problem {
                    message: format!("`{key}`: {message}"),
                    help: None,
                    span,
                    rule: None,
                });
            }
        };
        match key.as_str() {
            "format" => field(value.decode::<u32>().map(|v| format = Some(v))),
            "name" => field(value.decode::<String>().map(|v| name = Some(v))),
            "version" => field(value.decode::<String>().map(|v| version = Some(v))),
            "params" => match value.into_entries() {
                Ok(entries) => {
                    for (name, name_span, v) in entries {
                        let at = v.span();
                        match v.decode::<RawValue>() {
                            Ok(v) => {
                                param_spans.insert(name.clone(), name_span);
                                params.insert(name, v);
                            }
                            Err(message) => problems.push(Problem {
                                message: format!("`params.{name}`: {message}"),
                                help: None,
                                span: at,
                                rule: None,
                            }),
                        }
                    }
                }
                Err(other) => problems.push(Problem {
                    message: format!("`params` is a table, found {}", other.kind()),
                    help: None,
                    span,
                    rule: None,
                }),
            },
            "disable" => match value.into_items() {
                Ok(items) => {
                    for item in items {
                        let at = item.span();
                        match item.decode::<String>() {
                            Ok(id) => {
                                disable.push(id);
                                disable_spans.push(at);
                            }
                            Err(message) => problems.push(Problem {
                                message: format!("`disable`: {message}"),
                                help: None,
                                span: at,
                                rule: None,
                            }),
                        }
                    }
                }
                Err(other) => problems.push(Problem {
                    message: format!("`disable` is a list of rule ids, found {}", other.kind()),
                    help: None,
                    span,
                    rule: None,
                }),
            },
            "rule" | "rules" => match value.into_items() {
                Ok(items) => {
                    for item in items {
                        let (rule, mut found) = read_rule(item);
                        problems.append(&mut found);
                        rules.extend(rule);
                    }
                }
                Err(other) => problems.push(Problem {
                    message: format!("`{key}` is a list of rules, found {}", other.kind()),
                    help: Some("write each rule as a [[rule]] table".into()),
                    span,
                    rule: None,
                }),
            },
            _ => problems.push(unknown_key(&key, key_span, &PACK_KEYS, None)),
        }
    }
    let Some(name) = name else {
        problems.push(Problem {
            message: "the pack has no `name`".into(),
            help: Some("add `name = \"...\"` at the top".into()),
            span: (0, 0),
            rule: None,
        });
        return (None, problems);
    };
    let pack = RawPack {
        format,
        name,
        version,
        params,
        disable,
        rule: rules,
        param_spans,
        disable_spans,
    };
    (Some(pack), problems)
}

/// Reads one rule, collecting every problem of its keys.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per rule key, each a line or two"
)]
fn read_rule<N: Node>(node: N) -> (Option<RawRule>, Vec<Problem>) {
    let mut problems = Vec::new();
    let table_span = node.span();
    let entries = match node.into_entries() {
        Ok(e) => e,
        Err(other) => {
            problems.push(Problem {
                message: format!("a rule is a table of keys, found {}", other.kind()),
                help: None,
                span: table_span,
                rule: None,
            });
            return (None, problems);
        }
    };
    let mut rule = RawRule {
        id: String::new(),
        title: String::new(),
        when: String::new(),
        stages: Vec::new(),
        severity: Severity::Warning,
        priority: 0,
        layer: None,
        symptom: None,
        remedy: None,
        step: None,
        ladder: None,
        moves_to: None,
        overdue_severity: None,
        action: None,
        step_title: None,
        advice: String::new(),
        made_advice: None,
        references: Vec::new(),
        supersedes: Vec::new(),
        hold_for: None,
        hold_evaluations: None,
        clear: None,
        missing: MissingData::NotEvaluated,
        recommends: Vec::new(),
        discourages: Vec::new(),
        spans: crate::pack::RuleSpans::default(),
    };
    // A text the report prints on a line of its own (an empty one would print a blank line).
    let blank = |pending: &mut Vec<Problem>, key: &str, what: &str, span: (usize, usize)| {
        pending.push(Problem {
            message: format!("`{key}` is empty"),
            help: Some(format!("write {what}")),
            span,
            rule: None,
        });
    };
    // Spans of (0, 0) mean the format keeps none.
    let known = |span: (usize, usize)| (span != (0, 0)).then_some(span);
    let mut seen: Vec<String> = Vec::new();
    let mut pending: Vec<Problem> = Vec::new();
    for (key, key_span, value) in entries {
        let span = value.span();
        let mut bad = |message: String| {
            pending.push(Problem {
                message: format!("`{key}`: {message}"),
                help: None,
                span,
                rule: None,
            });
        };
        seen.push(key.clone());
        macro_rules! set {
            ($field:expr, $ty:ty) => {
                match value.decode::<$ty>() {
                    Ok(v) => $field = v,
                    Err(m) => bad(m),
                }
            };
        }
        match key.as_str() {
            "id" => {
                rule.spans.id = known(span);
                set!(rule.id, String);
            }
            "title" => match value.decode::<String>() {
                Ok(t) if t.trim().is_empty() => {
                    blank(
                        &mut pending,
                        "title",
                        "what the finding is, in a few words",
                        span,
                    );
                }
                Ok(t) => rule.title = t,
                Err(m) => bad(m),
            },
            "when" => {
                rule.spans.when = known(span);
                set!(rule.when, String);
            }
            "advice" => match value.decode::<String>() {
                Ok(a) if a.trim().is_empty() => {
                    blank(&mut pending, "advice", "what to do about the finding", span);
                }
                Ok(a) => rule.advice = a,
                Err(m) => bad(m),
            },
            "step_title" => match value.decode::<Option<String>>() {
                Ok(Some(t)) if t.trim().is_empty() => {
                    blank(
                        &mut pending,
                        "step_title",
                        "the title of the finding's step",
                        span,
                    );
                }
                Ok(t) => rule.step_title = t,
                Err(m) => bad(m),
            },
            "made_advice" => match value.decode::<Option<String>>() {
                Ok(Some(a)) if a.trim().is_empty() => {
                    let what = "what to do once the move is made";
                    blank(&mut pending, "made_advice", what, span);
                }
                Ok(a) => rule.made_advice = a,
                Err(m) => bad(m),
            },
            "stages" => set!(rule.stages, Vec<Stage>),
            "severity" => set!(rule.severity, Severity),
            "priority" => set!(rule.priority, u32),
            "layer" => set!(rule.layer, Option<Layer>),
            "symptom" => set!(rule.symptom, Option<Symptom>),
            "ladder" => set!(rule.ladder, Option<Symptom>),
            "remedy" => set!(rule.remedy, Option<Remedy>),
            "step" => set!(rule.step, Option<LadderStep>),
            "moves_to" => set!(rule.moves_to, Option<Stage>),
            "overdue_severity" => set!(rule.overdue_severity, Option<Severity>),
            "action" => set!(rule.action, Option<String>),
            "references" => set!(rule.references, Vec<String>),
            "supersedes" => set!(rule.supersedes, Vec<String>),
            "for" => {
                rule.spans.hold_for = known(span);
                set!(rule.hold_for, Option<String>);
            }
            "for_evaluations" => set!(rule.hold_evaluations, Option<u32>),
            "clear" => {
                rule.spans.clear = known(span);
                set!(rule.clear, Option<String>);
            }
            "missing" => set!(rule.missing, MissingData),
            "recommends" => set!(rule.recommends, Vec<Component>),
            "discourages" => set!(rule.discourages, Vec<Component>),
            _ => pending.push(unknown_key(&key, key_span, &RULE_KEYS, None)),
        }
    }
    for required in ["id", "title", "when", "severity", "advice"] {
        if !seen.iter().any(|k| k == required) {
            pending.push(Problem {
                message: format!("the rule has no `{required}`"),
                help: Some(format!("every rule needs `{required}`")),
                span: table_span,
                rule: None,
            });
        }
    }
    let name = (!rule.id.is_empty()).then(|| rule.id.clone());
    for mut p in pending {
        p.rule.clone_from(&name);
        problems.push(p);
    }
    if problems.is_empty() {
        (Some(rule), problems)
    } else {
        (None, problems)
    }
}
