//! Problems found in a rule pack, each placed in its file with a caret excerpt.

use core::fmt;

/// What kind of problem a [`Diagnostic`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The file is not valid TOML or JSON, or a field has the wrong type or name.
    Format,
    /// A condition does not parse.
    Syntax,
    /// A condition names a metric the vocabulary lacks.
    UnknownMetric,
    /// A condition names an unknown architecture component.
    UnknownComponent,
    /// A comparison or arithmetic mixes units (`p95 > 70%`).
    UnitMismatch,
    /// Two rules share an id.
    DuplicateId,
    /// A condition uses a `$parameter` no pack defines.
    MissingParameter,
    /// A parameter value does not parse or changes a default's unit.
    BadParameter,
    /// `disable` or `supersedes` names a rule that does not exist.
    UnknownRule,
    /// A condition nests too deeply or is too long.
    TooComplex,
    /// A rule's condition can never hold.
    NeverFires,
    /// Every snapshot that fires a rule also fires another of the same layer, severity and
    /// remedy.
    Shadowed,
    /// Two rules can fire together while one recommends a component the other discourages.
    Contradictory,
    /// A rule supersedes itself, or rules supersede each other in a cycle.
    SupersessionCycle,
    /// More problems than [`MAX_DIAGNOSTICS`] were found; this one counts the rest.
    Omitted,
}

/// The most diagnostics one load reports; past it, one [`DiagnosticKind::Omitted`]
/// diagnostic counts the rest (an error if any of them is). Fixing the first ones usually
/// fixes many of the others.
pub const MAX_DIAGNOSTICS: usize = 200;

/// How serious a diagnostic is: errors stop a pack from loading, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum DiagnosticLevel {
    /// Worth a look; the pack still loads.
    Warning,
    /// The pack cannot be used until it is fixed.
    Error,
}

/// One problem in a rule pack, with its location.
///
/// # Examples
/// ```
/// use scalability_advisor_rules::{RulePack, DiagnosticKind};
/// let err = RulePack::from_toml_str("mine.toml", r#"name = "x"
/// [[rule]]
/// id = "a"
/// title = "t"
/// severity = "warning"
/// advice = "a"
/// when = "p95 > 70%"
/// "#).unwrap_err();
/// let d = &err.diagnostics()[0];
/// assert_eq!(d.kind, DiagnosticKind::UnitMismatch);
/// assert_eq!((d.line, d.column), (7, 9));
/// assert!(d.to_string().contains("^^^^^^^^^"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Diagnostic {
    /// What went wrong.
    pub kind: DiagnosticKind,
    /// Error or warning.
    pub level: DiagnosticLevel,
    /// What was expected and what was found.
    pub message: String,
    /// The file name given when loading.
    pub file: String,
    /// 1-based line of the problem.
    pub line: usize,
    /// 1-based column (in characters) of the problem.
    pub column: usize,
    /// Byte range of the problem in the file.
    pub span: (usize, usize),
    /// The offending line with carets under the problem.
    pub excerpt: String,
    /// How to fix it, when there is a likely fix.
    pub help: Option<String>,
    /// The rule concerned, if any.
    pub rule: Option<String>,
    /// For analysis warnings: a snapshot (JSON) that shows the problem.
    pub example: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(
        kind: DiagnosticKind,
        level: DiagnosticLevel,
        message: String,
        source: &Source<'_>,
        span: (usize, usize),
    ) -> Diagnostic {
        let (line, column) = source.line_col(span.0);
        Diagnostic {
            kind,
            level,
            message,
            file: source.name.to_owned(),
            line,
            column,
            span,
            excerpt: source.excerpt(span),
            help: None,
            rule: None,
            example: None,
        }
    }

    pub(crate) fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub(crate) fn with_rule(mut self, rule: &str) -> Self {
        self.rule = Some(rule.to_owned());
        self
    }

    pub(crate) fn with_example(mut self, example: String) -> Self {
        self.example = Some(example);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        };
        writeln!(f, "{level}: {}", self.message)?;
        if self.kind == DiagnosticKind::Omitted {
            writeln!(f, "  --> {}", self.file)?;
        } else {
            writeln!(f, "  --> {}:{}:{}", self.file, self.line, self.column)?;
        }
        if !self.excerpt.is_empty() {
            writeln!(f, "{}", self.excerpt)?;
        }
        if let Some(rule) = &self.rule {
            writeln!(f, "  = rule: {rule}")?;
        }
        if let Some(example) = &self.example {
            writeln!(f, "  = example snapshot: {example}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of a load, errors first, then in file order.
///
/// # Examples
/// See [`Diagnostic`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Adds a diagnostic, or past [`MAX_DIAGNOSTICS`] counts it in the closing
    /// [`DiagnosticKind::Omitted`] one (whose span's end holds the count).
    pub(crate) fn push(&mut self, d: Diagnostic) {
        if self.is_full() {
            self.count_omitted(d, 1);
        } else {
            self.0.push(d);
        }
    }

    /// Counts `n` problems like `d` as omitted, opening the closing summary if needed.
    fn count_omitted(&mut self, d: Diagnostic, n: usize) {
        if self
            .0
            .last()
            .is_none_or(|last| last.kind != DiagnosticKind::Omitted)
        {
            self.0.push(Diagnostic {
                kind: DiagnosticKind::Omitted,
                span: (0, 0),
                line: 0,
                column: 0,
                excerpt: String::new(),
                help: Some(
                    "fix the problems shown first; many of the rest often go with them".into(),
                ),
                rule: None,
                example: None,
                ..d.clone()
            });
        }
        if let Some(summary) = self.0.last_mut() {
            summary.span.1 += n;
            summary.level = summary.level.max(d.level);
            summary.message = format!(
                "{} more problem(s) are not shown (at most {MAX_DIAGNOSTICS} are reported)",
                summary.span.1
            );
        }
    }

    /// Whether further diagnostics are only counted; callers skip costly help texts then.
    pub(crate) fn is_full(&self) -> bool {
        self.0.len() >= MAX_DIAGNOSTICS
            || self
                .0
                .last()
                .is_some_and(|d| d.kind == DiagnosticKind::Omitted)
    }

    pub(crate) fn extend(&mut self, other: Diagnostics) {
        for d in other.0 {
            if d.kind == DiagnosticKind::Omitted {
                let n = d.span.1;
                self.count_omitted(d, n);
            } else {
                self.push(d);
            }
        }
    }

    /// Sorts by level, file and place; the count of omitted ones stays last.
    pub(crate) fn sort(&mut self) {
        let end = if self
            .0
            .last()
            .is_some_and(|d| d.kind == DiagnosticKind::Omitted)
        {
            self.0.len() - 1
        } else {
            self.0.len()
        };
        self.0[..end].sort_by(|a, b| {
            b.level
                .cmp(&a.level)
                .then(a.file.cmp(&b.file))
                .then(a.span.cmp(&b.span))
        });
    }

    /// All diagnostics.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let err = RulePack::from_toml_str("p.toml", r#"name = "p"
    /// [[rule]]
    /// id = "a"
    /// title = "t"
    /// when = "db_cpuu > 70%"
    /// severity = "warning"
    /// advice = "a"
    /// "#).unwrap_err();
    /// assert_eq!(err.diagnostics()[0].line, 5);
    /// ```
    #[must_use]
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.0
    }

    /// Whether any diagnostic is an error.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let pack = RulePack::default_pack();
    /// assert!(!pack.warnings().has_errors()); // loading succeeded: warnings only, if any
    /// ```
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.level == DiagnosticLevel::Error)
    }

    /// Whether there are no diagnostics at all.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// assert!(RulePack::default_pack().warnings().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of diagnostics.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// assert_eq!(RulePack::default_pack().warnings().len(), 0);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Iterates over the diagnostics.
    ///
    /// # Examples
    /// ```
    /// use scalability_advisor_rules::RulePack;
    /// let pack = RulePack::from_toml_str("p.toml", r#"name = "p"
    /// [[rule]]
    /// id = "never"
    /// title = "t"
    /// when = "db_cpu > 70% and db_cpu < 50%"
    /// severity = "warning"
    /// advice = "a"
    /// "#)?;
    /// // A rule that can never fire loads with a warning.
    /// assert!(pack.warnings().iter().any(|d| d.message.contains("never")));
    /// # Ok::<(), scalability_advisor_rules::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let errors = self
            .0
            .iter()
            .filter(|d| d.level == DiagnosticLevel::Error)
            .count();
        write!(f, "{errors} error(s), {} warning(s)", self.0.len() - errors)
    }
}

/// A named source text, for locating spans.
///
/// Lines are indexed once, on first use (their starts, and whether each is ASCII), so that
/// every position is found by binary search, and a column by subtraction on ASCII lines: the
/// cost of a diagnostic does not grow with the file.
#[derive(Debug, Clone)]
pub(crate) struct Source<'a> {
    pub(crate) name: &'a str,
    pub(crate) text: &'a str,
    lines: std::sync::OnceLock<LineIndex>,
}

#[derive(Debug, Clone)]
struct LineIndex {
    /// Byte offset of each line's start.
    starts: Vec<usize>,
    /// Whether each line is ASCII (then a column is a byte count).
    ascii: Vec<bool>,
}

/// How many characters of a long line an excerpt shows on each side of its span's start.
const EXCERPT_HALF_WIDTH: usize = 60;

impl<'a> Source<'a> {
    pub(crate) fn new(name: &'a str, text: &'a str) -> Self {
        Source {
            name,
            text,
            lines: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.lines.get_or_init(|| {
            let mut starts = vec![0];
            let mut ascii = Vec::new();
            let mut line_ascii = true;
            for (i, b) in self.text.bytes().enumerate() {
                if b == b'\n' {
                    starts.push(i + 1);
                    ascii.push(line_ascii);
                    line_ascii = true;
                } else if !b.is_ascii() {
                    line_ascii = false;
                }
            }
            ascii.push(line_ascii);
            LineIndex { starts, ascii }
        })
    }

    /// The 0-based line of an offset and that line's start.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let index = self.index();
        let line = index
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        (line, index.starts[line])
    }

    /// The end of the 0-based `line` (its newline, or the end of the text).
    fn line_end(&self, line: usize) -> usize {
        self.index()
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1)
    }

    /// Byte offset of the first non-blank character of 1-based `line` (0 past the end).
    pub(crate) fn line_start(&self, line: usize) -> usize {
        let Some(&start) = self.index().starts.get(line.wrapping_sub(1)) else {
            return 0;
        };
        let rest = &self.text[start..];
        start + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let (line, start) = self.line_of(offset);
        let column = if self.index().ascii[line] {
            offset - start
        } else {
            self.text[start..offset].chars().count()
        };
        (line + 1, column + 1)
    }

    /// The span's line with carets under the span; a long line is cut to a window of
    /// [`EXCERPT_HALF_WIDTH`] characters either side of the span's start, marked with `…`.
    pub(crate) fn excerpt(&self, span: (usize, usize)) -> String {
        if self.text.is_empty() {
            return String::new();
        }
        let start = floor_char_boundary(self.text, span.0);
        let end = floor_char_boundary(self.text, span.1.max(span.0));
        let (line, line_start) = self.line_of(start);
        let line_end = self.line_end(line).max(start);
        // The window: up to EXCERPT_HALF_WIDTH characters before and after the start.
        let before = &self.text[line_start..start];
        let cut_before = before
            .char_indices()
            .rev()
            .nth(EXCERPT_HALF_WIDTH - 1)
            .map_or(line_start, |(i, _)| line_start + i);
        let after = &self.text[start..line_end];
        let cut_after = after
            .char_indices()
            .nth(EXCERPT_HALF_WIDTH)
            .map_or(line_end, |(i, _)| start + i);
        let lead = if cut_before > line_start { "…" } else { "" };
        let tail = if cut_after < line_end { "…" } else { "" };
        let shown = &self.text[cut_before..cut_after];
        let offset_cols = self.text[cut_before..start].chars().count() + lead.chars().count();
        let width = self.text[start..end.min(cut_after).max(start)]
            .chars()
            .count()
            .max(1);
        let gutter = (line + 1).to_string();
        format!(
            "{pad} |\n{gutter} | {lead}{shown}{tail}\n{pad} | {spaces}{carets}",
            pad = " ".repeat(gutter.len()),
            spaces = " ".repeat(offset_cols),
            carets = "^".repeat(width)
        )
    }
}

/// The largest character boundary of `text` at or before `i` (`str::floor_char_boundary`,
/// stable only after this crate's minimum Rust).
pub(crate) fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_inside_a_character_moves_back_to_its_start() {
        // `é` is two bytes (1 and 2); `€` three (3 to 5).
        let text = "aé€b";
        assert_eq!(floor_char_boundary(text, 2), 1);
        assert_eq!(floor_char_boundary(text, 4), 3);
        assert_eq!(floor_char_boundary(text, 5), 3);
        assert_eq!(floor_char_boundary(text, 6), 6);
        assert_eq!(floor_char_boundary(text, 99), text.len());
    }

    #[test]
    fn excerpt_points_at_span() {
        let src = Source::new("f.toml", "a = 1\nwhen = \"p95 > 70%\"\n");
        let ex = src.excerpt((14, 23));
        assert_eq!(ex, "  |\n2 | when = \"p95 > 70%\"\n  |         ^^^^^^^^^");
        assert_eq!(src.line_col(14), (2, 9));
    }

    #[test]
    fn spans_out_of_bounds_do_not_panic() {
        let src = Source::new("f", "é");
        let _ = src.excerpt((1, 99));
        let _ = src.line_col(999);
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        // A 10,000-character line with the span at column 5,001: the excerpt shows 60
        // characters either side, marked with ellipses, and the carets stay under the span.
        let line = format!("{}{}{}", "a".repeat(5_000), "XYZ", "b".repeat(4_997));
        let src = Source::new("f.json", &line);
        let ex = src.excerpt((5_000, 5_003));
        let lines: Vec<&str> = ex.lines().collect();
        assert_eq!(
            lines[1],
            format!("1 | …{}XYZ{}…", "a".repeat(60), "b".repeat(57))
        );
        assert_eq!(lines[2], format!("  | {}^^^", " ".repeat(61)));
        assert_eq!(src.line_col(5_000), (1, 5_001));
        // Columns count characters on lines that are not ASCII.
        let src = Source::new("f", "éé\nx");
        assert_eq!(src.line_col(4), (1, 3));
        assert_eq!(src.line_col(5), (2, 1));
    }
}
