//! Partition algorithms and the guarantees of PARTITION.md §9–10 (PG-*,
//! PA-*, PS-NUM-6), observed through `repartition` and `map_dataframe`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};

use fugue_core::engine::{OnInitFn, map_fn};

use super::*;

/// The cases of this area.
pub(super) fn cases() -> Vec<Case> {
    vec![
        case!("partition/repartition_keeps_rows", ["ENG-REPART-1", "PG-4"], repartition_keeps_rows),
        case!("partition/num_rule", ["PS-NUM-6", "PG-5", "PG-3", "ENG-MAP-2"], num_rule),
        case!("partition/even_without_keys", ["PA-4", "PG-3", "PG-5"], even_without_keys),
        case!("partition/even_with_keys", ["PA-4", "PG-1"], even_with_keys),
        case!(
            "partition/logical_never_split",
            ["PG-1", "PG-8", "PA-1", "PA-2", "PA-3", "PA-4", "PA-8", "ENG-MAP-2", "ENG-MAP-11"],
            logical_never_split
        ),
        case!("partition/presort_seen", ["PG-2", "ENG-MAP-3", "PS-SORT-1"], presort_seen),
        case!("partition/coarse", ["PA-5", "PG-4", "ENG-MAP-2", "ENG-MAP-3"], coarse),
        case!("partition/per_row", ["PA-6", "PS-CTOR-2", "PG-3"], per_row),
        case!("partition/contiguous_split", ["PA-7", "PG-3"], contiguous_split),
        case!("partition/num_expressions", ["PS-NUM-1", "PS-NUM-2", "PS-NUM-6"], num_expressions),
        case!("partition/on_init_once", ["PG-7", "ENG-MAP-4", "ENG-MAP-12"], on_init_once),
    ]
}

/// 10 rows, keys `k` in 1..=4 plus a null key, values `v` unique.
fn data(ctx: &Ctx) -> Result<DataFrameRef, String> {
    ctx.df(
        vec![
            vec![i(1), i(5)],
            vec![i(2), i(1)],
            vec![N, i(9)],
            vec![i(1), i(2)],
            vec![i(3), i(7)],
            vec![i(4), i(3)],
            vec![i(2), i(8)],
            vec![N, i(4)],
            vec![i(1), i(6)],
            vec![i(3), i(10)],
        ],
        "k:int,v:int",
    )
}

fn map_calls(ctx: &Ctx, df: &DataFrameRef, sp: &PartitionSpec) -> Result<Vec<Call>, String> {
    let e = engine(ctx)?;
    let calls = Arc::new(Mutex::new(Vec::new()));
    let r = ok(e.map_dataframe(df, recorder(calls.clone()), df.schema(), sp, None), "map")?;
    // the union of the outputs is the input
    same(&r, df, &format!("map output with spec {}", sp.to_json_string()))?;
    take_calls(&calls)
}

fn algos() -> [&'static str; 5] {
    ["", "default", "hash", "rand", "even"]
}

// own
fn repartition_keeps_rows(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let mut specs = vec![PartitionSpec::default(), PartitionSpec::per_row()];
    for algo in ["", "default", "hash", "rand", "even", "coarse"] {
        for (by, num) in [(vec![], "2"), (vec!["k"], ""), (vec!["k"], "3"), (vec![], "20")] {
            specs.push(spec(&by, "v desc", num, algo)?);
        }
    }
    for sp in specs {
        let r = ok(e.repartition(&df, &sp), "repartition")?;
        same(&r, &df, &format!("repartition {}", sp.to_json_string()))?;
        check(r.schema() == df.schema(), || "repartition changed the schema".into())?;
    }
    Ok(())
}

// own: N = 1 → one physical partition; N > 1 → at most N
fn num_rule(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    for algo in algos() {
        let one = spec(&[], "", "1", algo)?;
        let r = ok(e.repartition(&df, &one), "repartition num=1")?;
        check(r.num_partitions() == 1 || r.num_partitions() == df.num_partitions(), || {
            format!("algo `{algo}` num=1: {} physical partitions", r.num_partitions())
        })?;
        let calls = map_calls(ctx, &df, &one)?;
        check(calls.len() == 1 && calls[0].rows.len() == 10, || {
            format!("algo `{algo}` num=1 without keys: {} calls, expected one (PG-3)", calls.len())
        })?;
        let three = spec(&[], "", "3", algo)?;
        let r = ok(e.repartition(&df, &three), "repartition num=3")?;
        check(r.num_partitions() <= 3, || {
            format!("algo `{algo}` num=3: {} physical partitions", r.num_partitions())
        })?;
        let calls = map_calls(ctx, &df, &three)?;
        let physical: BTreeSet<usize> = calls.iter().map(|c| c.physical).collect();
        check(calls.len() <= 3 && physical.len() == calls.len(), || {
            format!("algo `{algo}` num=3 without keys: {} calls over {physical:?}", calls.len())
        })?;
    }
    Ok(())
}

fn sizes_balanced(sizes: &[usize]) -> bool {
    match (sizes.iter().min(), sizes.iter().max()) {
        (Some(lo), Some(hi)) => hi - lo <= 1,
        _ => true,
    }
}

// own
fn even_without_keys(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    for n in [2usize, 3, 4, 7] {
        let sp = spec(&[], "", &n.to_string(), "even")?;
        // local engines MAY keep the layout (ENG-REPART-1); a new layout has n partitions
        let r = ok(e.repartition(&df, &sp), "repartition even")?;
        check(r.num_partitions() == n || r.num_partitions() == df.num_partitions(), || {
            format!("even num={n} over 10 rows: {} physical partitions", r.num_partitions())
        })?;
        // one call per physical partition (PG-3); sizes differ by at most one
        let calls = map_calls(ctx, &df, &sp)?;
        let sizes: Vec<usize> = calls.iter().map(|c| c.rows.len()).collect();
        check(calls.len() == n && sizes_balanced(&sizes), || {
            format!("even num={n} over 10 rows: partition sizes {sizes:?}")
        })?;
        let physical: BTreeSet<usize> = calls.iter().map(|c| c.physical).collect();
        check(physical.len() == n, || format!("even num={n}: physical numbers {physical:?}"))?;
    }
    Ok(())
}

// own
fn even_with_keys(ctx: &Ctx) -> CaseResult {
    let df = data(ctx)?;
    // 5 logical partitions (1, 2, 3, 4, null)
    for n in ["", "2", "3"] {
        let sp = spec(&["k"], "", n, "even")?;
        let calls = map_calls(ctx, &df, &sp)?;
        check(calls.len() == 5, || format!("even num=`{n}`: {} calls, expected 5", calls.len()))?;
        let mut per_physical: BTreeMap<usize, usize> = BTreeMap::new();
        for c in &calls {
            *per_physical.entry(c.physical).or_default() += 1;
        }
        let counts: Vec<usize> = per_physical.values().copied().collect();
        let want = if n.is_empty() { 5 } else { n.parse::<usize>().unwrap_or(0) };
        check(counts.len() == want && sizes_balanced(&counts), || {
            format!(
                "even by k num=`{n}`: logical partitions per physical partition {per_physical:?}"
            )
        })?;
    }
    Ok(())
}

// own
fn logical_never_split(ctx: &Ctx) -> CaseResult {
    let df = data(ctx)?;
    // two keys, with nulls: (1, null) and (null, null) are different groups (PG-8)
    let df2 = ctx.df(
        vec![
            vec![i(1), N, i(1)],
            vec![N, N, i(2)],
            vec![i(1), N, i(3)],
            vec![N, N, i(4)],
            vec![i(1), i(1), i(5)],
        ],
        "a:int,b:int,c:int",
    )?;
    for algo in algos() {
        for num in ["", "2", "3", "20"] {
            let sp = spec(&["k"], "", num, algo)?;
            let calls = map_calls(ctx, &df, &sp)?;
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for c in &calls {
                let key = format!("{:?}", c.keys);
                check(c.rows.iter().all(|r| vec![r[0].clone()] == c.keys), || {
                    format!("algo `{algo}` num `{num}`: a call mixes keys: {:?}", c.rows)
                })?;
                *seen.entry(key).or_default() += 1;
            }
            check(seen.len() == 5 && seen.values().all(|n| *n == 1), || {
                format!("algo `{algo}` num `{num}`: calls per key {seen:?}")
            })?;
            let sp = spec(&["a", "b"], "", num, algo)?;
            let calls = map_calls(ctx, &df2, &sp)?;
            let mut groups: Vec<(Vec<Value>, usize)> =
                calls.iter().map(|c| (c.keys.clone(), c.rows.len())).collect();
            groups.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
            let mut want = vec![(vec![i(1), N], 2), (vec![N, N], 2), (vec![i(1), i(1)], 1)];
            want.sort_by(|x, y| format!("{x:?}").cmp(&format!("{y:?}")));
            check(groups == want, || {
                format!("algo `{algo}` num `{num}` two keys: groups {groups:?}")
            })?;
        }
    }
    Ok(())
}

fn sorted_by(rows: &[Row], sorts: &[(usize, bool)]) -> bool {
    rows.windows(2).all(|w| {
        for (idx, asc) in sorts {
            let (x, y) = (&w[0][*idx], &w[1][*idx]);
            // nulls last within presort (PG-2 SHOULD; engines must be consistent)
            let o = match (x, y) {
                (Value::Null, Value::Null) => std::cmp::Ordering::Equal,
                (Value::Null, _) | (_, Value::Null) => return true,
                _ if *asc => x.total_cmp(y),
                _ => y.total_cmp(x),
            };
            match o {
                std::cmp::Ordering::Less => return true,
                std::cmp::Ordering::Greater => return false,
                std::cmp::Ordering::Equal => {}
            }
        }
        true
    })
}

// own: the map function sees its rows in presort order, for every algorithm
fn presort_seen(ctx: &Ctx) -> CaseResult {
    let df = ctx.df(
        vec![
            vec![i(1), i(2), s("b")],
            vec![i(1), i(2), s("a")],
            vec![i(1), i(1), s("c")],
            vec![i(2), i(3), s("a")],
            vec![i(2), i(5), s("z")],
            vec![i(2), i(4), s("y")],
            vec![i(1), i(9), s("a")],
        ],
        "k:int,v:int,w:str",
    )?;
    for algo in algos() {
        for num in ["", "2"] {
            for (presort, sorts) in
                [("v", vec![(1, true)]), ("v desc,w", vec![(1, false), (2, true)])]
            {
                let sp = spec(&["k"], presort, num, algo)?;
                for c in map_calls(ctx, &df, &sp)? {
                    check(sorted_by(&c.rows, &sorts), || {
                        format!("algo `{algo}` presort `{presort}`: rows {:?}", c.rows)
                    })?;
                    check(c.rows.first() == Some(&c.first_row), || {
                        format!("cursor row {:?} is not the first row", c.first_row)
                    })?;
                }
                // without keys: the one call per physical partition is sorted too
                let sp = spec(&[], presort, num, algo)?;
                for c in map_calls(ctx, &df, &sp)? {
                    check(sorted_by(&c.rows, &sorts), || {
                        format!("algo `{algo}` presort `{presort}` no keys: rows {:?}", c.rows)
                    })?;
                }
            }
        }
    }
    Ok(())
}

// own
fn coarse(ctx: &Ctx) -> CaseResult {
    let df = data(ctx)?;
    for num in ["", "1", "2", "3"] {
        let sp = spec(&["k"], "v desc", num, "coarse")?;
        let calls = map_calls(ctx, &df, &sp)?;
        if let Ok(n) = num.parse::<usize>() {
            check(calls.len() <= n, || format!("coarse num={n}: {} calls", calls.len()))?;
        }
        if num == "1" {
            check(calls.len() == 1, || format!("coarse num=1: {} calls", calls.len()))?;
        }
        let physical: BTreeSet<usize> = calls.iter().map(|c| c.physical).collect();
        check(physical.len() == calls.len(), || {
            format!("coarse: one call per physical partition, got {physical:?}")
        })?;
        let mut owner: BTreeMap<String, usize> = BTreeMap::new();
        for (n, c) in calls.iter().enumerate() {
            // sorted by keys (ascending, nulls last) then presort
            check(sorted_by(&c.rows, &[(0, true), (1, false)]), || {
                format!("coarse num=`{num}`: rows not sorted by k, v desc: {:?}", c.rows)
            })?;
            // every key's rows are contiguous, non-null keys ascending
            let mut run: Vec<Value> = Vec::new();
            for r in &c.rows {
                if run.last() != Some(&r[0]) {
                    check(!run.contains(&r[0]), || {
                        format!("coarse: key {:?} is not contiguous: {:?}", r[0], c.rows)
                    })?;
                    run.push(r[0].clone());
                }
            }
            let non_null: Vec<&Value> = run.iter().filter(|v| **v != N).collect();
            check(non_null.windows(2).all(|w| w[0].total_cmp(w[1]).is_lt()), || {
                format!("coarse: keys not ascending: {run:?}")
            })?;
            check(c.keys == vec![c.rows[0][0].clone()], || {
                format!("coarse: cursor keys {:?} are not those of the first row", c.keys)
            })?;
            for r in &c.rows {
                let key = format!("{:?}", r[0]);
                let prev = owner.insert(key.clone(), n);
                check(prev.is_none_or(|p| p == n), || {
                    format!("coarse: key {key} is in two physical partitions")
                })?;
            }
        }
    }
    Ok(())
}

// own
fn per_row(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let sp = PartitionSpec::per_row();
    let calls = map_calls(ctx, &df, &sp)?;
    check(calls.len() == 10 && calls.iter().all(|c| c.rows.len() == 1), || {
        format!(
            "per_row: {} calls with sizes {:?}",
            calls.len(),
            calls.iter().map(|c| c.rows.len()).collect::<Vec<_>>()
        )
    })?;
    let r = ok(e.repartition(&df, &sp), "repartition per_row")?;
    // local engines MAY keep the layout (ENG-REPART-1)
    check(r.num_partitions() == 10 || r.num_partitions() == df.num_partitions(), || {
        format!("per_row: {} physical partitions", r.num_partitions())
    })
}

// own (PA-7 is a SHOULD for native engines)
fn contiguous_split(ctx: &Ctx) -> CaseResult {
    let df = ctx.df((1..=5).map(|x| vec![i(x)]).collect(), "a:int")?;
    for (num, want) in [("3", vec![2, 2, 1]), ("10", vec![1, 1, 1, 1, 1]), ("2", vec![3, 2])] {
        let sp = spec(&[], "a", num, "")?;
        let mut calls = map_calls(ctx, &df, &sp)?;
        calls.sort_by_key(|c| c.physical);
        let sizes: Vec<usize> = calls.iter().map(|c| c.rows.len()).collect();
        check(sizes == want, || {
            format!("num={num} over 5 rows: sizes {sizes:?}, expected {want:?}")
        })?;
        // contiguous: chunks in physical order hold rows in sorted order
        let all: Vec<Row> = calls.iter().flat_map(|c| c.rows.clone()).collect();
        let want_rows: Vec<Row> = (1..=5).map(|x| vec![i(x)]).collect();
        check(all == want_rows, || format!("num={num}: chunks not contiguous: {all:?}"))?;
    }
    Ok(())
}

// own
fn num_expressions(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    let par = e.get_current_parallelism();
    for (num, want) in
        [("ROWCOUNT/4", 2usize), ("ROWCOUNT/4 + 3", 5), ("(ROWCOUNT+4)//3", 4), ("2.7", 2)]
    {
        let sp = spec(&[], "", num, "even")?;
        let calls = map_calls(ctx, &df, &sp)?;
        check(calls.len() == want, || {
            format!("even num `{num}`: {} calls, expected {want}", calls.len())
        })?;
    }
    let sp = spec(&[], "", "CONCURRENCY", "even")?;
    let calls = map_calls(ctx, &df, &sp)?;
    check(calls.len() == par.min(10), || {
        format!("even num=CONCURRENCY ({par}): {} calls", calls.len())
    })?;
    // N ≤ 0: no explicit request, never a failure
    for num in ["-1", "0", "ROWCOUNT-20"] {
        for by in [vec![], vec!["k"]] {
            let sp = spec(&by, "", num, "")?;
            map_calls(ctx, &df, &sp)?;
            let r = ok(e.repartition(&df, &sp), "repartition with N ≤ 0")?;
            same(&r, &df, "repartition with N ≤ 0")?;
        }
    }
    Ok(())
}

// own: on_init once per physical partition, before its first call
fn on_init_once(ctx: &Ctx) -> CaseResult {
    let e = engine(ctx)?;
    let df = data(ctx)?;
    for sp in
        [spec(&[], "", "3", "even")?, spec(&["k"], "", "2", "even")?, spec(&["k"], "", "", "")?]
    {
        let events: Arc<Mutex<Vec<(bool, usize)>>> = Arc::new(Mutex::new(Vec::new()));
        let (ev1, ev2) = (events.clone(), events.clone());
        let nonempty = Arc::new(AtomicUsize::new(0));
        let ne = nonempty.clone();
        let init: OnInitFn = Arc::new(move |p, data: &LocalDataFrame| {
            if data.num_rows() > 0 {
                ne.fetch_add(1, Ordering::SeqCst);
            }
            ev1.lock().map_err(|_| Error::user("poisoned"))?.push((true, p));
            Ok(())
        });
        let f = map_fn(move |cursor, data| {
            ev2.lock()
                .map_err(|_| Error::user("poisoned"))?
                .push((false, cursor.physical_partition_no()));
            Ok(data)
        });
        ok(e.map_dataframe(&df, f, df.schema(), &sp, Some(init)), "map")?;
        let events = events.lock().map_err(|_| "poisoned".to_string())?.clone();
        let mut inits: BTreeMap<usize, usize> = BTreeMap::new();
        for (is_init, p) in &events {
            if *is_init {
                *inits.entry(*p).or_default() += 1;
            } else {
                check(inits.contains_key(p), || {
                    format!(
                        "spec {}: a call in partition {p} before its on_init",
                        sp.to_json_string()
                    )
                })?;
            }
        }
        let called: BTreeSet<usize> = events.iter().filter(|(x, _)| !x).map(|(_, p)| *p).collect();
        check(inits.values().all(|n| *n == 1), || format!("on_init counts {inits:?}"))?;
        check(inits.keys().copied().collect::<BTreeSet<_>>() == called, || {
            format!("on_init for {inits:?} but calls in {called:?}")
        })?;
        check(nonempty.load(Ordering::SeqCst) == inits.len(), || {
            "on_init got an empty frame".into()
        })?;
    }
    Ok(())
}
