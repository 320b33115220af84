//! `rapport-batch bench`: time, peak memory and records per second per core
//! of an aggregates run over demo datasets (written as Parquet by `demo`),
//! in process and on a local Ballista cluster (one scheduler, two
//! executors, all started here on loopback and stopped after). Each run is
//! this binary in a child process, so its peak resident memory (Linux
//! `VmHWM`, polled) is its own; on the cluster, the peaks of the driver and
//! of every executor are summed. The token is signed with a key made for
//! the run, so the engine checks consent as in any run.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use serde_json::{json, Value};

use crate::args::Args;
use crate::error::{usage, Failure};

fn other(e: impl std::fmt::Display) -> Failure {
    Failure::Other(e.to_string())
}

fn b64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Peak resident memory of a live process, in bytes (0 when unknown).
fn peak_rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Runs `cmd` to its end, polling its peak memory (and that of `watch`).
fn measure(mut cmd: Command, watch: &[u32]) -> Result<(Duration, u64, Vec<u64>), Failure> {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().map_err(other)?;
    let (mut peak, mut peaks) = (0, vec![0; watch.len()]);
    loop {
        peak = peak.max(peak_rss(child.id()));
        for (p, &pid) in peaks.iter_mut().zip(watch) {
            *p = (*p).max(peak_rss(pid));
        }
        if let Some(status) = child.try_wait().map_err(other)? {
            if !status.success() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                return Err(Failure::Other(format!("a bench run failed: {err}")));
            }
            return Ok((start.elapsed(), peak, peaks));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

struct Stop(Child);
impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16, Failure> {
    loop {
        let a = std::net::TcpListener::bind("127.0.0.1:0").map_err(other)?;
        let port = a.local_addr().map_err(other)?.port();
        if port < 65535 && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return Ok(port);
        }
    }
}

fn wait_for(port: u16) -> Result<(), Failure> {
    for _ in 0..300 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(Failure::Other(format!("nothing listens on {port}")))
}

/// A dataset of `n` demo interactions in `dir` (made once, kept).
fn dataset(exe: &Path, dir: &Path, n: usize) -> Result<(PathBuf, Value), Failure> {
    let data = dir.join(format!("demo-{n}"));
    if !data.join("interactions.parquet").exists() {
        let status = Command::new(exe)
            .args(["demo", "--interactions", &n.to_string(), "--parquet", "yes", "--out-dir"])
            .arg(&data)
            .status()
            .map_err(other)?;
        if !status.success() {
            return Err(Failure::Other(format!("demo {n} failed")));
        }
        // The NDJSON copy is not read by the bench: only Parquet is.
        let _ = std::fs::remove_file(data.join("interactions.ndjson"));
    }
    let meta =
        serde_json::from_slice(&std::fs::read(data.join("meta.json")).map_err(other)?).map_err(other)?;
    Ok((data, meta))
}

pub async fn bench(a: &Args) -> Result<(), Failure> {
    let sizes: Vec<usize> = a
        .get("sizes")
        .unwrap_or("1000000,10000000")
        .split(',')
        .map(|s| s.trim().parse().map_err(|_| usage("--sizes: counts separated by commas")))
        .collect::<Result<_, _>>()?;
    let dir = PathBuf::from(a.get("dir").unwrap_or("target/rapport-batch-bench"));
    let group_by = a.get("group-by").unwrap_or("department");
    let exe = std::env::current_exe().map_err(other)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let key = SigningKey::from_bytes(&rand_seed()?);
    let public = b64(key.verifying_key().as_bytes());
    println!("| records | where | time (s) | peak memory (MiB) | records/s/core |");
    println!("|---:|---|---:|---:|---:|");
    for n in sizes {
        let (data, meta) = dataset(&exe, &dir, n)?;
        let viewer = meta["viewer"].as_str().unwrap_or_default();
        let now = crate::job::clock_ms() / 1000;
        let claims = json!({ "aud": "rapport", "tid": "bench", "sub": viewer, "scp": ["aggregated"],
            "iat": now - 60, "exp": now + 86_400, "jti": "bench" });
        let header = json!({ "alg": "EdDSA", "typ": "JWT" });
        let input = format!("{}.{}", b64(header.to_string().as_bytes()), b64(claims.to_string().as_bytes()));
        let token = format!("{input}.{}", b64(&key.sign(input.as_bytes()).to_bytes()));
        let domains: Vec<&str> =
            meta["internalDomains"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let run = |cluster: Option<&str>| {
            let mut c = Command::new(&exe);
            c.arg("aggregates").arg("--people").arg(data.join("people.json"));
            c.arg("--interactions").arg(data.join("interactions.parquet"));
            c.args(["--viewer", viewer, "--internal-domains", &domains.join(",")]);
            c.args([
                "--now",
                meta["now"].as_str().unwrap_or_default(),
                "--group-by",
                group_by,
                "--period",
                "week",
            ]);
            c.args(["--consent-key", &public, "--tenant", "bench", "--consent-token", &token]);
            c.arg("--out").arg(data.join("out.json"));
            if let Some(url) = cluster {
                c.args(["--cluster", url]);
            }
            c
        };
        let (time, peak, _) = measure(run(None), &[])?;
        row(n, "in process", time, peak, cores);

        let sched = free_port()?;
        let scheduler = format!("127.0.0.1:{sched}");
        let quiet = |mut c: Command| -> Result<Stop, Failure> {
            Ok(Stop(c.stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(other)?))
        };
        let mut c = Command::new(&exe);
        c.args(["scheduler", "--bind", &scheduler]);
        let _scheduler = quiet(c)?;
        wait_for(sched)?;
        let mut executors = Vec::new();
        for _ in 0..2 {
            let port = free_port()?;
            let mut c = Command::new(&exe);
            c.args(["executor", "--scheduler", &scheduler, "--bind", &format!("127.0.0.1:{port}")]);
            executors.push(quiet(c)?);
            wait_for(port)?;
        }
        let pids: Vec<u32> = executors.iter().map(|e| e.0.id()).collect();
        let (time, peak, peaks) = measure(run(Some(&format!("df://{scheduler}"))), &pids)?;
        row(n, "cluster, 2 executors", time, peak + peaks.iter().sum::<u64>(), cores);
    }
    Ok(())
}

fn row(n: usize, place: &str, time: Duration, peak: u64, cores: usize) {
    let secs = time.as_secs_f64();
    let rate = n as f64 / secs / cores as f64;
    println!("| {n} | {place} | {secs:.1} | {:.0} | {rate:.0} |", peak as f64 / (1024.0 * 1024.0));
}

/// A key for this run only, from the platform's randomness.
fn rand_seed() -> Result<[u8; 32], Failure> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(other)?;
    Ok(seed)
}
