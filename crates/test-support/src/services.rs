//! moto (Kinesis, STS) and chimesdk-local on free loopback ports; both are
//! stopped when the value drops.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Services {
    moto: Child,
    chime: Child,
    pub moto_url: String,
    pub chime_url: String,
}

/// moto's threaded server on a port the OS picks, printed on the first line.
const MOTO_ON_A_FREE_PORT: &str = "import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address='127.0.0.1', port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
";

fn wait_http(url: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if ureq::get(url).call().is_ok()
            || matches!(ureq::get(url).call(), Err(ureq::Error::StatusCode(_)))
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what} did not answer at {url} within 30 s");
}

impl Services {
    pub fn start() -> Services {
        Self::start_with_chime_upstream(None)
    }

    /// `kinesis_override`: the Kinesis URL chimesdk-local delivers to
    /// (a fault proxy in front of moto, say).
    pub fn start_with_chime_upstream(kinesis_override: Option<&str>) -> Services {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        // moto binds port 0 itself and says which port it got: no other
        // test can take it between a pick and the bind. It ends when its
        // stdin closes, so a test process that dies leaves no moto behind.
        let mut moto = Command::new(&python)
            .args(["-c", MOTO_ON_A_FREE_PORT])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting moto: `python3 -m moto.server` (pip install 'moto[server]')");
        let mut line = String::new();
        let _ = BufReader::new(moto.stdout.take().unwrap()).read_line(&mut line);
        let Ok(port) = line.trim().parse::<u16>() else {
            let _ = moto.kill();
            panic!("moto did not start (it printed {line:?})");
        };
        let moto_url = format!("http://127.0.0.1:{port}");
        let started =
            std::panic::catch_unwind(|| wait_http(&format!("{moto_url}/moto-api/"), "moto"));
        if started.is_err() {
            let _ = moto.kill();
            panic!("moto did not start");
        }
        let kinesis = kinesis_override.unwrap_or(&moto_url).to_string();
        let (chime, chime_url) = start_chime(&kinesis, None);
        Services {
            moto,
            chime,
            moto_url,
            chime_url,
        }
    }

    /// Stops chimesdk-local with SIGKILL (`kill -9`): no clean-up runs.
    pub fn kill_chime(&mut self) {
        let _ = self.chime.kill();
        let _ = self.chime.wait();
    }

    /// Restarts chimesdk-local (its state gone) with more arguments.
    pub fn restart_chime_with(&mut self, args: &[&str]) {
        let _ = self.chime.kill();
        let _ = self.chime.wait();
        let (chime, url) = start_chime_with(&self.moto_url, None, args);
        self.chime = chime;
        self.chime_url = url;
    }

    /// Restarts chimesdk-local delivering to another Kinesis URL.
    pub fn restart_chime(&mut self, kinesis: &str, state_file: Option<&std::path::Path>) {
        let _ = self.chime.kill();
        let _ = self.chime.wait();
        let (chime, url) = start_chime(kinesis, state_file);
        self.chime = chime;
        self.chime_url = url;
    }
}

pub fn start_chime(kinesis: &str, state_file: Option<&std::path::Path>) -> (Child, String) {
    start_chime_with(kinesis, state_file, &[])
}

/// chimesdk-local with more command-line arguments (its limits, say).
pub fn start_chime_with(
    kinesis: &str,
    state_file: Option<&std::path::Path>,
    args: &[&str],
) -> (Child, String) {
    // CHIMESDK_LOCAL_BIN: another build, for before/after benchmarks.
    let bin = std::env::var_os("CHIMESDK_LOCAL_BIN")
        .unwrap_or_else(|| crate::paths::workspace_binary("chimesdk-local").into());
    let mut cmd = Command::new(bin);
    // --test-faults: tests set answers with `Aws::chime_fault`.
    cmd.args(["--listen", "127.0.0.1:0", "--kinesis-endpoint", kinesis])
        .arg("--test-faults")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(p) = state_file {
        cmd.arg("--state-file").arg(p);
    }
    let mut child = cmd.spawn().expect("starting chimesdk-local");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("chimesdk-local prints its address");
    (child, line.trim().to_string())
}

impl Drop for Services {
    fn drop(&mut self) {
        let _ = self.chime.kill();
        let _ = self.moto.kill();
        let _ = self.chime.wait();
        let _ = self.moto.wait();
    }
}
