//! No input panics the parser (issue 13, FSQL-RUST-ERR): random token
//! sequences and mutations of the test scripts, bounded case counts.

use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "CREATE",
    "LOAD",
    "SAVE",
    "SELECT",
    "WITH",
    "TRANSFORM",
    "PRINT",
    "YIELD",
    "DATAFRAME",
    "LOCAL",
    "AS",
    "SCHEMA",
    "PARAMS",
    "USING",
    "PREPARTITION",
    "BY",
    "PRESORT",
    "DESC",
    "FROM",
    "WHERE",
    "JOIN",
    "ON",
    "UNION",
    "ALL",
    "TO",
    "OVERWRITE",
    "APPEND",
    "SINGLE",
    "CSV",
    "COLUMNS",
    "ROWS",
    "TITLE",
    "TAKE",
    "SAMPLE",
    "PERCENT",
    "%",
    "REPLACE",
    "APPROX",
    "SEED",
    "DROP",
    "RENAME",
    "ALTER",
    "FILL",
    "NULLS",
    "IF",
    "EXISTS",
    "ANY",
    "FIRST",
    "LAZY",
    "PERSIST",
    "WEAK",
    "STRONG",
    "DETERMINISTIC",
    "CHECKPOINT",
    "BROADCAST",
    "FILE",
    "AND",
    "USE",
    "PROCESS",
    "OUTPUT",
    "OUTTRANSFORM",
    "a",
    "b",
    "x",
    "`q`",
    "t_first",
    "=",
    ",",
    ":",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "*",
    "-",
    "+",
    "~",
    "<",
    ">",
    ".",
    "1",
    "2.5",
    ".5",
    "-3",
    "\"s\"",
    "'p'",
    "true",
    "null",
    "int",
    "str",
    "/*",
    "*/",
    "--",
    "#",
    "\n",
    ";",
    "é",
    "\\",
    "ZIP",
    "CROSS",
    "LEFT",
    "OUTER",
    "CALLBACK",
    "ROWCOUNT",
    "HASH",
    "COARSE",
    "CONNECT",
    "TABLE",
    "VIEW",
    "ct_sizes",
];

const SCRIPTS: &[&str] = &[
    "a = CREATE [[1,\"x\"],[2,\"y\"]] SCHEMA k:int,v:str\nb = CREATE [[1,10]] SCHEMA k:int,w:int\nSELECT a.k, a.v, b.w FROM a INNER JOIN b ON a.k = b.k YIELD DATAFRAME AS out",
    "CREATE [[0],[1],[2]] SCHEMA a:int\nSELECT a WHERE a > 0",
    "a = CREATE [[1,1],[1,3]] SCHEMA k:int,v:int\nTRANSFORM a PREPARTITION BY k PRESORT v DESC USING t_first SCHEMA *, c:int - v PARAMS n:1",
    "CREATE [[1]] SCHEMA a:long\nSAVE OVERWRITE SINGLE CSV \"/tmp/x.csv\" (header=true)\nLOAD CSV \"/tmp/x.csv\" {header:true} COLUMNS a:long\nPRINT 2 ROWS FROM a TITLE 'x'",
    "d = CREATE [[NULL,1]] SCHEMA a:int,b:int\nTAKE 1 ROW FROM d PREPARTITION BY a PRESORT b DESC NULLS FIRST\nSAMPLE REPLACE 30 PERCENT SEED 7 FROM d\nDROP COLUMNS b IF EXISTS FROM d\nRENAME COLUMNS a:x\nALTER COLUMNS x:str\nFILL NULLS (a:0) FROM d\nDROP ROWS IF ANY NULLS ON a FROM d LAZY PERSIST BROADCAST YIELD FILE AS f",
    "x = SAVE AND USE d OVERWRITE \"/tmp/y.parquet\" DETERMINISTIC CHECKPOINT \"v\"\nPROCESS a, x USING p_union\nOUTPUT x PREPARTITION BY a USING o_count (n=1)\nOUTTRANSFORM USING t_first",
    "-- c\n/* a /* b */ */ WITH q AS (SELECT 1 AS x) SELECT * FROM q UNION ALL SELECT 2 AS x",
    "a = CREATE [[1,10]] SCHEMA k:int,v:int\nz = ZIP a, x=a LEFT OUTER BY k PRESORT v\nTRANSFORM (ZIP a, a) HASH PREPARTITION (ROWCOUNT + 1) / 2 USING ct_sizes CALLBACK cb\nCREATE USING c_range(n=3) YIELD TABLE AS t\nCONNECT e SELECT 1 PRINT a ROWCOUNT\nLOAD [\"/x\", \"/y\"]",
];

/// Cases per property: `FUGUE_FSQL_FUZZ_CASES` (`.ci/run` runs a longer,
/// time-bounded round with it), 2,000 by default.
fn cases() -> u32 {
    std::env::var("FUGUE_FSQL_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_token_sequences_never_panic(idx in proptest::collection::vec(0..TOKENS.len(), 0..40)) {
        let script: Vec<&str> = idx.iter().map(|&k| TOKENS[k]).collect();
        let script = script.join(" ");
        let _ = fugue_sql::check_syntax(&script);
        let _ = fugue_sql::compile(&script);
    }

    #[test]
    fn mutated_scripts_never_panic(
        which in 0..SCRIPTS.len(),
        cuts in proptest::collection::vec((0usize..400, 0usize..8, 0..TOKENS.len()), 1..4),
    ) {
        let mut s: Vec<char> = SCRIPTS[which].chars().collect();
        for (at, del, tok) in cuts {
            let at = at.min(s.len());
            let end = (at + del).min(s.len());
            s.splice(at..end, TOKENS[tok].chars());
        }
        let script: String = s.into_iter().collect();
        let _ = fugue_sql::check_syntax(&script);
        let _ = fugue_sql::compile(&script);
    }
}
