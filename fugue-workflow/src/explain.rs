//! Seeing the DAG before running it: a text listing and Mermaid / Graphviz
//! DOT exports (issue 12 item 7).

use crate::node::node_uuid;
use crate::workflow::{FugueWorkflow, YieldKind};

impl FugueWorkflow {
    /// One line per node in insertion (= execution) order: name, kind,
    /// operation and extension, partition spec, checkpoint, yields, inputs
    /// and the first 8 characters of its `spec_uuid`.
    pub fn explain(&self) -> String {
        // the workflow id first: `spec_uuid` takes the state lock itself
        let wf_id = self.spec_uuid();
        let st = self.state();
        let mut memo = Vec::new();
        let mut out = format!("FugueWorkflow {} ({} nodes)\n", &wf_id[..8], st.nodes.len());
        for (i, n) in st.nodes.iter().enumerate() {
            let uuid = node_uuid(&st.nodes, i, &mut memo);
            let inputs: Vec<String> = n.inputs.iter().map(|j| format!("_{j}")).collect();
            let mut line = format!("{} [{}] {}", n.name, n.kind.as_str(), n.what());
            if !inputs.is_empty() {
                line.push_str(&format!(" <- {}", inputs.join(", ")));
            }
            if let Some(p) = &n.partition
                && !p.is_empty()
            {
                line.push_str(&format!(" partition={p}"));
            }
            if let Some(c) = &n.checkpoint {
                line.push_str(&format!(" checkpoint={}", c.describe()));
            }
            if n.broadcast {
                line.push_str(" broadcast");
            }
            let ys: Vec<String> = st
                .yields
                .values()
                .filter(|y| y.node == i)
                .map(|y| match y.kind {
                    YieldKind::DataFrame { .. } => format!("yield {}", y.name),
                    YieldKind::File => format!("yield file {}", y.name),
                })
                .collect();
            if !ys.is_empty() {
                line.push_str(&format!(" {}", ys.join(" ")));
            }
            line.push_str(&format!(" id={}", &uuid[..8]));
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// The DAG as a Mermaid flowchart (`flowchart TD`).
    pub fn to_mermaid(&self) -> String {
        let st = self.state();
        let mut out = String::from("flowchart TD\n");
        for n in &st.nodes {
            out.push_str(&format!("    {}[\"{}: {}\"]\n", n.name, n.name, escape(&n.what())));
        }
        for n in &st.nodes {
            for j in &n.inputs {
                out.push_str(&format!("    _{j} --> {}\n", n.name));
            }
        }
        out
    }

    /// The DAG as Graphviz DOT text.
    pub fn to_dot(&self) -> String {
        let st = self.state();
        let mut out = String::from("digraph fugue {\n    rankdir=TB;\n");
        for n in &st.nodes {
            out.push_str(&format!(
                "    {} [label=\"{}: {}\"];\n",
                n.name,
                n.name,
                escape(&n.what())
            ));
        }
        for n in &st.nodes {
            for j in &n.inputs {
                out.push_str(&format!("    _{j} -> {};\n", n.name));
            }
        }
        out.push_str("}\n");
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "'")
}
