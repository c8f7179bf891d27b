//! The TLS listener and the HTTP/1.1 service: read the request, route it, apply any injected
//! fault, run it against the world, answer (or reset the connection).

use std::io::Read;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

use crate::faults::{canned, FaultKind};
use crate::reply::Reply;
use crate::route::{self, Incoming};
use crate::state::World;

const MAX_BODY: usize = 4 * 1024 * 1024;

static LOGGING: AtomicBool = AtomicBool::new(false);

/// Turns request logging to stderr on or off (the binary turns it on). Log lines carry the
/// method, host, path (never the query string), endpoint and status — never a body.
pub fn set_logging(on: bool) {
    LOGGING.store(on, Ordering::Relaxed);
}

fn logging() -> bool {
    LOGGING.load(Ordering::Relaxed) || std::env::var_os("SFRPC_EMULATOR_LOG").is_some()
}

/// The connection is reset without an answer (reset_before / reset_after faults).
#[derive(Debug, thiserror::Error)]
#[error("connection reset by an injected fault")]
pub struct ResetByFault;

/// Shared by every connection.
pub struct Shared {
    /// The emulated Salesforce.
    pub world: Mutex<World>,
}

impl Shared {
    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        // A panic inside a handler must not take the emulator down with it.
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A connection that an injected fault may end with a TCP reset: when `reset` is set, the
/// socket gets SO_LINGER 0 as it is dropped, so the kernel sends RST (not FIN) and discards
/// anything unsent, as a crashed or cut-off server would.
struct Conn {
    tls: TlsStream<TcpStream>,
    reset: Arc<AtomicBool>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        if self.reset.load(Ordering::SeqCst) {
            let _ = self.tls.get_ref().0.set_zero_linger();
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tls).poll_read(cx, buf)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tls).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tls).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        if self.reset.load(Ordering::SeqCst) {
            // No close_notify, no FIN: the reset happens on drop.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.tls).poll_shutdown(cx)
    }
}

/// Accepts connections until `shutdown` flips.
pub async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let shared = shared.clone();
                conns.spawn(async move {
                    let handshake = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp));
                    let Ok(Ok(tls)) = handshake.await else { return };
                    let sni = tls.get_ref().1.server_name().map(str::to_string);
                    let reset = Arc::new(AtomicBool::new(false));
                    let conn = Conn { tls, reset: reset.clone() };
                    let service = service_fn(move |req| {
                        handle(shared.clone(), sni.clone(), reset.clone(), req)
                    });
                    let _ = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(conn), service)
                        .await;
                });
            }
        }
    }
    conns.abort_all();
}

fn gunzip(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut decoder = flate2::read::GzDecoder::new(body).take(MAX_BODY as u64 + 1);
    decoder.read_to_end(&mut out).ok()?;
    (out.len() <= MAX_BODY).then_some(out)
}

fn respond(reply: Reply) -> Response<Full<Bytes>> {
    let mut builder = Response::builder().status(reply.status);
    for (name, value) in &reply.headers {
        builder = builder.header(*name, value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

async fn handle(
    shared: Arc<Shared>,
    sni: Option<String>,
    reset: Arc<AtomicBool>,
    req: Request<Body>,
) -> Result<Response<Full<Bytes>>, ResetByFault> {
    let (parts, body) = req.into_parts();
    let header = |name: hyper::header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let host = header(hyper::header::HOST)
        .or_else(|| parts.uri.authority().map(|a| a.to_string()))
        .or(sni)
        .unwrap_or_default();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes().to_vec(),
        Err(_) => return Ok(respond(Reply::text(413, "request body too large\n"))),
    };
    let gzipped = header(hyper::header::CONTENT_ENCODING)
        .is_some_and(|e| e.to_ascii_lowercase().contains("gzip"));
    let body = if gzipped {
        match gunzip(&body) {
            Some(b) => b,
            None => return Ok(respond(Reply::text(400, "bad gzip request body\n"))),
        }
    } else {
        body
    };

    if let Some(rest) = path.strip_prefix("/__emulator") {
        let reply = crate::control::handle(&mut shared.world(), &method, rest, &body);
        log(&method, &host, &path, "control", reply.status);
        return Ok(respond(reply));
    }

    let authorization = header(hyper::header::AUTHORIZATION);
    let incoming = Incoming {
        method: &method,
        path: &path,
        query: parts.uri.query(),
        host: &host,
        authorization: authorization.as_deref(),
    };
    let routed = route::route(&shared.world(), &incoming, body);
    let (ctx, call) = match routed {
        Ok(x) => x,
        Err(reply) => {
            log(&method, &host, &path, "-", reply.status);
            return Ok(respond(reply));
        }
    };
    let endpoint = call.endpoint().to_string();
    let fault = shared.world().faults.take(&endpoint);
    if let Some(f) = &fault {
        if f.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(f.delay_ms)).await;
        }
    }
    let kind = fault.map(|f| f.kind);
    let canned = match kind {
        Some(FaultKind::ResetBefore) => {
            log(&method, &host, &path, &endpoint, 0);
            reset.store(true, Ordering::SeqCst);
            return Err(ResetByFault);
        }
        Some(FaultKind::Http500Html) => Some(canned::http_500()),
        Some(FaultKind::Http503Html) => Some(canned::http_503()),
        Some(FaultKind::Oversized) => Some(canned::oversized(call.is_xml())),
        Some(FaultKind::Redirect) => Some(canned::redirect(&path)),
        _ => None,
    };
    let reply = match canned {
        Some(r) => r,
        None => {
            let real = call.execute(&mut shared.world(), &ctx);
            match kind {
                Some(FaultKind::ResetAfter) => {
                    log(&method, &host, &path, &endpoint, 0);
                    reset.store(true, Ordering::SeqCst);
                    return Err(ResetByFault);
                }
                Some(FaultKind::MalformedXml) => canned::truncated(real),
                _ => real,
            }
        }
    };
    log(&method, &host, &path, &endpoint, reply.status);
    Ok(respond(reply))
}

fn log(method: &str, host: &str, path: &str, endpoint: &str, status: u16) {
    if logging() {
        let outcome = if status == 0 {
            "reset".to_string()
        } else {
            status.to_string()
        };
        eprintln!("sfrpc-emulator: {method} {host}{path} [{endpoint}] -> {outcome}");
    }
}
