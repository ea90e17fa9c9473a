//! A static file server on 127.0.0.1 with a free port, for tests and benchmarks.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Result;

/// Serves `dist/` on 127.0.0.1 with a free port until dropped.
pub struct StaticServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl StaticServer {
    pub fn start(root: PathBuf) -> Result<Self> {
        Self::start_with(root, None)
    }

    /// Also puts `head_script` first in the `<head>` of every HTML page, so it runs before
    /// anything the page loads (the bench records first render this way).
    pub fn start_with(root: PathBuf, head_script: Option<String>) -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    let root = root.clone();
                    let head_script = head_script.clone();
                    std::thread::spawn(move || {
                        let _ = serve(stream, &root, head_script.as_deref());
                    });
                }
            }
        });
        Ok(Self { port, stop })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.port)
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, root: &Path, head_script: Option<&str>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = target
        .split('?')
        .next()
        .unwrap_or("/")
        .trim_start_matches('/');
    let file = if path.is_empty() || path.contains("..") {
        root.join("index.html")
    } else {
        root.join(path)
    };
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(body) => {
            let kind = content_type(&file);
            let body = match head_script {
                Some(script) if kind.starts_with("text/html") => {
                    let html = String::from_utf8_lossy(&body);
                    html.replacen("<head>", &format!("<head><script>{script}</script>"), 1)
                        .into_bytes()
                }
                _ => body,
            };
            ("200 OK", body, kind)
        }
        Err(_) => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    }
}
