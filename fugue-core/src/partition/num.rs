//! The safe evaluator of `num_partitions` expressions (PS-NUM-1..4).
//!
//! Grammar (whitespace between tokens is ignored):
//!
//! ```text
//! expr    := term (("+" | "-") term)*
//! term    := unary (("*" | "/" | "//") unary)*
//! unary   := "-" unary | primary
//! primary := NUMBER | "ROWCOUNT" | "CONCURRENCY" | "(" expr ")"
//! NUMBER  := digits ["." digits*] | "." digits
//! ```
//!
//! Arithmetic follows Python, which the reference evaluates: integer `+ - *`
//! stay integers, `/` is true division (always a float), `//` is floor
//! division (an integer for two integers, a floored float otherwise). The
//! final value is truncated toward zero (PS-NUM-2).

use crate::error::{Error, Result};

/// Maximum nesting of parentheses and unary minus, so hostile text cannot
/// overflow the stack.
const MAX_DEPTH: usize = 64;

/// Maximum number of tokens (numbers, names, operators, parentheses). A
/// chain `1+1+...` nests one tree level per operator, and evaluating and
/// dropping the tree recurse over those levels: the cap bounds both, far
/// above any real expression.
const MAX_TOKENS: usize = 1_000;

/// A parsed `num_partitions` expression (PS-NUM-1), ready to be evaluated.
///
/// Parsing never runs user code: the only names are the exact upper-case
/// keywords `ROWCOUNT` and `CONCURRENCY` (PS-NUM-4).
///
/// ```
/// use fugue_core::partition::NumPartitionsExpr;
///
/// let e = NumPartitionsExpr::parse("ROWCOUNT/4 + 3")?;
/// assert!(e.uses_row_count() && !e.uses_concurrency());
/// assert_eq!(e.eval(|| Ok(10), || 1)?, 5);
/// # Ok::<(), fugue_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NumPartitionsExpr {
    text: String,
    ast: Expr,
    uses_row_count: bool,
    uses_concurrency: bool,
}

impl NumPartitionsExpr {
    /// Parses `text` (PS-NUM-1).
    ///
    /// # Errors
    /// `ERR-ARG` (naming the text) for an empty text, an unknown name (keywords
    /// are case-sensitive: `rowcount` is an error), an unsupported operator
    /// (`**`, `%`), an exponent literal, unbalanced parentheses, nesting
    /// deeper than 64 levels or more than 1,000 tokens (PS-NUM-4).
    pub fn parse(text: &str) -> Result<Self> {
        let tokens = tokenize(text)?;
        let mut parser = Parser { text, tokens: &tokens, pos: 0 };
        let ast = parser.expr(0)?;
        if parser.pos != tokens.len() {
            return Err(bad(text, "unexpected token after the end of the expression"));
        }
        let uses_row_count = tokens.iter().any(|t| matches!(t, Token::RowCount));
        let uses_concurrency = tokens.iter().any(|t| matches!(t, Token::Concurrency));
        Ok(NumPartitionsExpr { text: text.to_string(), ast, uses_row_count, uses_concurrency })
    }

    /// The expression text, verbatim (PS-NUM-5).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True when the expression mentions `ROWCOUNT` (so evaluating it needs a
    /// row count, which may be expensive: PS-NUM-3).
    pub fn uses_row_count(&self) -> bool {
        self.uses_row_count
    }

    /// True when the expression mentions `CONCURRENCY`.
    pub fn uses_concurrency(&self) -> bool {
        self.uses_concurrency
    }

    /// Evaluates the expression and truncates the result toward zero (PS-NUM-2).
    ///
    /// `row_count` is called only if `ROWCOUNT` appears, `concurrency` only if
    /// `CONCURRENCY` appears (PS-NUM-3), each at most once.
    ///
    /// # Errors
    /// The error of `row_count`, unchanged; `ERR-ARG` for a division by zero,
    /// an integer overflow, or a result that is not finite or not in `i64`
    /// range.
    pub fn eval(
        &self,
        row_count: impl FnOnce() -> Result<usize>,
        concurrency: impl FnOnce() -> usize,
    ) -> Result<i64> {
        let rows = if self.uses_row_count { Some(to_int(row_count()?)) } else { None };
        let conc = if self.uses_concurrency { Some(to_int(concurrency())) } else { None };
        let env = Env { text: &self.text, rows, conc };
        match env.eval(&self.ast)? {
            Num::Int(i) => {
                i64::try_from(i).map_err(|_| bad(&self.text, "the result is out of range"))
            }
            Num::Float(f) => {
                if !f.is_finite() {
                    return Err(bad(&self.text, "the result is not a finite number"));
                }
                let t = f.trunc();
                // `i64::MAX as f64` rounds up to 2^63, so the bound is exclusive.
                if t >= -(i64::MIN as f64) || t < i64::MIN as f64 {
                    return Err(bad(&self.text, "the result is out of range"));
                }
                Ok(t as i64)
            }
        }
    }
}

fn to_int(n: usize) -> i128 {
    // usize is at most 64 bits on every supported target.
    n as i128
}

fn bad(text: &str, reason: &str) -> Error {
    Error::arg(
        text,
        format!(
            "invalid num_partitions expression: {reason}; expected numbers, `+ - * / //`, \
             parentheses, `ROWCOUNT` and `CONCURRENCY`"
        ),
    )
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn as_f64(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Lit(Num),
    RowCount,
    Concurrency,
    Neg(Box<Expr>),
    Bin(Op, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Num(Num),
    RowCount,
    Concurrency,
    Op(Op),
    LParen,
    RParen,
}

fn tokenize(text: &str) -> Result<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let mut is_float = false;
            if i < chars.len() && chars[i] == '.' {
                is_float = true;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            let lit: String = chars[start..i].iter().collect();
            if lit == "." {
                return Err(bad(text, "`.` is not a number"));
            }
            if i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                return Err(bad(text, &format!("invalid number near `{lit}{}`", chars[i])));
            }
            let num = if is_float {
                Num::Float(lit.parse::<f64>().map_err(|_| bad(text, "invalid number"))?)
            } else {
                Num::Int(lit.parse::<i128>().map_err(|_| bad(text, "integer literal too large"))?)
            };
            tokens.push(Token::Num(num));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            match word.as_str() {
                "ROWCOUNT" => tokens.push(Token::RowCount),
                "CONCURRENCY" => tokens.push(Token::Concurrency),
                _ => {
                    return Err(bad(
                        text,
                        &format!("unknown name `{word}` (keywords are upper case)"),
                    ));
                }
            }
        } else {
            let tok = match c {
                '+' => Token::Op(Op::Add),
                '-' => Token::Op(Op::Sub),
                '*' => Token::Op(Op::Mul),
                '/' if chars.get(i + 1) == Some(&'/') => {
                    i += 1;
                    Token::Op(Op::FloorDiv)
                }
                '/' => Token::Op(Op::Div),
                '(' => Token::LParen,
                ')' => Token::RParen,
                other => return Err(bad(text, &format!("unexpected character `{other}`"))),
            };
            tokens.push(tok);
            i += 1;
        }
        if tokens.len() > MAX_TOKENS {
            return Err(bad(
                text,
                &format!(
                    "more than {MAX_TOKENS} numbers, names, operators and parentheses \
                     (a longer expression could exhaust the stack)"
                ),
            ));
        }
    }
    if tokens.is_empty() {
        return Err(bad(text, "the expression is empty"));
    }
    Ok(tokens)
}

struct Parser<'a> {
    text: &'a str,
    tokens: &'a [Token],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.pos).copied()
    }

    fn expr(&mut self, depth: usize) -> Result<Expr> {
        let mut left = self.term(depth)?;
        while let Some(Token::Op(op @ (Op::Add | Op::Sub))) = self.peek() {
            self.pos += 1;
            let right = self.term(depth)?;
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self, depth: usize) -> Result<Expr> {
        let mut left = self.unary(depth)?;
        while let Some(Token::Op(op @ (Op::Mul | Op::Div | Op::FloorDiv))) = self.peek() {
            self.pos += 1;
            let right = self.unary(depth)?;
            left = Expr::Bin(op, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Expr> {
        if depth > MAX_DEPTH {
            return Err(bad(self.text, "the expression is nested too deeply"));
        }
        match self.peek() {
            Some(Token::Op(Op::Sub)) => {
                self.pos += 1;
                Ok(Expr::Neg(Box::new(self.unary(depth + 1)?)))
            }
            _ => self.primary(depth),
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Expr> {
        let tok = self.peek().ok_or_else(|| bad(self.text, "unexpected end of the expression"))?;
        self.pos += 1;
        match tok {
            Token::Num(n) => Ok(Expr::Lit(n)),
            Token::RowCount => Ok(Expr::RowCount),
            Token::Concurrency => Ok(Expr::Concurrency),
            Token::LParen => {
                let inner = self.expr(depth + 1)?;
                if self.peek() != Some(Token::RParen) {
                    return Err(bad(self.text, "missing `)`"));
                }
                self.pos += 1;
                Ok(inner)
            }
            Token::RParen => Err(bad(self.text, "unexpected `)`")),
            Token::Op(_) => Err(bad(self.text, "an operator is missing an operand")),
        }
    }
}

struct Env<'a> {
    text: &'a str,
    rows: Option<i128>,
    conc: Option<i128>,
}

impl Env<'_> {
    fn eval(&self, e: &Expr) -> Result<Num> {
        let internal = || Error::internal("num_partitions keyword value was not computed");
        Ok(match e {
            Expr::Lit(n) => *n,
            Expr::RowCount => Num::Int(self.rows.ok_or_else(internal)?),
            Expr::Concurrency => Num::Int(self.conc.ok_or_else(internal)?),
            Expr::Neg(inner) => match self.eval(inner)? {
                Num::Int(i) => Num::Int(i.checked_neg().ok_or_else(|| self.overflow())?),
                Num::Float(f) => Num::Float(-f),
            },
            Expr::Bin(op, l, r) => {
                let (l, r) = (self.eval(l)?, self.eval(r)?);
                self.apply(*op, l, r)?
            }
        })
    }

    fn overflow(&self) -> Error {
        bad(self.text, "integer overflow")
    }

    fn apply(&self, op: Op, l: Num, r: Num) -> Result<Num> {
        let zero = match r {
            Num::Int(i) => i == 0,
            Num::Float(f) => f == 0.0,
        };
        if matches!(op, Op::Div | Op::FloorDiv) && zero {
            return Err(bad(self.text, "division by zero"));
        }
        if let (Num::Int(a), Num::Int(b)) = (l, r) {
            let v = match op {
                Op::Add => a.checked_add(b),
                Op::Sub => a.checked_sub(b),
                Op::Mul => a.checked_mul(b),
                Op::Div => return Ok(Num::Float(a as f64 / b as f64)),
                Op::FloorDiv => floor_div(a, b),
            };
            return v.map(Num::Int).ok_or_else(|| self.overflow());
        }
        let (a, b) = (l.as_f64(), r.as_f64());
        Ok(Num::Float(match op {
            Op::Add => a + b,
            Op::Sub => a - b,
            Op::Mul => a * b,
            Op::Div => a / b,
            Op::FloorDiv => (a / b).floor(),
        }))
    }
}

/// Python's `//` on integers: the quotient rounded toward negative infinity.
fn floor_div(a: i128, b: i128) -> Option<i128> {
    let q = a.checked_div(b)?;
    let r = a.checked_rem(b)?;
    if r != 0 && ((r < 0) != (b < 0)) { Some(q - 1) } else { Some(q) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn eval(text: &str, rows: usize, conc: usize) -> Result<i64> {
        NumPartitionsExpr::parse(text)?.eval(|| Ok(rows), || conc)
    }

    #[test]
    fn ps_num_2_examples() {
        assert_eq!(eval("ROWCOUNT/2", 5, 0).unwrap(), 2);
        assert_eq!(eval("ROWCOUNT/4 + 3", 10, 0).unwrap(), 5);
        assert_eq!(eval("CONCURRENCY*0.5", 0, 3).unwrap(), 1);
        assert_eq!(eval("2.7", 0, 0).unwrap(), 2);
        assert_eq!(eval("(ROWCOUNT+4)//3", 10, 0).unwrap(), 4);
    }

    #[test]
    fn ps_num_1_grammar() {
        assert_eq!(eval("4", 0, 0).unwrap(), 4);
        assert_eq!(eval("-1", 0, 0).unwrap(), -1);
        assert_eq!(eval("--3", 0, 0).unwrap(), 3);
        assert_eq!(eval("2 + 3 * 4", 0, 0).unwrap(), 14);
        assert_eq!(eval("(2 + 3) * 4", 0, 0).unwrap(), 20);
        assert_eq!(eval("10 - 2 - 3", 0, 0).unwrap(), 5);
        assert_eq!(eval("-7 // 2", 0, 0).unwrap(), -4);
        assert_eq!(eval("7 // -2", 0, 0).unwrap(), -4);
        assert_eq!(eval("-7.0 // 2", 0, 0).unwrap(), -4);
        assert_eq!(eval("-7 / 2", 0, 0).unwrap(), -3); // truncation toward zero
        assert_eq!(eval(".5 * 4", 0, 0).unwrap(), 2);
        assert_eq!(eval("5. * 2", 0, 0).unwrap(), 10);
        assert_eq!(eval("  ROWCOUNT  ", 7, 0).unwrap(), 7);
        assert_eq!(eval("-2.7", 0, 0).unwrap(), -2);
    }

    #[test]
    fn ps_num_3_keywords_computed_only_when_present() {
        let e = NumPartitionsExpr::parse("CONCURRENCY * 2").unwrap();
        let v = e.eval(|| panic!("row count must not be computed"), || 4).unwrap();
        assert_eq!(v, 8);
        let e = NumPartitionsExpr::parse("3").unwrap();
        assert_eq!(e.eval(|| Err(Error::internal("no")), || panic!("no")).unwrap(), 3);
        // the error of the row counter is passed through
        let e = NumPartitionsExpr::parse("ROWCOUNT").unwrap();
        let err = e.eval(|| Err(Error::empty("x")), || 1).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Empty);
    }

    #[test]
    fn ps_num_4_rejects_everything_else() {
        for text in [
            "",
            "   ",
            "rowcount",
            "RowCount/2",
            "ROWCOUNTX",
            "__import__('os')",
            "2 ** 3",
            "5 % 2",
            "1e3",
            "(1",
            "1)",
            "1 2",
            "1..2",
            "+1",
            "*",
            "2 -",
            "abs(-1)",
            ".",
            "1.2.3",
            "3x",
        ] {
            let err = NumPartitionsExpr::parse(text).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{text}");
        }
    }

    #[test]
    fn ps_num_4_runtime_errors() {
        for text in ["1/0", "1//0", "ROWCOUNT/(CONCURRENCY-1)", "1/0.0"] {
            let err = eval(text, 5, 1).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{text}");
        }
        let big = "99999999999999999999 * 99999999999999999999 * 99999999999999999999";
        assert_eq!(eval(big, 0, 0).unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert_eq!(
            eval("9223372036854775808", 0, 0).unwrap_err().kind(),
            ErrorKind::InvalidArgument
        );
        assert_eq!(eval("9223372036854775807", 0, 0).unwrap(), i64::MAX);
    }

    #[test]
    fn ps_num_4_deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert_eq!(eval(&deep, 0, 0).unwrap_err().kind(), ErrorKind::InvalidArgument);
        let negs = format!("{}1", "-".repeat(10_000));
        assert_eq!(eval(&negs, 0, 0).unwrap_err().kind(), ErrorKind::InvalidArgument);
        let ok = format!("{}1{}", "(".repeat(30), ")".repeat(30));
        assert_eq!(eval(&ok, 0, 0).unwrap(), 1);
    }

    #[test]
    fn ps_num_4_long_chains_are_an_error_not_a_crash() {
        // 100k terms: used to overflow the stack in `eval` and in `Drop`
        let long = vec!["1"; 100_000].join("+");
        let err = NumPartitionsExpr::parse(&long).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
        assert!(err.to_string().contains("more than 1000"), "{err}");
        let long = vec!["ROWCOUNT"; 50_000].join("*");
        assert_eq!(eval(&long, 1, 1).unwrap_err().kind(), ErrorKind::InvalidArgument);
        // 500 terms (999 tokens) still evaluate
        let ok = vec!["1"; 500].join("+");
        assert_eq!(eval(&ok, 0, 0).unwrap(), 500);
    }

    #[test]
    fn ps_num_5_text_is_verbatim() {
        assert_eq!(NumPartitionsExpr::parse(" ROWCOUNT / 2 ").unwrap().text(), " ROWCOUNT / 2 ");
    }

    proptest::proptest! {
        #[test]
        fn prop_num_expr_never_panics(text in ".{0,40}", rows in 0usize..1000, conc in 0usize..64) {
            let _ = eval(&text, rows, conc);
        }

        #[test]
        fn prop_num_expr_grammar_chars_never_panic(text in "[0-9RWCOUNT. ()+*/-]{0,40}") {
            let _ = eval(&text, 3, 2);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

        /// Length and depth: up to 100k characters and 1,000 nesting levels
        /// of parentheses or minus signs around any chain; never a panic or
        /// a stack overflow, always a result or `ERR-ARG`.
        #[test]
        fn prop_num_expr_long_and_deep_inputs(
            depth in 0usize..=1_000,
            terms in 1usize..=25_000,
            op in proptest::sample::select(vec!["+", "-", "*", "//", "/"]),
            neg in proptest::bool::ANY,
        ) {
            let chain = vec!["1"; terms].join(op);
            let (open, close) = if neg { ("-", "") } else { ("(", ")") };
            let text = format!("{}{chain}{}", open.repeat(depth), close.repeat(depth));
            proptest::prop_assert!(text.len() <= 100_000 + 2_000);
            match eval(&text, 3, 2) {
                Ok(_) => proptest::prop_assert!(
                    depth <= 64 && 2 * terms - 1 + depth * (1 + usize::from(!neg)) <= 1_000
                ),
                Err(e) => proptest::prop_assert_eq!(e.kind(), ErrorKind::InvalidArgument),
            }
        }
    }
}
