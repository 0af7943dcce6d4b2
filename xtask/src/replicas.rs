//! `cargo xtask replicas`: the production shape on this machine, without Docker. The local
//! PostgreSQL (a database of its own, `socio_replicas`), the local Redis, two `socio serve`
//! processes sharing one JWT secret, and HAProxy with `deploy/haproxy.cfg` in front. Ctrl-C
//! stops everything (the terminal sends it to every process of the group; whatever survives is
//! stopped when one of them ends).

use std::{
    env,
    io::Read,
    net::{SocketAddr, TcpStream},
    process::{Child, Command},
    thread,
    time::Duration,
};

use crate::{spa, tools};

const DATABASE: &str = "socio_replicas";

/// Starts the shape and waits until one of its processes ends.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(unknown) = args.first() {
        return Err(format!("unknown option {unknown}: `cargo xtask replicas` takes none (SOCIO_LB_BIND sets the balancer's address)"));
    }
    tools::ensure_replica_tools()?;
    if !tools::postgres_reachable() {
        return Err(
            "PostgreSQL does not answer at 127.0.0.1:5432: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start".into(),
        );
    }
    let redis: SocketAddr = ([127, 0, 0, 1], 6379).into();
    if TcpStream::connect_timeout(&redis, Duration::from_secs(2)).is_err() {
        return Err("Redis does not answer at 127.0.0.1:6379: redis-server --daemonize yes".into());
    }
    spa::build_spa()?;
    tools::cargo(&["build", "--release", "-p", "socio-api"])?;
    let socio = tools::target_dir().join("release").join("socio");
    let socio = socio.to_str().ok_or("non-UTF-8 target path")?.to_owned();

    // A database of its own, migrated and seeded with the demo data (both idempotent).
    let created = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-qtAc", &format!("CREATE DATABASE {DATABASE}")])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    if !created.status.success() && !String::from_utf8_lossy(&created.stderr).contains("already exists") {
        return Err(format!("creating {DATABASE}: {}", String::from_utf8_lossy(&created.stderr)));
    }
    let database_url = format!("postgres://postgres@127.0.0.1:5432/{DATABASE}");
    let with_database = |args: &[&str]| {
        let status = Command::new(&socio).args(args).env("DATABASE_URL", &database_url).status().map_err(|e| format!("{socio}: {e}"))?;
        if status.success() { Ok(()) } else { Err(format!("`socio {}` failed", args.join(" "))) }
    };
    with_database(&["migrate"])?;
    with_database(&["seed"])?;

    let secret = random_hex(32)?;
    let balancer = env::var("SOCIO_LB_BIND").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let public_url = format!("http://{}", balancer.replace("0.0.0.0", "localhost"));
    let replicas = [("a", "127.0.0.1:8081"), ("b", "127.0.0.1:8082")];
    let mut children: Vec<(String, Child)> = Vec::new();
    let stop = |children: &mut Vec<(String, Child)>| {
        for (_, child) in children.iter_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    };
    for (name, bind) in replicas {
        let child = Command::new(&socio)
            .args(["serve", "--static-dir", "frontend/dist"])
            .env("DATABASE_URL", &database_url)
            .env("SOCIO_BIND", bind)
            .env("SOCIO_JWT_SECRET", &secret)
            .env("SOCIO_REDIS_URL", "redis://127.0.0.1:6379/0")
            .env("SOCIO_REDIS_PREFIX", DATABASE)
            .env("SOCIO_TRUSTED_PROXIES", "127.0.0.1")
            .env("SOCIO_PUBLIC_URL", &public_url)
            .spawn()
            .map_err(|e| format!("starting replica {name}: {e}"));
        match child {
            Ok(child) => children.push((format!("replica {name}"), child)),
            Err(e) => {
                stop(&mut children);
                return Err(e);
            }
        }
    }
    let haproxy = Command::new("haproxy")
        .args(["-db", "-f", "deploy/haproxy.cfg"])
        .env("SOCIO_LB_BIND", &balancer)
        .env("SOCIO_REPLICA_A", replicas[0].1)
        .env("SOCIO_REPLICA_B", replicas[1].1)
        .spawn();
    match haproxy {
        Ok(child) => children.push(("HAProxy".to_owned(), child)),
        Err(e) => {
            stop(&mut children);
            return Err(format!("starting HAProxy: {e}"));
        }
    }
    println!(
        "\n  «Социальный кластер», the production shape:\n\
         \n    site and API   {public_url}  (HAProxy, deploy/haproxy.cfg; answers carry X-Served-By)\
         \n    replica a      http://{}  (metrics: /metrics, loopback only)\
         \n    replica b      http://{}\
         \n    PostgreSQL     {database_url}\
         \n    Redis          redis://127.0.0.1:6379/0 (limits under the prefix {DATABASE})\
         \n\n  Ctrl-C stops everything. What to watch and what to do: docs/operations.md\n",
        replicas[0].1, replicas[1].1
    );
    // Whichever ends first ends the shape: a replica alone behind the balancer is not it.
    loop {
        thread::sleep(Duration::from_millis(500));
        let ended = children.iter_mut().find_map(|(name, child)| child.try_wait().ok().flatten().map(|status| (name.clone(), status)));
        if let Some((name, status)) = ended {
            stop(&mut children);
            return if status.success() { Ok(()) } else { Err(format!("{name} ended ({status}); everything is stopped")) };
        }
    }
}

/// `bytes` random bytes from the kernel, in hex.
fn random_hex(bytes: usize) -> Result<String, String> {
    let mut buffer = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buffer)).map_err(|e| format!("/dev/urandom: {e}"))?;
    Ok(buffer.iter().map(|b| format!("{b:02x}")).collect())
}
