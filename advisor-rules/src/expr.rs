//! The condition language: lexer, parser, abstract syntax and unit checking.
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | cmp
//! cmp     := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := "-" unary | atom
//! atom    := number unit? | metric | "$" param | call | "(" expr ")" | "true" | "false"
//! call    := name "(" args ")"     (consistently_above, degrading, plateauing, has, present)
//! ```

use core::fmt;

use scalability_advisor_core::{Component, EntityField, EntityKind, Metric, UnitKind};

/// A byte range in the condition text, with the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
}

/// The physical dimension of a value in a condition.
///
/// Ratios and plain numbers are both [`Dim::Number`]; durations are seconds and rates are
/// per second internally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Dim {
    /// A dimensionless number: a ratio, a count, queries per request.
    Number,
    /// A time span.
    Duration,
    /// Events per time.
    Rate,
    /// True or false.
    Bool,
}

impl fmt::Display for Dim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dim::Number => "a number or percentage",
            Dim::Duration => "a duration",
            Dim::Rate => "a rate",
            Dim::Bool => "a condition",
        })
    }
}

/// The dimension of a metric.
pub(crate) fn metric_dim(metric: Metric) -> Dim {
    unit_dim(metric.unit())
}

/// The dimension of a unit kind.
pub(crate) fn unit_dim(unit: UnitKind) -> Dim {
    match unit {
        UnitKind::Duration => Dim::Duration,
        UnitKind::Rate => Dim::Rate,
        UnitKind::Flag => Dim::Bool,
        _ => Dim::Number,
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CmpOp {
    /// `<`
    #[cfg_attr(feature = "serde", serde(rename = "<"))]
    Lt,
    /// `<=`
    #[cfg_attr(feature = "serde", serde(rename = "<="))]
    Le,
    /// `>`
    #[cfg_attr(feature = "serde", serde(rename = ">"))]
    Gt,
    /// `>=`
    #[cfg_attr(feature = "serde", serde(rename = ">="))]
    Ge,
    /// `==`
    #[cfg_attr(feature = "serde", serde(rename = "=="))]
    Eq,
    /// `!=`
    #[cfg_attr(feature = "serde", serde(rename = "!="))]
    Ne,
}

impl CmpOp {
    /// Applies the operator (exactly; the engine adds a relative tolerance).
    #[must_use]
    #[expect(
        clippy::float_cmp,
        reason = "`==` and `!=` are the operators being applied"
    )]
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::CmpOp;
    /// assert!(CmpOp::Ge.apply(0.7, 0.7));
    /// assert!(!CmpOp::Gt.apply(0.7, 0.7));
    /// ```
    pub fn apply(self, a: f64, b: f64) -> bool {
        match self {
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
        }
    }

    /// The operator with its operands swapped (`a < b` is `b > a`).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::CmpOp;
    /// // `a < b` is `b > a`.
    /// assert_eq!(CmpOp::Lt.flipped(), CmpOp::Gt);
    /// ```
    #[must_use]
    pub fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
            other => other,
        }
    }

    /// The operator's symbol.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::CmpOp;
    /// assert_eq!(CmpOp::Ne.symbol(), "!=");
    /// ```
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }

    /// The operator that holds exactly when this one does not (`>` and `<=`).
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::CmpOp;
    /// assert_eq!(CmpOp::Gt.negated(), CmpOp::Le);
    /// assert_eq!(CmpOp::Eq.negated(), CmpOp::Ne);
    /// ```
    #[must_use]
    pub const fn negated(self) -> CmpOp {
        match self {
            CmpOp::Lt => CmpOp::Ge,
            CmpOp::Le => CmpOp::Gt,
            CmpOp::Gt => CmpOp::Le,
            CmpOp::Ge => CmpOp::Lt,
            CmpOp::Eq => CmpOp::Ne,
            CmpOp::Ne => CmpOp::Eq,
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// A series function of the condition language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SeriesFn {
    /// `consistently_above(metric, level)`: the share of a window's samples above the level
    /// reaches the configured share (the snapshot value alone when there is no series).
    ConsistentlyAbove,
    /// `degrading(metric)`: a significant trend for the worse over the window.
    Degrading,
    /// `plateauing(metric)`: no significant trend and little change over the window.
    Plateauing,
}

impl SeriesFn {
    /// The function's name in conditions.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::SeriesFn;
    /// assert_eq!(SeriesFn::ConsistentlyAbove.name(), "consistently_above");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            SeriesFn::ConsistentlyAbove => "consistently_above",
            SeriesFn::Degrading => "degrading",
            SeriesFn::Plateauing => "plateauing",
        }
    }
}

/// A node of a parsed condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A literal in canonical units.
    Num {
        value: f64,
        dim: Dim,
        span: Span,
    },
    Bool {
        value: bool,
        span: Span,
    },
    Metric {
        metric: Metric,
        span: Span,
    },
    /// A `$name` parameter, resolved before compilation.
    Param {
        /// Borrowed for the default pack's built-in rules, owned when parsed.
        name: std::borrow::Cow<'static, str>,
        span: Span,
    },
    Neg {
        inner: Box<Expr>,
        span: Span,
    },
    Arith {
        op: ArithOp,
        left: Box<Expr>,
        right: Box<Expr>,
        span: Span,
    },
    Cmp {
        op: CmpOp,
        left: Box<Expr>,
        right: Box<Expr>,
        span: Span,
    },
    Not {
        inner: Box<Expr>,
        span: Span,
    },
    And {
        items: Vec<Expr>,
        span: Span,
    },
    Or {
        items: Vec<Expr>,
        span: Span,
    },
    Series {
        func: SeriesFn,
        metric: Metric,
        level: Option<Box<Expr>>,
        span: Span,
    },
    Has {
        component: Component,
        span: Span,
    },
    Present {
        metric: Metric,
        span: Span,
    },
    /// A field of the entity `any(...)` ranges over.
    Field {
        field: EntityField,
        span: Span,
    },
    /// `any(<list>, <condition>)`: some entity of the list meets the condition.
    Any {
        kind: EntityKind,
        inner: Box<Expr>,
        span: Span,
    },
}

impl Expr {
    pub(crate) fn span(&self) -> Span {
        match self {
            Expr::Num { span, .. }
            | Expr::Bool { span, .. }
            | Expr::Metric { span, .. }
            | Expr::Param { span, .. }
            | Expr::Neg { span, .. }
            | Expr::Arith { span, .. }
            | Expr::Cmp { span, .. }
            | Expr::Not { span, .. }
            | Expr::And { span, .. }
            | Expr::Or { span, .. }
            | Expr::Series { span, .. }
            | Expr::Has { span, .. }
            | Expr::Present { span, .. }
            | Expr::Field { span, .. }
            | Expr::Any { span, .. } => *span,
        }
    }

    /// Calls `f` on every node, depth first.
    pub(crate) fn walk(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Neg { inner, .. } | Expr::Not { inner, .. } | Expr::Any { inner, .. } => {
                inner.walk(f)
            }
            Expr::Arith { left, right, .. } | Expr::Cmp { left, right, .. } => {
                left.walk(f);
                right.walk(f);
            }
            Expr::And { items, .. } | Expr::Or { items, .. } => {
                items.iter().for_each(|e| e.walk(f))
            }
            Expr::Series { level: Some(l), .. } => l.walk(f),
            _ => {}
        }
    }
}

/// A problem found while reading a condition, before it is placed in its file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExprError {
    pub(crate) kind: ExprErrorKind,
    pub(crate) message: String,
    pub(crate) span: Span,
    pub(crate) help: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExprErrorKind {
    Syntax,
    UnknownMetric,
    UnknownComponent,
    UnitMismatch,
    TooDeep,
}

/// The unit suffixes a number may carry (letters only; `%` and `/s` are lexed apart).
const UNITS: [&str; 8] = ["k", "M", "ms", "us", "s", "min", "h", "d"];

/// Limits that keep hostile input from exhausting the stack or running long: the parser's
/// recursion depth (each parenthesis costs two levels, so about 32 nested parentheses).
pub(crate) const MAX_DEPTH: usize = 64;
/// Longest condition accepted, in bytes.
pub(crate) const MAX_CONDITION_LEN: usize = 4_096;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num { value: f64, dim: Dim },
    Ident(String),
    Param(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
    End,
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn tokens(src: &'a str) -> Result<Vec<(Tok, Span)>, ExprError> {
        let mut lx = Lexer { src, pos: 0 };
        let mut out = Vec::new();
        loop {
            let (t, span) = lx.next()?;
            let end = t == Tok::End;
            out.push((t, span));
            if end {
                return Ok(out);
            }
        }
    }

    fn peek_char(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn next(&mut self) -> Result<(Tok, Span), ExprError> {
        while let Some(c) = self.peek_char() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        let start = self.pos;
        let Some(c) = self.peek_char() else {
            return Ok((Tok::End, Span { start, end: start }));
        };
        let rest = &self.src[self.pos..];
        for op in [
            "<=", ">=", "==", "!=", "&&", "||", "<", ">", "+", "-", "*", "/", "!",
        ] {
            if rest.starts_with(op) {
                self.pos += op.len();
                let op = match op {
                    "&&" => "and",
                    "||" => "or",
                    "!" => "not",
                    other => other,
                };
                return Ok((
                    Tok::Op(op),
                    Span {
                        start,
                        end: self.pos,
                    },
                ));
            }
        }
        match c {
            '(' => {
                self.pos += 1;
                return Ok((
                    Tok::LParen,
                    Span {
                        start,
                        end: self.pos,
                    },
                ));
            }
            ')' => {
                self.pos += 1;
                return Ok((
                    Tok::RParen,
                    Span {
                        start,
                        end: self.pos,
                    },
                ));
            }
            ',' => {
                self.pos += 1;
                return Ok((
                    Tok::Comma,
                    Span {
                        start,
                        end: self.pos,
                    },
                ));
            }
            _ => {}
        }
        if c == '$' {
            self.pos += 1;
            let name = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            if name.is_empty() {
                return Err(syntax(
                    "expected a parameter name after `$`",
                    Span {
                        start,
                        end: self.pos,
                    },
                    None,
                ));
            }
            return Ok((
                Tok::Param(name.to_owned()),
                Span {
                    start,
                    end: self.pos,
                },
            ));
        }
        if c.is_ascii_digit() || c == '.' {
            return self.number(start);
        }
        if c.is_ascii_alphabetic() || c == '_' {
            let word = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            let span = Span {
                start,
                end: self.pos,
            };
            return Ok(match word {
                "and" => (Tok::Op("and"), span),
                "or" => (Tok::Op("or"), span),
                "not" => (Tok::Op("not"), span),
                _ => (Tok::Ident(word.to_owned()), span),
            });
        }
        Err(syntax(
            &format!("unexpected character `{c}`"),
            Span {
                start,
                end: start + c.len_utf8(),
            },
            Some("conditions use metric names, numbers with units, comparisons, and/or/not".into()),
        ))
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &'a str {
        let start = self.pos;
        while let Some(c) = self.peek_char() {
            if f(c) {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        &self.src[start..self.pos]
    }

    fn number(&mut self, start: usize) -> Result<(Tok, Span), ExprError> {
        let digits = self.take_while(|c| c.is_ascii_digit() || c == '.' || c == '_');
        let text: String = digits.chars().filter(|c| *c != '_').collect();
        let span_num = Span {
            start,
            end: self.pos,
        };
        let value: f64 = text
            .parse()
            .map_err(|_| syntax(&format!("`{digits}` is not a number"), span_num, None))?;
        // A unit suffix: letters, `%`, or `/s`, `/min`, `/h`, `/d` for rates.
        let unit_start = self.pos;
        let unit = if self.src[self.pos..].starts_with('%') {
            self.pos += 1;
            "%"
        } else if self.src[self.pos..].starts_with('/')
            && self.src[self.pos + 1..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            self.pos += 1;
            let u = self.take_while(|c| c.is_ascii_alphabetic());
            match u {
                "s" => "/s",
                "min" => "/min",
                "h" => "/h",
                "d" => "/d",
                _ => {
                    return Err(syntax(
                        &format!("unknown rate unit `/{u}`"),
                        Span {
                            start: unit_start,
                            end: self.pos,
                        },
                        Some("use /s, /min, /h or /d".into()),
                    ));
                }
            }
        } else {
            self.take_while(|c| c.is_ascii_alphabetic())
        };
        let span = Span {
            start,
            end: self.pos,
        };
        let (value, dim) = match unit {
            "" => (value, Dim::Number),
            "%" => (value / 100.0, Dim::Number),
            "k" => (value * 1e3, Dim::Number),
            "M" => (value * 1e6, Dim::Number),
            "ms" => (value / 1e3, Dim::Duration),
            "us" => (value / 1e6, Dim::Duration),
            "s" => (value, Dim::Duration),
            "min" => (value * 60.0, Dim::Duration),
            "h" => (value * 3600.0, Dim::Duration),
            "d" => (value * 86_400.0, Dim::Duration),
            "/s" => (value, Dim::Rate),
            "/min" => (value / 60.0, Dim::Rate),
            "/h" => (value / 3600.0, Dim::Rate),
            "/d" => (value / 86_400.0, Dim::Rate),
            other => {
                return Err(syntax(
                    &format!("unknown unit `{other}`"),
                    Span {
                        start: unit_start,
                        end: self.pos,
                    },
                    Some("use %, k, M, ms, s, min, h, d, /s, /min, /h or /d".into()),
                ));
            }
        };
        if !value.is_finite() {
            return Err(syntax("number is too large", span, None));
        }
        Ok((Tok::Num { value, dim }, span))
    }
}

fn syntax(message: &str, span: Span, help: Option<String>) -> ExprError {
    ExprError {
        kind: ExprErrorKind::Syntax,
        message: message.to_owned(),
        span,
        help,
    }
}

/// Looks up a metric by name: `snake_case` names, dots for underscores (`db.cpu`), and a few
/// short aliases (`p95`).
pub(crate) fn lookup_metric(name: &str) -> Option<Metric> {
    let normal = name.replace('.', "_");
    let alias = match normal.as_str() {
        "p95" | "p95_latency" | "response_time_p95" => "p95_response_time",
        "pool_usage" => "db_pool_usage",
        "queries_per_request" => "db_queries_per_request",
        "cpu" => "server_cpu",
        "memory" => "memory_usage",
        "read_share" => "db_read_share",
        "slow_query" | "slowest_query" => "slowest_query_time",
        other => other,
    };
    Metric::from_name(alias)
}

/// Every name the vocabulary accepts, for "did you mean".
pub(crate) fn vocabulary() -> impl Iterator<Item = &'static str> {
    Metric::ALL.iter().map(|m| m.name()).chain(["p95"])
}

/// The closest known name to `name`, when close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let normal = name.replace('.', "_");
    candidates
        .map(|c| (levenshtein(&normal, c), c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Parses a condition.
pub(crate) fn parse(src: &str) -> Result<Expr, ExprError> {
    if src.len() > MAX_CONDITION_LEN {
        return Err(ExprError {
            kind: ExprErrorKind::TooDeep,
            message: format!(
                "condition is {} bytes long, the limit is {MAX_CONDITION_LEN}",
                src.len()
            ),
            span: Span { start: 0, end: 0 },
            help: Some("split it into several rules".into()),
        });
    }
    let tokens = Lexer::tokens(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
        entity: None,
    };
    let e = p.or()?;
    match p.peek() {
        Tok::End => Ok(e),
        // `2 s`: a unit written apart from its number.
        Tok::Ident(unit)
            if UNITS.contains(&unit.as_str())
                && matches!(p.previous(), Some((Tok::Num { .. }, _))) =>
        {
            let number = p.previous().map_or(Span::default(), |t| t.1);
            let text = src.get(number.start..number.end).unwrap_or("");
            Err(syntax(
                &format!("a space between the number and its unit `{unit}`"),
                p.span(),
                Some(format!(
                    "write the unit right after the number: `{text}{unit}`"
                )),
            ))
        }
        _ => Err(syntax(
            "unexpected text after the condition",
            p.span(),
            Some("join conditions with `and` or `or`".into()),
        )),
    }
}

struct Parser {
    tokens: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
    /// The kind of entity an enclosing `any(...)` ranges over.
    entity: Option<EntityKind>,
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.tokens.get(self.pos).map_or(&Tok::End, |t| &t.0)
    }

    fn span(&self) -> Span {
        self.tokens.get(self.pos).map_or(Span::default(), |t| t.1)
    }

    fn bump(&mut self) -> (Tok, Span) {
        let t = self
            .tokens
            .get(self.pos)
            .cloned()
            .unwrap_or((Tok::End, Span::default()));
        self.pos += 1;
        t
    }

    /// The token before the current one.
    fn previous(&self) -> Option<&(Tok, Span)> {
        self.pos.checked_sub(1).and_then(|i| self.tokens.get(i))
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError {
                kind: ExprErrorKind::TooDeep,
                message: format!("condition nests deeper than {MAX_DEPTH} levels"),
                span: self.span(),
                help: Some("simplify the condition or split it into several rules".into()),
            });
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.enter()?;
        let first = self.and()?;
        let mut items = vec![first];
        while *self.peek() == Tok::Op("or") {
            self.bump();
            items.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            let span = join(items[0].span(), items[items.len() - 1].span());
            Expr::Or { items, span }
        })
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let first = self.not()?;
        let mut items = vec![first];
        while *self.peek() == Tok::Op("and") {
            self.bump();
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            let span = join(items[0].span(), items[items.len() - 1].span());
            Expr::And { items, span }
        })
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if *self.peek() == Tok::Op("not") {
            let (_, start) = self.bump();
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            let span = join(start, inner.span());
            return Ok(Expr::Not {
                inner: Box::new(inner),
                span,
            });
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, ExprError> {
        let left = self.sum()?;
        let op = match self.peek() {
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::Le,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::Ge,
            Tok::Op("==") => CmpOp::Eq,
            Tok::Op("!=") => CmpOp::Ne,
            _ => return Ok(left),
        };
        self.bump();
        let right = self.sum()?;
        let span = join(left.span(), right.span());
        Ok(Expr::Cmp {
            op,
            left: Box::new(left),
            right: Box::new(right),
            span,
        })
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => ArithOp::Add,
                Tok::Op("-") => ArithOp::Sub,
                _ => return Ok(left),
            };
            self.bump();
            let right = self.product()?;
            let span = join(left.span(), right.span());
            left = Expr::Arith {
                op,
                left: Box::new(left),
                right: Box::new(right),
                span,
            };
        }
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => ArithOp::Mul,
                Tok::Op("/") => ArithOp::Div,
                _ => return Ok(left),
            };
            self.bump();
            let right = self.unary()?;
            let span = join(left.span(), right.span());
            left = Expr::Arith {
                op,
                left: Box::new(left),
                right: Box::new(right),
                span,
            };
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if *self.peek() == Tok::Op("-") {
            let (_, start) = self.bump();
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            let span = join(start, inner.span());
            return Ok(Expr::Neg {
                inner: Box::new(inner),
                span,
            });
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        let (tok, span) = self.bump();
        match tok {
            Tok::Num { value, dim } => Ok(Expr::Num { value, dim, span }),
            Tok::Param(name) => Ok(Expr::Param {
                name: std::borrow::Cow::Owned(name),
                span,
            }),
            Tok::LParen => {
                self.enter()?;
                let e = self.or()?;
                self.depth -= 1;
                match self.bump() {
                    (Tok::RParen, _) => Ok(e),
                    (_, s) => Err(syntax("expected `)`", s, Some("close every `(`".into()))),
                }
            }
            Tok::Ident(word) if word == "true" => Ok(Expr::Bool { value: true, span }),
            Tok::Ident(word) if word == "false" => Ok(Expr::Bool { value: false, span }),
            Tok::Ident(word) if word == "any" && *self.peek() == Tok::LParen => self.any(span),
            Tok::Ident(word) if *self.peek() == Tok::LParen => self.call(&word, span),
            Tok::Ident(word) => {
                if let Some(field) = self
                    .entity
                    .and_then(|kind| EntityField::from_name(kind, &word))
                {
                    return Ok(Expr::Field { field, span });
                }
                match lookup_metric(&word) {
                    Some(metric) => Ok(Expr::Metric { metric, span }),
                    None => Err(match self.entity {
                        Some(kind) => unknown_field(kind, &word, span),
                        None => unknown_metric(&word, span),
                    }),
                }
            }
            Tok::End => Err(syntax(
                "the condition ends too early",
                span,
                Some("complete the expression".into()),
            )),
            other => Err(syntax(
                &format!("unexpected {}", describe(&other)),
                span,
                None,
            )),
        }
    }

    /// `any(<list>, <condition>)`, after the word `any`.
    fn any(&mut self, name_span: Span) -> Result<Expr, ExprError> {
        self.bump(); // (
        let (list, list_span) = self.bump();
        let kind = match &list {
            Tok::Ident(w) => EntityKind::from_list_name(w).ok_or_else(|| {
                syntax(
                    &format!("`{w}` is not a list of the snapshot"),
                    list_span,
                    Some(format!(
                        "`any` ranges over {}",
                        EntityKind::ALL.map(EntityKind::list_name).join(", ")
                    )),
                )
            })?,
            other => {
                return Err(syntax(
                    &format!(
                        "expected a list such as `tables`, found {}",
                        describe(other)
                    ),
                    list_span,
                    None,
                ));
            }
        };
        if self.entity.is_some() {
            return Err(syntax(
                "`any` cannot be nested in another `any`",
                name_span,
                Some("write one `any` per rule; combine conditions on one entity inside it".into()),
            ));
        }
        match self.bump() {
            (Tok::Comma, _) => {}
            (_, s) => {
                return Err(syntax(
                    "expected `,` after the list",
                    s,
                    Some(format!("write `any({}, <condition>)`", kind.list_name())),
                ));
            }
        }
        self.enter()?;
        self.entity = Some(kind);
        let inner = self.or();
        self.entity = None;
        self.depth -= 1;
        let inner = inner?;
        match self.bump() {
            (Tok::RParen, end) => Ok(Expr::Any {
                kind,
                inner: Box::new(inner),
                span: join(name_span, end),
            }),
            (_, s) => Err(syntax("expected `)` to close `any(`", s, None)),
        }
    }

    fn call(&mut self, name: &str, name_span: Span) -> Result<Expr, ExprError> {
        self.bump(); // (
        let mut args: Vec<(Tok, Span, Option<Expr>)> = Vec::new();
        if *self.peek() != Tok::RParen {
            loop {
                // Metric and component arguments are bare words; a level is an expression.
                let here = self.pos;
                let (t, s) = self.bump();
                if matches!(t, Tok::Ident(_)) && matches!(self.peek(), Tok::Comma | Tok::RParen) {
                    args.push((t, s, None));
                } else {
                    self.pos = here;
                    self.enter()?;
                    let e = self.sum()?;
                    self.depth -= 1;
                    args.push((Tok::End, e.span(), Some(e)));
                }
                match self.bump() {
                    (Tok::Comma, _) => {}
                    (Tok::RParen, _) => break,
                    (_, s) => return Err(syntax("expected `,` or `)`", s, None)),
                }
            }
        } else {
            self.bump();
        }
        let span = Span {
            start: name_span.start,
            end: self
                .tokens
                .get(self.pos.saturating_sub(1))
                .map_or(name_span.end, |t| t.1.end),
        };
        let metric_arg = |i: usize| -> Result<Metric, ExprError> {
            match args.get(i) {
                Some((Tok::Ident(w), s, _)) => {
                    lookup_metric(w).ok_or_else(|| unknown_metric(w, *s))
                }
                Some((_, s, _)) => Err(syntax("expected a metric name", *s, None)),
                None => Err(syntax(
                    &format!("`{name}` needs a metric argument"),
                    span,
                    None,
                )),
            }
        };
        let arity = |n: usize| -> Result<(), ExprError> {
            if args.len() == n {
                Ok(())
            } else {
                Err(syntax(
                    &format!("`{name}` takes {n} argument(s), got {}", args.len()),
                    span,
                    None,
                ))
            }
        };
        match name {
            "consistently_above" => {
                arity(2)?;
                let metric = metric_arg(0)?;
                let level = match args.remove(1) {
                    (_, _, Some(e)) => e,
                    (Tok::Ident(w), s, None) => match lookup_metric(&w) {
                        Some(metric) => Expr::Metric { metric, span: s },
                        None => return Err(unknown_metric(&w, s)),
                    },
                    (_, s, None) => {
                        return Err(syntax("expected a level such as 70% or $param", s, None));
                    }
                };
                Ok(Expr::Series {
                    func: SeriesFn::ConsistentlyAbove,
                    metric,
                    level: Some(Box::new(level)),
                    span,
                })
            }
            "degrading" | "plateauing" => {
                arity(1)?;
                let func = if name == "degrading" {
                    SeriesFn::Degrading
                } else {
                    SeriesFn::Plateauing
                };
                Ok(Expr::Series {
                    func,
                    metric: metric_arg(0)?,
                    level: None,
                    span,
                })
            }
            "has" => {
                arity(1)?;
                match &args[0] {
                    (Tok::Ident(w), s, _) => match Component::from_name(w) {
                        Some(component) => Ok(Expr::Has { component, span }),
                        None => Err(ExprError {
                            kind: ExprErrorKind::UnknownComponent,
                            message: format!("unknown component `{w}`"),
                            span: *s,
                            help: did_you_mean(w, Component::ALL.iter().map(|c| c.name()))
                                .map(|c| format!("did you mean `{c}`?")),
                        }),
                    },
                    (_, s, _) => Err(syntax("expected a component name such as cdn", *s, None)),
                }
            }
            "present" => {
                arity(1)?;
                Ok(Expr::Present {
                    metric: metric_arg(0)?,
                    span,
                })
            }
            other => Err(syntax(
                &format!("unknown function `{other}`"),
                name_span,
                did_you_mean(
                    other,
                    [
                        "consistently_above",
                        "degrading",
                        "plateauing",
                        "has",
                        "present",
                        "any",
                    ]
                    .into_iter(),
                )
                .map(|f| format!("did you mean `{f}`?"))
                .or_else(|| {
                    Some(
                        "functions: consistently_above, degrading, plateauing, has, present, any"
                            .into(),
                    )
                }),
            )),
        }
    }
}

fn unknown_field(kind: EntityKind, word: &str, span: Span) -> ExprError {
    ExprError {
        kind: ExprErrorKind::UnknownMetric,
        message: format!("unknown {} field or metric `{word}`", kind.name()),
        span,
        help: did_you_mean(
            word,
            kind.fields().map(EntityField::name).chain(vocabulary()),
        )
        .map(|m| format!("did you mean `{m}`?"))
        .or_else(|| {
            Some(format!(
                "{} fields: {}",
                kind.name(),
                kind.fields()
                    .map(EntityField::name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        }),
    }
}

fn unknown_metric(word: &str, span: Span) -> ExprError {
    ExprError {
        kind: ExprErrorKind::UnknownMetric,
        message: format!("unknown metric `{word}`"),
        span,
        help: did_you_mean(word, vocabulary()).map(|m| format!("did you mean `{m}`?")),
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num { .. } => "number".into(),
        Tok::Ident(w) => format!("`{w}`"),
        Tok::Param(p) => format!("`${p}`"),
        Tok::Op(o) => format!("`{o}`"),
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::Comma => "`,`".into(),
        Tok::End => "end of condition".into(),
    }
}

fn join(a: Span, b: Span) -> Span {
    Span {
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

/// The entity list a condition ranges over, checking where `any(...)` stands: at most once,
/// and either as the whole condition or as one operand of a top-level `and`, so that "some
/// entity meets the condition" is the same as "the rest holds and some entity meets the
/// `any` part", and each entity that fires the rule can be named with its own evidence.
pub(crate) fn quantifier(e: &Expr) -> Result<Option<EntityKind>, ExprError> {
    let mut anys: Vec<(EntityKind, Span)> = Vec::new();
    e.walk(&mut |n| {
        if let Expr::Any { kind, span, .. } = n {
            anys.push((*kind, *span));
        }
    });
    let Some(&(kind, span)) = anys.first() else {
        return Ok(None);
    };
    if let Some(&(_, second)) = anys.get(1) {
        return Err(syntax(
            "a condition may hold one `any(...)`",
            second,
            Some("split the condition into two rules".into()),
        ));
    }
    let placed = match e {
        Expr::Any { .. } => true,
        Expr::And { items, .. } => items.iter().any(|i| matches!(i, Expr::Any { .. })),
        _ => false,
    };
    if placed {
        Ok(Some(kind))
    } else {
        Err(syntax(
            "`any(...)` must be the whole condition or joined to the rest with `and`",
            span,
            Some("move `or` and `not` inside it: any(tables, a or b)".into()),
        ))
    }
}

/// Checks units and returns the expression's dimension. Parameters must be resolved first.
pub(crate) fn check(e: &Expr) -> Result<Dim, ExprError> {
    let mismatch = |span: Span, message: String, help: &str| ExprError {
        kind: ExprErrorKind::UnitMismatch,
        message,
        span,
        help: Some(help.to_owned()),
    };
    Ok(match e {
        Expr::Num { dim, .. } => *dim,
        Expr::Bool { .. } | Expr::Has { .. } | Expr::Present { .. } => Dim::Bool,
        Expr::Metric { metric, .. } => metric_dim(*metric),
        Expr::Field { field, .. } => unit_dim(field.unit()),
        Expr::Any { inner, span, .. } => {
            if check(inner)? != Dim::Bool {
                return Err(mismatch(
                    *span,
                    "`any` needs a condition".into(),
                    "compare a field with a level: any(tables, seq_scans > 1000)",
                ));
            }
            Dim::Bool
        }
        Expr::Param { name, span } => {
            return Err(ExprError {
                kind: ExprErrorKind::Syntax,
                message: format!("parameter `${name}` is not defined"),
                span: *span,
                help: Some("define it under [params] in this pack or the one it extends".into()),
            });
        }
        Expr::Neg { inner, span } => {
            let d = check(inner)?;
            if d == Dim::Bool {
                return Err(mismatch(
                    *span,
                    "cannot negate a condition".into(),
                    "use `not` for conditions",
                ));
            }
            d
        }
        Expr::Arith {
            op,
            left,
            right,
            span,
        } => {
            let (l, r) = (check(left)?, check(right)?);
            if l == Dim::Bool || r == Dim::Bool {
                return Err(mismatch(
                    *span,
                    "arithmetic needs numbers, not conditions".into(),
                    "compare first, then combine with and/or",
                ));
            }
            match op {
                ArithOp::Add | ArithOp::Sub => {
                    if l != r {
                        return Err(mismatch(
                            *span,
                            format!("cannot add {l} and {r}"),
                            "both sides need the same unit",
                        ));
                    }
                    l
                }
                ArithOp::Mul => match (l, r) {
                    (Dim::Number, d) | (d, Dim::Number) => d,
                    (Dim::Duration, Dim::Rate) | (Dim::Rate, Dim::Duration) => Dim::Number,
                    _ => {
                        return Err(mismatch(
                            *span,
                            format!("cannot multiply {l} by {r}"),
                            "multiply by a number, or a rate by a duration",
                        ));
                    }
                },
                ArithOp::Div => match (l, r) {
                    (a, b) if a == b => Dim::Number,
                    (d, Dim::Number) => d,
                    (Dim::Number, Dim::Duration) => Dim::Rate,
                    (Dim::Number, Dim::Rate) => Dim::Duration,
                    _ => {
                        return Err(mismatch(
                            *span,
                            format!("cannot divide {l} by {r}"),
                            "divide like quantities, or by a number",
                        ));
                    }
                },
            }
        }
        Expr::Cmp {
            left, right, span, ..
        } => {
            let (l, r) = (check(left)?, check(right)?);
            if l != r {
                return Err(mismatch(
                    *span,
                    format!("cannot compare {l} with {r}"),
                    &format!(
                        "give the right-hand side as {l}, for example {}",
                        example_literal(l)
                    ),
                ));
            }
            Dim::Bool
        }
        Expr::Not { inner, span } => {
            if check(inner)? != Dim::Bool {
                return Err(mismatch(
                    *span,
                    "`not` needs a condition".into(),
                    "compare the value with a level first",
                ));
            }
            Dim::Bool
        }
        Expr::And { items, .. } | Expr::Or { items, .. } => {
            for i in items {
                if check(i)? != Dim::Bool {
                    return Err(mismatch(
                        i.span(),
                        "`and`/`or` need conditions on both sides".into(),
                        "compare the value with a level",
                    ));
                }
            }
            Dim::Bool
        }
        Expr::Series {
            metric,
            level,
            span,
            ..
        } => {
            if let Some(level) = level {
                let (m, l) = (metric_dim(*metric), check(level)?);
                if m != l {
                    return Err(mismatch(
                        *span,
                        format!("{} is {m} but the level is {l}", metric.name()),
                        &format!("give the level as {m}, for example {}", example_literal(m)),
                    ));
                }
            }
            Dim::Bool
        }
    })
}

fn example_literal(d: Dim) -> &'static str {
    match d {
        Dim::Number => "70% or 20",
        Dim::Duration => "500ms",
        Dim::Rate => "1000/s",
        Dim::Bool => "true",
    }
}

/// Replaces `$param` nodes by their literal values; unknown names are left for [`check`].
pub(crate) fn resolve(e: &mut Expr, lookup: &impl Fn(&str) -> Option<(f64, Dim)>) {
    match e {
        Expr::Param { name, span } => {
            if let Some((value, dim)) = lookup(name) {
                *e = Expr::Num {
                    value,
                    dim,
                    span: *span,
                };
            }
        }
        Expr::Neg { inner, .. } | Expr::Not { inner, .. } | Expr::Any { inner, .. } => {
            resolve(inner, lookup)
        }
        Expr::Arith { left, right, .. } | Expr::Cmp { left, right, .. } => {
            resolve(left, lookup);
            resolve(right, lookup);
        }
        Expr::And { items, .. } | Expr::Or { items, .. } => {
            items.iter_mut().for_each(|i| resolve(i, lookup))
        }
        Expr::Series { level: Some(l), .. } => resolve(l, lookup),
        _ => {}
    }
}

/// Whether `e` is a constant: literals and parameters, negated or combined by arithmetic.
pub(crate) fn constant(e: &Expr) -> bool {
    match e {
        Expr::Num { .. } | Expr::Param { .. } => true,
        Expr::Neg { inner, .. } => constant(inner),
        Expr::Arith { left, right, .. } => constant(left) && constant(right),
        _ => false,
    }
}

/// Writes each comparison with its constant side on the right (`80% < db_cpu` becomes
/// `db_cpu > 80%`), so that evidence reads measurement first, as people write it.
pub(crate) fn orient(e: &mut Expr) {
    match e {
        Expr::Cmp {
            op, left, right, ..
        } if constant(left) && !constant(right) => {
            core::mem::swap(left, right);
            *op = op.flipped();
        }
        Expr::Not { inner, .. } | Expr::Any { inner, .. } => orient(inner),
        Expr::And { items, .. } | Expr::Or { items, .. } => items.iter_mut().for_each(orient),
        _ => {}
    }
}

/// Folds arithmetic on literals (`$a * $b` after resolution) into one literal.
pub(crate) fn fold(e: &mut Expr) {
    match e {
        Expr::Neg { inner, span } => {
            fold(inner);
            if let Expr::Num { value, dim, .. } = inner.as_ref() {
                *e = Expr::Num {
                    value: -*value,
                    dim: *dim,
                    span: *span,
                };
            }
        }
        Expr::Arith {
            op,
            left,
            right,
            span,
        } => {
            fold(left);
            fold(right);
            if let (
                Expr::Num {
                    value: l, dim: ld, ..
                },
                Expr::Num {
                    value: r, dim: rd, ..
                },
            ) = (left.as_ref(), right.as_ref())
            {
                let dim = match (ld, rd) {
                    (Dim::Number, d) | (d, Dim::Number) => *d,
                    _ => return,
                };
                let value = match op {
                    ArithOp::Add => l + r,
                    ArithOp::Sub => l - r,
                    ArithOp::Mul => l * r,
                    ArithOp::Div if *r != 0.0 => l / r,
                    ArithOp::Div => return,
                };
                *e = Expr::Num {
                    value,
                    dim,
                    span: *span,
                };
            }
        }
        Expr::Cmp { left, right, .. } => {
            fold(left);
            fold(right);
        }
        Expr::Not { inner, .. } | Expr::Any { inner, .. } => fold(inner),
        Expr::And { items, .. } | Expr::Or { items, .. } => items.iter_mut().for_each(fold),
        Expr::Series { level: Some(l), .. } => fold(l),
        _ => {}
    }
}

/// Parses a literal value with its unit (used for parameters): `500ms`, `70%`, `1000/s`.
pub(crate) fn parse_literal(src: &str) -> Result<(f64, Dim), ExprError> {
    match parse(src)? {
        Expr::Num { value, dim, .. } => Ok((value, dim)),
        Expr::Neg { inner, .. } => match *inner {
            Expr::Num { value, dim, .. } => Ok((-value, dim)),
            other => Err(syntax("expected a number with a unit", other.span(), None)),
        },
        Expr::Bool { value, .. } => Ok((if value { 1.0 } else { 0.0 }, Dim::Bool)),
        other => Err(syntax(
            "expected a number with a unit, such as 500ms or 70%",
            other.span(),
            None,
        )),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn levenshtein_counts_edits() {
        // The classic examples: kitten to sitting is three edits, flaw to lawn two.
        assert_eq!(super::levenshtein("kitten", "sitting"), 3);
        assert_eq!(super::levenshtein("flaw", "lawn"), 2);
        assert_eq!(super::levenshtein("", "abc"), 3);
        assert_eq!(super::levenshtein("abc", ""), 3);
        assert_eq!(super::levenshtein("db_cpu", "db_cpu"), 0);
    }

    use super::*;

    #[test]
    fn parses_units() {
        #[track_caller]
        fn check_lit(src: &str, value: f64, dim: Dim) {
            let (v, d) = parse_literal(src).unwrap();
            assert!((v - value).abs() < 1e-12, "{src}: {v}");
            assert_eq!(d, dim);
        }
        check_lit("500ms", 0.5, Dim::Duration);
        check_lit("70%", 0.7, Dim::Number);
        check_lit("5s", 5.0, Dim::Duration);
        check_lit("2min", 120.0, Dim::Duration);
        check_lit("3000/s", 3000.0, Dim::Rate);
        check_lit("60/min", 1.0, Dim::Rate);
        check_lit("86400/d", 1.0, Dim::Rate);
        check_lit("10k", 10_000.0, Dim::Number);
        check_lit("20", 20.0, Dim::Number);
    }

    #[test]
    fn precedence_and_aliases() {
        let e = parse("db.cpu > 70% and not p95 < 1s or has(cdn)").unwrap();
        let Expr::Or { items, .. } = e else {
            panic!("{e:?}")
        };
        assert!(matches!(items[0], Expr::And { .. }));
        assert!(matches!(
            items[1],
            Expr::Has {
                component: Component::Cdn,
                ..
            }
        ));
    }

    #[test]
    fn a_unit_apart_from_its_number_is_named() {
        let err = parse("p95 > 2 s").unwrap_err();
        assert_eq!(err.message, "a space between the number and its unit `s`");
        assert_eq!(
            err.help.as_deref(),
            Some("write the unit right after the number: `2s`")
        );
        // Other trailing text still asks for and/or.
        let err = parse("p95 > 2s db_cpu > 1%").unwrap_err();
        assert_eq!(
            err.help.as_deref(),
            Some("join conditions with `and` or `or`")
        );
    }

    #[test]
    fn unit_mismatch_is_reported() {
        let e = parse("p95 > 70%").unwrap();
        let err = check(&e).unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::UnitMismatch);
        assert_eq!(
            err.message,
            "cannot compare a duration with a number or percentage"
        );
        assert_eq!((err.span.start, err.span.end), (0, 9));
    }

    #[test]
    fn ratio_of_counts_compares_with_percent() {
        let e = parse("db_connections / db_pool_size > 80%").unwrap();
        assert_eq!(check(&e).unwrap(), Dim::Bool);
    }

    #[test]
    fn unknown_metric_suggests() {
        let err = parse("db_cpuu > 70%").unwrap_err();
        assert_eq!(err.kind, ExprErrorKind::UnknownMetric);
        assert_eq!(err.help.as_deref(), Some("did you mean `db_cpu`?"));
        assert_eq!((err.span.start, err.span.end), (0, 7));
    }

    #[test]
    fn nesting_is_limited() {
        let deep = format!("{}db_cpu > 1%{}", "(".repeat(200), ")".repeat(200));
        assert_eq!(parse(&deep).unwrap_err().kind, ExprErrorKind::TooDeep);
        let nots = format!("{}true", "not ".repeat(500));
        assert_eq!(parse(&nots).unwrap_err().kind, ExprErrorKind::TooDeep);
    }

    #[test]
    fn series_functions_parse() {
        let e = parse("consistently_above(db_cpu, 70%) and degrading(p95)").unwrap();
        assert_eq!(check(&e).unwrap(), Dim::Bool);
        let bad = parse("consistently_above(replica_lag, 70%)").unwrap();
        assert_eq!(check(&bad).unwrap_err().kind, ExprErrorKind::UnitMismatch);
    }
}
