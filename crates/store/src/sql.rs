//! SQL text written once with `$1, $2 …` placeholders and rendered per database.
//!
//! PostgreSQL takes `$N` as written; SQLite takes the same text with `?N` (numbered
//! parameters), so one query text serves both (see docs/decisions/002-data-layer.md).
//! Arguments are typed so a NULL is bound with the column's type on PostgreSQL.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
    Json(Option<serde_json::Value>),
    Bytes(Option<Vec<u8>>),
}

impl Arg {
    /// PostgreSQL cannot store U+0000 in text; it is dropped on both databases so they keep
    /// the same data and such input never turns into a server error.
    fn without_nul(self) -> Self {
        match self {
            Arg::Text(Some(s)) if s.contains('\0') => Arg::Text(Some(s.replace('\0', ""))),
            other => other,
        }
    }
}

macro_rules! arg_from {
    ($t:ty, $v:ident, $conv:expr) => {
        impl From<$t> for Arg {
            fn from(x: $t) -> Self {
                Arg::$v(Some($conv(x)))
            }
        }
        impl From<Option<$t>> for Arg {
            fn from(x: Option<$t>) -> Self {
                Arg::$v(x.map($conv))
            }
        }
    };
}
arg_from!(i64, I64, |x| x);
arg_from!(bool, Bool, |x| x);
arg_from!(String, Text, |x| x);
arg_from!(&str, Text, |x: &str| x.to_string());
arg_from!(DateTime<Utc>, Time, |x| x);
arg_from!(NaiveDate, Date, |x| x);
arg_from!(Vec<u8>, Bytes, |x| x);

impl From<&String> for Arg {
    fn from(x: &String) -> Self {
        Arg::Text(Some(x.clone()))
    }
}
impl From<&Option<String>> for Arg {
    fn from(x: &Option<String>) -> Self {
        Arg::Text(x.clone())
    }
}

/// A query under construction: text plus the arguments its placeholders refer to.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    pub(crate) text: String,
    pub(crate) args: Vec<Arg>,
    /// Every placeholder appears once, in the order of `args` (built by `bind` alone), so
    /// SQLite can take anonymous `?`s: its lookup of numbered parameters is linear per
    /// parameter, quadratic over a multi-row INSERT's thousands of them.
    in_order: bool,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Sql {
            text: text.into(),
            args: Vec::new(),
            in_order: false,
        }
    }

    /// A complete statement whose placeholders are `$1..$n` in the order of `args`.
    pub fn with(text: impl Into<String>, args: Vec<Arg>) -> Self {
        Sql {
            text: text.into(),
            args: args.into_iter().map(Arg::without_nul).collect(),
            in_order: false,
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `arg` (never its text: nothing from input is pasted).
    pub fn bind(&mut self, arg: impl Into<Arg>) -> &mut Self {
        self.args.push(arg.into().without_nul());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends ` LIMIT n` with `n` written into the text: the one value that is not bound.
    /// SQLite (3.51) expires a prepared statement whenever a bound `LIMIT` is bound again,
    /// so each board and list statement was parsed and planned anew on every run (6 % of
    /// a board's CPU under `sqlite3Reprepare`); a literal keeps the cached statement. `n`
    /// is an integer the server computed, so nothing a user typed reaches the text, and a
    /// page size has few distinct values, so the statement cache still holds them all.
    pub fn limit(&mut self, n: i64) -> &mut Self {
        self.text.push_str(" LIMIT ");
        self.text.push_str(&n.to_string());
        self
    }

    /// Appends another fragment built with its own `$1..` numbering, renumbering it.
    pub fn append(&mut self, other: Sql) -> &mut Self {
        let offset = self.args.len();
        self.text.push_str(&renumber(&other.text, offset));
        self.args.extend(other.args);
        self
    }

    /// `INSERT INTO table (columns) VALUES (…) RETURNING id`, one placeholder per column.
    pub fn insert_returning_id(table: &str, cols: Vec<(&'static str, Arg)>) -> Self {
        let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
        Sql::with(
            format!(
                "INSERT INTO {table} ({}) VALUES ({}) RETURNING id",
                names.join(", "),
                marks.join(", ")
            ),
            cols.into_iter().map(|(_, a)| a).collect(),
        )
    }

    /// `INSERT INTO table (names) VALUES (…), (…) [RETURNING …]`: many rows of the same
    /// columns in one statement (bulk loading; keep rows × columns under the databases'
    /// parameter limits, 32,766 on SQLite).
    pub fn insert_rows(table: &str, names: &[&str], rows: Vec<Vec<Arg>>, returning: &str) -> Self {
        let mut sql = Sql::new(format!(
            "INSERT INTO {table} ({}) VALUES ",
            names.join(", ")
        ));
        sql.push_rows(rows);
        if !returning.is_empty() {
            sql.push(" RETURNING ").push(returning);
        }
        sql.in_order = true;
        sql
    }

    /// Appends `($a, $b), ($c, $d)`: the rows of a `VALUES` list, one placeholder a value.
    pub fn push_rows(&mut self, rows: Vec<Vec<Arg>>) -> &mut Self {
        for (i, row) in rows.into_iter().enumerate() {
            self.push(if i == 0 { "(" } else { ", (" });
            for (j, arg) in row.into_iter().enumerate() {
                if j > 0 {
                    self.push(", ");
                }
                self.bind(arg);
            }
            self.push(")");
        }
        self
    }

    /// Appends `a = $n, b = $m, ` for an UPDATE's SET list (column names come from code).
    pub fn assignments(
        &mut self,
        cols: impl IntoIterator<Item = (&'static str, Arg)>,
    ) -> &mut Self {
        for (name, arg) in cols {
            self.push(name).push(" = ").bind(arg).push(", ");
        }
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn sqlite_text(&self) -> String {
        if !self.in_order {
            return self.text.replace('$', "?");
        }
        let mut out = String::with_capacity(self.text.len());
        let mut digits = false;
        for c in self.text.chars() {
            if c == '$' {
                out.push('?');
                digits = true;
            } else if !(digits && c.is_ascii_digit()) {
                digits = false;
                out.push(c);
            }
        }
        out
    }
}

fn renumber(text: &str, offset: usize) -> String {
    if offset == 0 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            let mut digits = String::new();
            while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                digits.push(*d);
                chars.next();
            }
            match digits.parse::<usize>() {
                Ok(n) => {
                    out.push('$');
                    out.push_str(&(n + offset).to_string());
                }
                Err(_) => out.push('$'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_is_written_into_the_text_and_later_binds_keep_their_numbers() {
        let mut q = Sql::new("SELECT 1 WHERE a = ");
        q.bind(1_i64).limit(81).push(" OFFSET ").bind(2_i64);
        assert_eq!(q.text(), "SELECT 1 WHERE a = $1 LIMIT 81 OFFSET $2");
        assert_eq!(q.args.len(), 2);
    }

    #[test]
    fn bind_numbers_placeholders_in_order() {
        let mut q = Sql::new("SELECT 1 WHERE a = ");
        q.bind(1_i64).push(" AND b = ").bind("x");
        assert_eq!(q.text(), "SELECT 1 WHERE a = $1 AND b = $2");
        assert_eq!(q.sqlite_text(), "SELECT 1 WHERE a = ?1 AND b = ?2");
        let rows = Sql::insert_rows("t", &["a", "b"], vec![vec![1.into(), 2.into()]; 6], "id");
        assert_eq!(
            rows.sqlite_text(),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?), (?, ?), (?, ?), (?, ?) RETURNING id"
        );
        assert_eq!(
            rows.text,
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4), ($5, $6), ($7, $8), ($9, $10), ($11, $12) RETURNING id"
        );
    }

    #[test]
    fn nul_characters_are_dropped_from_text_arguments() {
        let mut q = Sql::new("SELECT ");
        q.bind("a\0b");
        assert_eq!(q.args, vec![Arg::Text(Some("ab".into()))]);
    }

    #[test]
    fn insert_lists_one_placeholder_per_column() {
        let q = Sql::insert_returning_id("t", vec![("a", 1_i64.into()), ("b", "x".into())]);
        assert_eq!(
            q.text(),
            "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING id"
        );
        let mut u = Sql::new("UPDATE t SET ");
        u.assignments(vec![("a", 1_i64.into())]);
        assert_eq!(u.text(), "UPDATE t SET a = $1, ");
    }

    #[test]
    fn append_renumbers_the_fragment() {
        let mut q = Sql::new("a = ");
        q.bind(1_i64).push(" AND ");
        q.append(Sql::with(
            "b = $1 OR c = $2",
            vec![2_i64.into(), 3_i64.into()],
        ));
        assert_eq!(q.text(), "a = $1 AND b = $2 OR c = $3");
        assert_eq!(q.args.len(), 3);
    }
}
