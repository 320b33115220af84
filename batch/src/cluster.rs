//! Ballista: `rapport-batch scheduler` and `rapport-batch executor` start
//! Ballista's own scheduler and executor (from the Ballista crates) with
//! rapport's functions registered, and `--cluster df://HOST:PORT` gives the
//! driver a DataFusion context whose plans run on them. Nothing here
//! distributes work: Ballista does.

use std::net::SocketAddr;
use std::sync::Arc;

use ballista::prelude::SessionContextExt;
use ballista_core::extension::SessionConfigExt;
use ballista_core::registry::BallistaFunctionRegistry;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use datafusion::execution::context::SessionContext;
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::execution::FunctionRegistry;
use datafusion::prelude::SessionConfig;

use crate::error::{usage, Failure};
use crate::udf::functions;

fn address(text: &str, option: &str) -> Result<SocketAddr, Failure> {
    text.parse().map_err(|_| usage(format!("--{option} must be IP:PORT (e.g. 127.0.0.1:50050), not {text}")))
}

fn other(e: impl std::fmt::Display) -> Failure {
    Failure::from_text(e.to_string())
}

/// Ballista's scheduler on `bind`, reading plans with rapport's functions;
/// runs until the process is stopped.
pub async fn scheduler(bind: &str) -> Result<(), Failure> {
    let addr = address(bind, "bind")?;
    let mut config = SchedulerConfig::default()
        .with_hostname(addr.ip().to_string())
        .with_port(addr.port())
        .with_override_session_builder(Arc::new(|config: SessionConfig| {
            let mut state = ballista_core::utils::default_session_builder(config)?;
            for f in functions() {
                state.register_udf(f)?;
            }
            Ok(state)
        }));
    config.bind_host = addr.ip().to_string();
    let cluster = BallistaCluster::new_from_config(&config).await.map_err(other)?;
    start_server(cluster, addr, Arc::new(config)).await.map_err(other)
}

/// Ballista's executor: Arrow Flight on `bind`, its gRPC service on the
/// next port, registered with the scheduler at `scheduler`; runs until the
/// process is stopped.
pub async fn executor(scheduler: &str, bind: &str, work_dir: Option<&str>) -> Result<(), Failure> {
    let (scheduler, bind) = (address(scheduler, "scheduler")?, address(bind, "bind")?);
    let mut registry = BallistaFunctionRegistry::default();
    for f in functions() {
        registry.scalar_functions.insert(f.name().to_string(), f);
    }
    let config = ExecutorProcessConfig {
        bind_host: bind.ip().to_string(),
        external_host: Some(bind.ip().to_string()),
        port: bind.port(),
        grpc_port: bind.port().checked_add(1).ok_or_else(|| usage("--bind: a port below 65535"))?,
        scheduler_host: scheduler.ip().to_string(),
        scheduler_port: scheduler.port(),
        work_dir: work_dir.map(str::to_string),
        override_function_registry: Some(Arc::new(registry)),
        ..ExecutorProcessConfig::default()
    };
    start_executor_process(Arc::new(config)).await.map_err(other)
}

/// A context whose plans run on the Ballista cluster at `url` (`df://HOST:PORT`).
pub async fn remote(url: &str) -> Result<SessionContext, Failure> {
    if !url.starts_with("df://") {
        return Err(usage(format!("--cluster must be df://HOST:PORT, not {url}")));
    }
    let mut state = SessionStateBuilder::new()
        .with_default_features()
        .with_config(SessionConfig::new_with_ballista())
        .build();
    for f in functions() {
        state.register_udf(f)?;
    }
    // Ballista rebuilds the state for the cluster: register them again.
    Ok(crate::plan::with_functions(SessionContext::remote_with_state(url, state).await?))
}
