//! The DataFusion plan of an aggregates run, the same in process and on a
//! Ballista cluster:
//! 1. scan the interactions (NDJSON or Parquet, a file or a folder) and
//!    turn each row into the SPEC 2.2 object the core reads (`rapport_record`);
//! 2. ask the core which parts each record goes to (`rapport_keys`: the
//!    groups it names; for a noisy table its sender's part; for a list view
//!    the part of every contact on it), and route every version of an id to
//!    every part any version goes to, and (where reply times count) the
//!    interaction a reply names to every part the reply goes to;
//! 3. group by key: on a cluster with `array_agg`, one part held in memory
//!    while its engine runs; in process written as Parquet partitioned by
//!    key and read back one part at a time;
//! 4. run the core on each part (`Job::part`, the `rapport_cells` function
//!    on a cluster) and bring back what it gives.
//!
//! The driver then merges the cells with the core (`rapport::partition::merge`),
//! adds the sums up and draws the noise (`rapport::partition::noisy_merge`),
//! or, for a list view, gathers every part's peers and runs the parts again
//! for their lines (`rapport::partition::gather`, `merge_lines`).

use std::path::{Path, PathBuf};

use futures::StreamExt;
use std::sync::Arc;

use datafusion::arrow::array::AsArray;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::common::JoinType;
use datafusion::dataframe::{DataFrame, DataFrameWriteOptions};
use datafusion::execution::context::SessionContext;
use datafusion::execution::FunctionRegistry;
use datafusion::functions::expr_fn::coalesce;
use datafusion::functions_aggregate::expr_fn::array_agg;
use datafusion::logical_expr::{cast as cast_expr, ident, lit, ScalarUDF};
use datafusion::prelude::{JsonReadOptions, ParquetReadOptions};
use rapport::insights::aggregates::GroupBy;
use rapport::partition::Route;

use crate::error::{usage, Failure};
use crate::job::Job;

/// The SPEC 2.2 fields, as the core reads them, in the order the JSON
/// objects are written.
pub use rapport::load::interactions::MEMBERS as FIELDS;

/// The schema NDJSON is read with: `at` and `modifiedAt` as RFC 3339 text.
pub fn ndjson_schema() -> Schema {
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    let list = |name: &str| {
        Field::new(name, DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))), true)
    };
    Schema::new(vec![
        text("id"),
        text("kind"),
        text("from"),
        list("to"),
        list("cc"),
        text("at"),
        Field::new("durationMinutes", DataType::Float64, true),
        text("threadId"),
        text("inReplyTo"),
        text("messageId"),
        Field::new("cancelled", DataType::Boolean, true),
        text("modifiedAt"),
        Field::new("deleted", DataType::Boolean, true),
    ])
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    Ndjson,
    Parquet,
}

/// The format of a file or folder, and the file extension to read in it.
pub fn input_format(path: &str) -> Result<(InputFormat, String), Failure> {
    let p = Path::new(path);
    let ext_of = |p: &Path| p.extension().and_then(|e| e.to_str()).map(|e| format!(".{e}"));
    let ext = if p.is_dir() {
        let files = std::fs::read_dir(p).map_err(|e| Failure::Other(format!("{path}: {e}")))?;
        let exts: Vec<String> = files.filter_map(|f| f.ok()).filter_map(|f| ext_of(&f.path())).collect();
        [".parquet", ".ndjson", ".jsonl", ".json"]
            .into_iter()
            .find(|e| exts.iter().any(|x| x == e))
            .map(str::to_string)
            .ok_or_else(|| {
                usage(format!("{path}: no .parquet, .ndjson, .jsonl or .json file in the folder"))
            })?
    } else if p.is_file() {
        ext_of(p).unwrap_or_default()
    } else {
        return Err(usage(format!("--interactions {path}: no such file or folder")));
    };
    let format = if ext == ".parquet" { InputFormat::Parquet } else { InputFormat::Ndjson };
    Ok((format, ext))
}

async fn scan(ctx: &SessionContext, path: &str) -> Result<DataFrame, Failure> {
    let (format, ext) = input_format(path)?;
    Ok(match format {
        InputFormat::Ndjson => {
            let schema = ndjson_schema();
            let opts = JsonReadOptions::default().schema(&schema).file_extension(&ext);
            ctx.read_json(path, opts).await?
        }
        InputFormat::Parquet => {
            ctx.read_parquet(path, ParquetReadOptions::default().file_extension(&ext)).await?
        }
    })
}

fn udf(ctx: &SessionContext, name: &str) -> Result<Arc<ScalarUDF>, Failure> {
    ctx.udf(name).map_err(Failure::from)
}

/// The records routed to their parts: `(key, rec)`, every record under
/// every key it is routed to (`rapport::partition::Route`, the job's).
pub async fn routed(ctx: &SessionContext, job: &Job, interactions: &str) -> Result<DataFrame, Failure> {
    let route = job.route()?;
    let job_text = lit(serde_json::to_string(job).map_err(|e| Failure::Other(e.to_string()))?);
    let base = scan(ctx, interactions).await?;
    let present: Vec<&str> =
        FIELDS.iter().copied().filter(|f| base.schema().field_with_unqualified_name(f).is_ok()).collect();
    if !present.contains(&"id") {
        return Err(usage(format!("{interactions}: no \"id\" column")));
    }
    let text = |name: &str| cast_expr(ident(name), DataType::Utf8);
    let record = udf(ctx, "rapport_record")?.call(present.iter().map(|f| ident(*f)).collect());
    let id = coalesce(vec![text("id"), lit("")]);
    // What `inReplyTo` names (empty without the column).
    let reply =
        if present.contains(&"inReplyTo") { text("inReplyTo") } else { cast_expr(lit(""), DataType::Utf8) };
    let recs = base.select(vec![record.alias("rec"), id.alias("rid"), reply.alias("reply")])?;
    let keys = udf(ctx, "rapport_keys")?.call(vec![job_text, ident("rec")]);
    let recs = recs.with_column("keys", keys)?;

    // (id, key) for every key a version of the id is routed to …
    let unnested = |df: DataFrame, by: &str| -> Result<DataFrame, Failure> {
        Ok(df
            .select(vec![ident(by), ident("keys")])?
            .unnest_columns(&["keys"])?
            .filter(ident("keys").is_not_null().and(ident(by).is_not_null()))?
            .select(vec![ident(by).alias("pid"), ident("keys").alias("key")])?)
    };
    let by_id = unnested(recs.clone(), "rid")?;
    // … and, where reply times count (by account, and in list views), every
    // key of a reply goes to the interaction its `inReplyTo` names: the
    // engine resolves it to that id when it is held, else to an e-mail's
    // Message-ID, so a part must hold it whenever the module does.
    let replies = matches!(route, Route::Groups(GroupBy::Account) | Route::Contacts);
    let pairs = if replies { by_id.union(unnested(recs.clone(), "reply")?)? } else { by_id }.distinct()?;
    // The pairs (ids and keys, small) are the side held in memory; the
    // records stream past them.
    Ok(pairs
        .join(recs.select(vec![ident("rec"), ident("rid")])?, JoinType::Inner, &["pid"], &["rid"], None)?
        .select(vec![ident("key"), ident("rec")])?)
}

/// On a cluster: parts hashed across Ballista's partitions, each part's
/// records held together while its engine runs (`rapport_cells`), in
/// parallel; what each part gives (`Job::part`), as JSON.
pub async fn cluster_parts(
    ctx: &SessionContext,
    job: &Job,
    routed: DataFrame,
) -> Result<Vec<String>, Failure> {
    let job_text = lit(serde_json::to_string(job).map_err(|e| Failure::Other(e.to_string()))?);
    let grouped = routed.aggregate(vec![ident("key")], vec![array_agg(ident("rec")).alias("records")])?;
    let cells = udf(ctx, "rapport_cells")?.call(vec![job_text, ident("key"), ident("records")]);
    let out = grouped.select(vec![cells.alias("cells")])?.collect().await?;
    let mut parts = Vec::new();
    for batch in out {
        let column = cast(batch.column(0), &DataType::Utf8).map_err(|e| Failure::Other(e.to_string()))?;
        parts.extend(column.as_string::<i32>().iter().flatten().map(str::to_string));
    }
    Ok(parts)
}

/// A context with rapport's functions registered.
pub fn with_functions(ctx: SessionContext) -> SessionContext {
    for f in crate::udf::functions() {
        ctx.register_udf((*f).clone());
    }
    ctx
}

/// In process: DataFusion writes the routed records to Parquet partitioned
/// by key in `dir`; the part folders, in order. Each part is then read
/// alone (`local_parts`), as often as a run needs: memory bounded by the
/// largest part's engine, not by the input.
pub async fn spill(routed: DataFrame, dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let io = |e: std::io::Error| Failure::Other(format!("{}: {e}", dir.display()));
    // The key twice: the partitioned writer keeps the first only in folder names.
    let routed = routed.select(vec![ident("key"), ident("key").alias("group_key"), ident("rec")])?;
    let opts = DataFrameWriteOptions::new().with_partition_by(vec!["key".to_string()]);
    routed.write_parquet(&dir.to_string_lossy(), opts, None).await?;
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    Ok(folders)
}

/// What each part in `folders` gives (`Job::part`), as JSON: its engine
/// reads its own files batch by batch, one part after another.
pub async fn local_parts(
    ctx: &SessionContext,
    job: &Job,
    folders: &[PathBuf],
) -> Result<Vec<String>, Failure> {
    let mut parts = Vec::new();
    for folder in folders {
        let df = ctx.read_parquet(&*folder.to_string_lossy(), ParquetReadOptions::default()).await?;
        let mut stream = df.select(vec![ident("group_key"), ident("rec")])?.execute_stream().await?;
        let mut engine = job.engine()?;
        let mut key: Option<String> = None;
        while let Some(batch) = stream.next().await {
            let batch = batch?;
            let keys = cast(batch.column(0), &DataType::Utf8).map_err(|e| Failure::Other(e.to_string()))?;
            let recs = cast(batch.column(1), &DataType::Utf8).map_err(|e| Failure::Other(e.to_string()))?;
            if key.is_none() {
                key = keys.as_string::<i32>().iter().flatten().next().map(str::to_string);
            }
            crate::job::load_lines(&mut engine, recs.as_string::<i32>().iter().flatten())?;
        }
        if let Some(key) = key {
            parts.push(job.part(&engine, &key)?);
        }
    }
    Ok(parts)
}
