//! chimesdk-local against clients that hold connections: unfinished heads
//! and bodies are cut off after `--client-timeout`, at most
//! `--max-connections` are open at once (the rest wait to be accepted),
//! and every refusal is the modelled JSON error.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use test_support::services::{Services, start_chime_with};

struct Local {
    child: std::process::Child,
    host: String,
    _svc: Services,
}

impl Drop for Local {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn local(args: &[&str]) -> Local {
    let svc = Services::start();
    let (child, url) = start_chime_with(&svc.moto_url, None, args);
    Local {
        child,
        host: url.trim_start_matches("http://").to_string(),
        _svc: svc,
    }
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

/// Reads until the peer closes or `limit` passes; what arrived.
fn read_until_closed(conn: &mut TcpStream, limit: Duration) -> (Vec<u8>, bool) {
    conn.set_read_timeout(Some(limit)).unwrap();
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match conn.read(&mut chunk) {
            Ok(0) => return (bytes, true),
            Ok(n) => bytes.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (bytes, true),
            Err(_) => return (bytes, false),
        }
    }
}

/// One request on a fresh connection: (status, lower-cased response text).
fn request(host: &str, raw: &[u8]) -> (u16, String) {
    let mut conn = TcpStream::connect(host).unwrap();
    conn.write_all(raw).unwrap();
    let (bytes, _) = read_until_closed(&mut conn, Duration::from_secs(10));
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[test]
fn unfinished_heads_are_cut_off_and_connections_are_bounded() {
    let l = local(&["--client-timeout", "1", "--max-connections", "20"]);
    let pid = l.child.id();
    let idle_fds = open_fds(pid);
    // 200 clients that start a request head and never finish it.
    let mut slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut c = TcpStream::connect(&l.host).unwrap();
            let _ = c.write_all(b"POST /channels HTTP/1.1\r\nHost: x\r\nx-amz-chime-bearer: a");
            c
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let held = open_fds(pid) - idle_fds;
    assert!(
        held <= 20,
        "at most --max-connections are accepted: {held} open"
    );
    // The first ones are closed after the timeout.
    let (_, closed) = read_until_closed(&mut slow[0], Duration::from_secs(5));
    assert!(
        closed,
        "an unfinished head is cut off within 5 s (timeout 1 s)"
    );
    // A well-behaved client is served once the slow ones are cut off,
    // though all 200 arrived before it.
    let started = Instant::now();
    let (status, text) = request(
        &l.host,
        b"GET /app-instances HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200, "{text}");
    // 200 slow clients, 20 at a time, 1 s each: about 10 s; generous here.
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    drop(slow);
    // Idle keep-alive connections are not kept either.
    let mut idle = TcpStream::connect(&l.host).unwrap();
    let (_, closed) = read_until_closed(&mut idle, Duration::from_secs(5));
    assert!(closed, "an idle connection is closed after the timeout");
}

#[test]
fn a_slow_body_and_an_oversized_head_get_the_modelled_errors() {
    let l = local(&["--client-timeout", "1"]);
    // A body that never arrives whole: 408, JSON, x-amzn-ErrorType.
    let mut conn = TcpStream::connect(&l.host).unwrap();
    conn.write_all(b"POST /app-instances HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"Name\"").unwrap();
    let (bytes, _) = read_until_closed(&mut conn, Duration::from_secs(5));
    let text = String::from_utf8_lossy(&bytes).to_lowercase();
    assert!(text.starts_with("http/1.1 408"), "{text}");
    assert!(
        text.contains("x-amzn-errortype: badrequestexception"),
        "{text}"
    );
    assert!(text.contains("did not arrive within 1 s"), "{text}");
    // 20 KiB of headers: 431 in the service's shape, not hyper's bare one.
    let big = format!(
        "GET /app-instances HTTP/1.1\r\nHost: x\r\nx-big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(20 << 10)
    );
    let (status, text) = request(&l.host, big.as_bytes());
    assert_eq!(status, 431, "{text}");
    assert!(
        text.contains("x-amzn-errortype: badrequestexception"),
        "{text}"
    );
    assert!(text.contains("\"code\":\"badrequest\""), "{text}");
    // So are 150 small headers.
    let many: String = (0..150).map(|i| format!("x-h{i}: v\r\n")).collect();
    let (status, text) = request(
        &l.host,
        format!("GET /app-instances HTTP/1.1\r\nHost: x\r\n{many}Connection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_eq!(status, 431, "{text}");
    assert!(text.contains("in 152 headers"), "{text}");
}
