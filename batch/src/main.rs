//! `rapport-batch`: the module's aggregate tables and list views over a whole organization,
//! with Apache DataFusion scanning and partitioning the records and the
//! core (`rapport`) computing every figure; in process, or on an Apache
//! Ballista cluster (`--cluster df://HOST:PORT`) whose scheduler and
//! executors this same binary starts. Exit status: 0 done, 2 refused by the
//! core (its code on standard error: `CODE: message`), 1 anything else.

mod args;
mod bench;
mod cluster;
mod demo;
mod error;
mod job;
mod plan;
mod udf;

use std::process::ExitCode;

use datafusion::execution::context::SessionContext;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::SessionConfig;

use args::Args;
use error::{usage, Failure};
use job::Job;
use rapport::json::Level;
use rapport::partition::{self, Partial, PeersPart};

const USAGE: &str = "usage:
  rapport-batch aggregates --people F --interactions PATH --viewer ID --internal-domains D[,D…]
      --now T --group-by department|account --period week|month [--days N] [--min-group-size N]
      --consent-key K --tenant T --consent-token TOKEN [--cluster df://HOST:PORT | --memory-limit MiB] --out FILE
  rapport-batch summaries --people F --interactions PATH --viewer ID --internal-domains D[,D…]
      --now T --level contact|account [--days N]
      --consent-key K --tenant T --consent-token TOKEN [--cluster df://HOST:PORT | --memory-limit MiB] --out FILE
  rapport-batch demo --interactions N [--seed S] --out-dir DIR [--parquet yes]
  rapport-batch bench [--sizes 1000000,10000000] [--dir DIR] [--group-by department|account]
  rapport-batch scheduler --bind IP:PORT
  rapport-batch executor --scheduler IP:PORT --bind IP:PORT [--work-dir DIR]";

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("rapport-batch: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(&argv)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Coded(c)) => {
            eprintln!("{}: {}", c.code, c.message);
            ExitCode::from(2)
        }
        Err(Failure::Other(text)) => {
            eprintln!("rapport-batch: {text}");
            ExitCode::from(1)
        }
    }
}

async fn run(argv: &[String]) -> Result<(), Failure> {
    let (command, rest) = argv.split_first().ok_or_else(|| usage(USAGE))?;
    match command.as_str() {
        "aggregates" => {
            let known: Vec<&str> = args::DATA.iter().chain(args::AGGREGATES.iter()).copied().collect();
            let a = Args::parse(rest, &known)?;
            aggregates(&a).await
        }
        "summaries" => {
            let known: Vec<&str> = args::DATA.iter().chain(args::SUMMARIES.iter()).copied().collect();
            let a = Args::parse(rest, &known)?;
            summaries(&a).await
        }
        "demo" => {
            let a = Args::parse(rest, &["interactions", "seed", "out-dir", "parquet"])?;
            demo::demo(&a).await
        }
        "bench" => {
            let a = Args::parse(rest, &["sizes", "dir", "group-by"])?;
            bench::bench(&a).await
        }
        "scheduler" => {
            let a = Args::parse(rest, &["bind"])?;
            cluster::scheduler(a.required("bind")?).await
        }
        "executor" => {
            let a = Args::parse(rest, &["scheduler", "bind", "work-dir"])?;
            cluster::executor(a.required("scheduler")?, a.required("bind")?, a.get("work-dir")).await
        }
        _ => Err(usage(USAGE)),
    }
}

/// DataFusion's memory in process, unless `--memory-limit` (MiB) says
/// otherwise: past it, grouping spills sorted runs to disk and reads them
/// back one group at a time. Each group's engine comes on top.
const DEFAULT_MEMORY_MIB: usize = 1536;

/// In process: DataFusion with a partition per core and a bounded memory pool.
fn local(a: &Args) -> Result<SessionContext, Failure> {
    let mib = match a.get("memory-limit") {
        Some(v) => v.parse::<usize>().map_err(|_| usage("--memory-limit must be a number of MiB"))?,
        None => DEFAULT_MEMORY_MIB,
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = RuntimeEnvBuilder::new().with_memory_limit(mib * 1024 * 1024, 1.0).build_arc()?;
    let mut config = SessionConfig::new().with_target_partitions(cores);
    // Small row groups: the partitioned writer buffers one per group.
    config.options_mut().execution.parquet.max_row_group_size = 16 * 1024;
    Ok(plan::with_functions(SessionContext::new_with_config_rt(config, runtime)))
}

async fn aggregates(a: &Args) -> Result<(), Failure> {
    let job = args::aggregates_job(a)?;
    let request = job.request()?;
    let out = a.required("out")?;
    // The token, the scope and the options first: a refusal reads no
    // interaction. A noisy table is drawn once, by this engine, at the end.
    let driver = job.engine()?;
    let skeleton = match request.noise {
        Some(_) => driver.partial_sums(&request, &|_| false).map(|_| None)?,
        None => Some(driver.aggregates(&request)?),
    };
    let parts: Vec<Partial> =
        Parts::new(a, &job).await?.run(&job).await?.iter().map(|t| parse(t)).collect::<Result<_, _>>()?;
    let table = match skeleton {
        Some(skeleton) => partition::merge(skeleton, parts, &request, job.engine_options()?.now),
        None => partition::noisy_merge(&driver, parts, &request)?,
    };
    let text = serde_json::to_string(&table).map_err(|e| Failure::Other(e.to_string()))?;
    write(out, &text)
}

/// A list view of the whole team: every part's peers gathered first, then
/// every part's lines scored against them.
async fn summaries(a: &Args) -> Result<(), Failure> {
    let mut job = args::summaries_job(a)?;
    let out = a.required("out")?;
    let req = job.lists()?.ok_or_else(|| usage("--level is required"))?;
    // The token and the scope (`identifiable`) first: a refusal reads no interaction.
    job.engine()?.relationship_summaries(req.level == Level::Account, req.scope, req.days, &req.health)?;
    let parts = Parts::new(a, &job).await?;
    let peers: Vec<PeersPart> = parts.run(&job).await?.iter().map(|t| parse(t)).collect::<Result<_, _>>()?;
    let gathered = partition::gather(peers);
    job.gathered = Some((gathered.times, gathered.latest));
    let lines: Vec<Vec<(String, String)>> =
        parts.run(&job).await?.iter().map(|t| parse(t)).collect::<Result<_, _>>()?;
    write(out, &partition::merge_lines(lines))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Failure> {
    serde_json::from_str(text).map_err(|e| Failure::Other(format!("a part's answer: {e}")))
}

fn write(out: &str, text: &str) -> Result<(), Failure> {
    std::fs::write(out, text).map_err(|e| Failure::Other(format!("--out {out}: {e}")))
}

/// Where a run's parts are: routed on a cluster (and run there), or
/// written to a spill folder in process (and read back one at a time),
/// which is removed when the run ends.
enum Parts {
    Cluster(SessionContext, datafusion::dataframe::DataFrame),
    Local(SessionContext, Spill),
}

/// The spill folder of an in-process run and its part folders, removed when dropped.
struct Spill {
    dir: std::path::PathBuf,
    parts: Vec<std::path::PathBuf>,
}
impl Drop for Spill {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Parts {
    async fn new(a: &Args, job: &Job) -> Result<Parts, Failure> {
        let interactions = a.required("interactions")?;
        Ok(match a.get("cluster") {
            Some(url) => {
                let ctx = cluster::remote(url).await?;
                let routed = plan::routed(&ctx, job, interactions).await?;
                Parts::Cluster(ctx, routed)
            }
            None => {
                let ctx = local(a)?;
                let mut spill = Spill {
                    dir: std::env::temp_dir().join(format!("rapport-batch-{}", std::process::id())),
                    parts: Vec::new(),
                };
                let _ = std::fs::remove_dir_all(&spill.dir);
                spill.parts = plan::spill(plan::routed(&ctx, job, interactions).await?, &spill.dir).await?;
                Parts::Local(ctx, spill)
            }
        })
    }

    /// What every part gives for `job`, as JSON.
    async fn run(&self, job: &Job) -> Result<Vec<String>, Failure> {
        match self {
            Parts::Cluster(ctx, routed) => plan::cluster_parts(ctx, job, routed.clone()).await,
            Parts::Local(ctx, spill) => plan::local_parts(ctx, job, &spill.parts).await,
        }
    }
}
