//! `rapport-batch demo`: the module's demo dataset (the core's generator,
//! `rapport_demo`) written as files the batch reads: `people.json`,
//! `interactions.ndjson`, with `--parquet` the same records as Parquet in
//! `interactions.parquet/` (written by DataFusion from the NDJSON), and
//! `meta.json` with the viewer, `now` and internal domains to run with.

use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::execution::context::SessionContext;
use datafusion::prelude::JsonReadOptions;
use rapport_demo::{demo_dataset, DemoFormat, DemoOptions};
use serde_json::json;

use crate::args::Args;
use crate::error::{usage, Failure};

fn io(path: &std::path::Path) -> impl Fn(std::io::Error) -> Failure + '_ {
    move |e| Failure::Other(format!("{}: {e}", path.display()))
}

pub async fn demo(a: &Args) -> Result<(), Failure> {
    let n: usize =
        a.required("interactions")?.parse().map_err(|_| usage("--interactions must be a count"))?;
    let seed: u64 = a.get("seed").unwrap_or("42").parse().map_err(|_| usage("--seed must be a number"))?;
    let dir = std::path::Path::new(a.required("out-dir")?);
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let d = demo_dataset(&DemoOptions { seed, interactions: n, format: DemoFormat::Ndjson });
    let path = dir.join("people.json");
    std::fs::write(&path, &d.people).map_err(io(&path))?;
    let ndjson = dir.join("interactions.ndjson");
    std::fs::write(&ndjson, &d.interactions).map_err(io(&ndjson))?;
    drop(d.interactions);
    let meta = json!({ "viewer": d.viewer, "now": d.now, "internalDomains": d.internal_domains });
    let path = dir.join("meta.json");
    std::fs::write(&path, meta.to_string()).map_err(io(&path))?;
    if a.get("parquet").is_some_and(|v| v != "no") {
        let out = dir.join("interactions.parquet");
        let ctx = SessionContext::new();
        let schema = crate::plan::ndjson_schema();
        let opts = JsonReadOptions::default().schema(&schema).file_extension(".ndjson");
        let df = ctx.read_json(ndjson.to_string_lossy().as_ref(), opts).await?;
        df.write_parquet(&out.to_string_lossy(), DataFrameWriteOptions::new(), None).await?;
    }
    Ok(())
}
