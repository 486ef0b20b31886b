//! Output-schema hints (SCH-HINT-1..9, 11).

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::FieldRef;

use crate::error::{Error, Result};

use super::Schema;
use super::parse::{Parser, parse_name, split_outside_backticks};

/// Cuts a hint at every `-`, `~`, `+` outside backticks and outside
/// parentheses (SCH-HINT-2). Returns the head and the `(operator, text)`
/// segments in order.
fn split_hint(hint: &str) -> Result<(&str, Vec<(char, &str)>)> {
    let mut cuts: Vec<(usize, char)> = Vec::new();
    let mut quoted = false;
    let mut depth = 0usize;
    for (i, c) in hint.char_indices() {
        match c {
            '`' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            '-' | '~' | '+' if !quoted && depth == 0 => cuts.push((i, c)),
            _ => {}
        }
    }
    if quoted {
        return Err(Error::syntax(hint, "unterminated backtick, expected a closing `` ` ``"));
    }
    let head_end = cuts.first().map_or(hint.len(), |(i, _)| *i);
    let mut ops = Vec::with_capacity(cuts.len());
    for (k, (i, op)) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).map_or(hint.len(), |(j, _)| *j);
        ops.push((*op, &hint[i + 1..end]));
    }
    Ok((&hint[..head_end], ops))
}

/// The names of a `-` / `~` segment: comma separated, quoted allowed, blank
/// items ignored (SCH-HINT-4).
fn hint_names(text: &str) -> Result<Vec<String>> {
    split_outside_backticks(text, ',')?
        .into_iter()
        .filter(|item| !item.trim().is_empty())
        .map(parse_name)
        .collect()
}

impl Schema {
    /// Evaluates an output-schema hint against `self` (the input schema `S`)
    /// and returns the output schema (SCH-HINT-1..8, 11).
    ///
    /// * The hint is cut at every `-`, `~`, `+` outside backticks (and outside
    ///   parentheses, so `timestamp(s,+08:00)` stays whole). The text before
    ///   the first operator is the head (SCH-HINT-2).
    /// * Head: a schema expression in which a `*` item stands for the fields
    ///   of `S`, with their exact Arrow types (SCH-HINT-3). An empty head gives
    ///   the empty schema.
    /// * `-a,b`: removes the names, each MUST exist (SCH-HINT-4); `~a,b`: the
    ///   same, absent names ignored (SCH-HINT-5); `+expr`: fields of `expr`
    ///   replace the type of an existing field in place, new names are
    ///   appended in expression order (SCH-HINT-6). Operators apply left to
    ///   right; a bare trailing operator changes nothing (SCH-HINT-7).
    /// * Names containing `-`, `~`, `+` must be backtick-quoted (SCH-HINT-8).
    ///
    /// An empty result is returned as is (SCH-HINT-11); the caller rejects it
    /// where a DataFrame schema is required.
    ///
    /// ```
    /// use fugue_core::Schema;
    /// let s = Schema::parse("a:int,b:str,c:double")?;
    /// assert_eq!(s.transform("*,d:int")?, "a:int,b:str,c:double,d:int");
    /// assert_eq!(s.transform("*+b:int-a")?, "b:int,c:double");
    /// assert_eq!(s.transform("*~b,x")?, "a:int,c:double");
    /// assert!(s.transform("*-x").is_err());
    /// # Ok::<(), fugue_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// * `ERR-SCHEMA-SYNTAX`: the head or a `+` segment is not a valid schema
    ///   expression, a `*` is glued to other text in the head, a name of a
    ///   `-` / `~` segment is invalid, an unterminated backtick.
    /// * `ERR-SCHEMA`: a head field collides with a field of `S` (`*,*`,
    ///   `*,b:int` when `S` has `b`), a `-` name is absent.
    pub fn transform(&self, hint: &str) -> Result<Schema> {
        let (head, ops) = split_hint(hint)?;
        let mut result = Schema::new_unchecked(Parser::new(head, Some(self)).schema()?);
        for (op, text) in ops {
            result = match op {
                '+' => result.overlay(&Schema::parse(text)?),
                _ => {
                    let names = hint_names(text)?;
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    if op == '-' { result.remove(&names)? } else { result.exclude(&names) }
                }
            };
        }
        Ok(result)
    }

    /// Evaluates a list-form hint (SCH-HINT-9): each part is evaluated with
    /// [`Schema::transform`] against `self` and the results are concatenated
    /// in order. An empty list gives the empty schema. (A part that is already
    /// a [`Schema`] is simply [`Schema::concat`]enated by the caller.)
    ///
    /// ```
    /// use fugue_core::Schema;
    /// let s = Schema::parse("a:int,b:str")?;
    /// assert_eq!(s.transform_parts(&["*-b", "x:long"])?, "a:int,x:long");
    /// # Ok::<(), fugue_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// The errors of [`Schema::transform`] for each part, and `ERR-SCHEMA` when
    /// two parts produce the same column name.
    pub fn transform_parts(&self, parts: &[&str]) -> Result<Schema> {
        let mut result = Schema::empty();
        for part in parts {
            result = result.concat(&self.transform(part)?)?;
        }
        Ok(result)
    }

    /// `self` with the types of `other`'s fields replaced in place and
    /// `other`'s new fields appended in its order (SCH-HINT-6).
    fn overlay(&self, other: &Schema) -> Schema {
        let by_name: HashMap<&str, &FieldRef> =
            other.fields().iter().map(|f| (f.name().as_str(), f)).collect();
        let mut fields: Vec<FieldRef> = self
            .fields()
            .iter()
            .map(|f| match by_name.get(f.name().as_str()) {
                Some(new) => Arc::new(f.as_ref().clone().with_data_type(new.data_type().clone())),
                None => f.clone(),
            })
            .collect();
        fields.extend(other.fields().iter().filter(|f| !self.contains(f.name())).cloned());
        Schema::new_unchecked(fields)
    }
}
