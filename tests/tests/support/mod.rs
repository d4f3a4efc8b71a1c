//! Shared test helpers: a real HTTP/1.1 server on 127.0.0.1 that answers from
//! a script, and a transport that captures requests instead of sending them.

#![allow(dead_code)] // each test binary uses a different part

use alibabacloud_sdk::error::DispatchError;
use alibabacloud_sdk::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub headers: Vec<(&'static str, &'static str)>,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            content_type: "application/json;charset=utf-8",
            body: body.to_string(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn other(status: u16, content_type: &'static str, body: &str) -> Self {
        Reply {
            status,
            content_type,
            body: body.to_string(),
            headers: Vec::new(),
        }
    }
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub head: String,
    pub body: Vec<u8>,
}

impl Received {
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

/// A server answering each request with the next reply (the last one
/// repeats). It stops when the test's runtime ends.
pub struct ScriptedServer {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl ScriptedServer {
    pub async fn start(replies: Vec<Reply>) -> ScriptedServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            let mut next = 0usize;
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                // One request per connection keeps the script order simple.
                let reply = replies[next.min(replies.len() - 1)].clone();
                next += 1;
                let log = log.clone();
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut socket).await else {
                        return;
                    };
                    log.lock().unwrap().push(req);
                    let extra: String = reply
                        .headers
                        .iter()
                        .map(|(k, v)| format!("{k}: {v}\r\n"))
                        .collect();
                    let head = format!(
                        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\n{extra}connection: close\r\n\r\n",
                        reply.status,
                        reply.content_type,
                        reply.body.len()
                    );
                    let _ = socket.write_all(head.as_bytes()).await;
                    let _ = socket.write_all(reply.body.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        ScriptedServer { url, received }
    }

    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        head,
        body: buf[head_end..].to_vec(),
    })
}

/// A transport that records every request and answers 200 with `body`.
#[derive(Debug, Clone)]
pub struct CaptureTransport {
    pub captured: Arc<Mutex<Vec<HttpRequest>>>,
    pub body: String,
}

impl CaptureTransport {
    pub fn new(body: &str) -> Self {
        CaptureTransport {
            captured: Arc::default(),
            body: body.to_string(),
        }
    }

    pub fn requests(&self) -> Vec<HttpRequest> {
        self.captured.lock().unwrap().clone()
    }
}

impl Transport for CaptureTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.captured.lock().unwrap().push(request);
        let body = self.body.clone().into_bytes();
        Box::pin(async move { Ok::<_, DispatchError>(HttpResponse::new(200, body)) })
    }
}

/// Percent-decodes a query component.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The decoded query of a URL or request target, as sorted pairs.
pub fn query_pairs(target: &str) -> Vec<(String, String)> {
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.sort();
    pairs
}
