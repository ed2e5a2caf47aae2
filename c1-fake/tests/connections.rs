//! The fake's connections under a hostile or broken client: half-sent
//! requests are not held open, shutdown closes everything, and running out
//! of file descriptors does not make the accept loop spin. Real sockets.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use c1_fake::FakeC1;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection, for at most `limit`;
/// returns what it sent, or `None` if the connection was still open.
async fn read_to_close(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut got = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut got)).await {
        Ok(_) => Some(String::from_utf8_lossy(&got).into_owned()),
        Err(_) => None,
    }
}

/// A fake that waits 300 ms for a request's head, then its body.
async fn impatient_fake() -> FakeC1 {
    FakeC1::builder()
        .read_timeout(Duration::from_millis(300))
        .start()
        .await
}

#[tokio::test]
async fn a_request_head_that_stops_arriving_is_closed() {
    let fake = impatient_fake().await;
    let mut stream = TcpStream::connect(fake.addr()).await.unwrap();
    stream
        .write_all(b"GET /api/v1/users HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let answer = read_to_close(&mut stream, Duration::from_secs(10)).await;
    assert!(answer.is_some(), "the half-sent head was held open");
    // A silent connection is closed the same way.
    let mut silent = TcpStream::connect(fake.addr()).await.unwrap();
    assert!(
        read_to_close(&mut silent, Duration::from_secs(10))
            .await
            .is_some()
    );
}

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408_and_closed() {
    let fake = impatient_fake().await;
    let mut stream = TcpStream::connect(fake.addr()).await.unwrap();
    stream
        .write_all(
            b"POST /api/v1/search/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
              Content-Length: 100\r\n\r\n{\"query\":",
        )
        .await
        .unwrap();
    let answer = read_to_close(&mut stream, Duration::from_secs(10))
        .await
        .expect("the half-sent body was held open");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    // A whole request on a new connection is still served.
    let client = reqwest::Client::new();
    let status = client
        .get(format!("{}/api/v1/users", fake.base_url()))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 401, "answered (no token), not timed out");
}

#[tokio::test]
async fn shutdown_closes_half_sent_requests() {
    let fake = FakeC1::start().await; // the default read timeout: 10 s
    let mut streams = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(fake.addr()).await.unwrap();
        stream
            .write_all(b"GET /api/v1/users HTTP/1.1\r\n")
            .await
            .unwrap();
        streams.push(stream);
    }
    tokio::time::timeout(Duration::from_secs(5), fake.shutdown())
        .await
        .expect("shutdown ends");
    for stream in &mut streams {
        assert!(
            read_to_close(stream, Duration::from_secs(1))
                .await
                .is_some(),
            "a connection outlived shutdown"
        );
    }
}

/// The `c1-fake` binary with at most `files` open file descriptors, and its
/// base URL.
fn fake_with_fd_limit(files: u32) -> (Child, String) {
    let mut child = Command::new("prlimit")
        .arg(format!("--nofile={files}:{files}"))
        .arg(env!("CARGO_BIN_EXE_c1-fake"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("prlimit (util-linux) runs the fake");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = lines
        .find_map(|line| {
            let line = line.ok()?;
            line.strip_prefix("base URL:").map(|u| u.trim().to_owned())
        })
        .expect("the fake prints its base URL");
    // Keep draining its output so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, base)
}

/// CPU time (user + system) the process has used, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let mut stat = String::new();
    std::fs::File::open(format!("/proc/{pid}/stat"))
        .unwrap()
        .read_to_string(&mut stat)
        .unwrap();
    // Fields after the `(comm)`: state is the 3rd field; utime and stime the 14th and 15th.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

/// With its file descriptors used up, `accept` fails at once for every
/// queued connection; the loop waits between failures instead of spinning.
/// A spinning loop burns a whole core (about 100 ticks a second); the fake
/// must stay near idle, then serve again once descriptors are free.
#[test]
#[cfg(target_os = "linux")]
fn running_out_of_file_descriptors_does_not_spin() {
    let (mut child, base) = fake_with_fd_limit(64);
    let addr = base.trim_start_matches("http://").to_owned();
    // More connections than the fake has descriptors for.
    let held: Vec<std::net::TcpStream> = (0..120)
        .filter_map(|_| std::net::TcpStream::connect(&addr).ok())
        .collect();
    assert!(held.len() > 64, "only {} connections made", held.len());
    std::thread::sleep(Duration::from_millis(300));
    let before = cpu_ticks(child.id());
    std::thread::sleep(Duration::from_secs(2));
    let used = cpu_ticks(child.id()) - before;
    drop(held);
    // Descriptors free again: a request is served.
    let served = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        let Ok(mut s) = std::net::TcpStream::connect(&addr) else {
            return false;
        };
        use std::io::Write;
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = s.write_all(b"GET /api/v1/users HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer.starts_with("HTTP/1.1 401")
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(used < 40, "{used} CPU ticks in 2 s with accept failing");
    assert!(served, "the fake did not recover");
}
