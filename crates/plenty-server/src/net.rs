//! Connections and the requests on them: at most [`Settings::max_connections`] connections,
//! each closed after [`Settings::idle_timeout_ms`] without a byte read or written; every
//! request answered within [`Settings::request_timeout_ms`] (or 503); security headers on
//! every answer; and the client's address for sign-in limits ([`ClientAddr`]).

use crate::api::{ApiError, AppState, Settings};
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use std::future::Future;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// The Content Security Policy of every answer. The pages load one script, `/static/app.js`,
/// and no inline script; their style is inline (a `<style>` element and a few `style`
/// attributes), hence `'unsafe-inline'` for styles only. No page may be framed.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to an answer: the [`CSP`], `X-Frame-Options: DENY`,
/// `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`.
pub async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    r
}

/// Answers 503 (with `Retry-After`) to a request that takes longer than the settings allow.
/// A change already handed to the log's writer is still written: the client is told to
/// check before sending it again.
pub async fn request_timeout(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let limit = Duration::from_millis(st.settings.request_timeout_ms);
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::busy(
            format!(
                "the request took longer than {} s; if it changed something, check before sending it again",
                limit.as_secs()
            ),
            5,
        )
        .into_response(),
    }
}

/// The address of the peer of a connection: what `into_make_service_with_connect_info`
/// gives each request.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, Limited>> for PeerAddr {
    fn connect_info(s: IncomingStream<'_, Limited>) -> Self {
        PeerAddr(*s.remote_addr())
    }
}

impl Connected<IncomingStream<'_, TcpListener>> for PeerAddr {
    fn connect_info(s: IncomingStream<'_, TcpListener>) -> Self {
        PeerAddr(*s.remote_addr())
    }
}

/// The client a request comes from, as sign-in limits key it: the connection's peer; or,
/// when the peer is one of [`Settings::trusted_proxies`], the last address of
/// `X-Forwarded-For` that is not a trusted proxy (a client can write the header's start,
/// only the proxy its end). IPv6 clients are keyed by their /64 network, which one
/// subscriber usually has whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The key of an address: IPv4 as it is, IPv6 by its /64 (a v4-mapped address as IPv4).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// The client of a request from its peer and headers (see [`ClientAddr`]).
pub fn client_of(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    let peer = client_key(peer);
    if !trusted.iter().any(|t| client_key(*t) == peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.iter().any(|t| client_key(*t) == client_key(ip)) => continue,
            Ok(ip) => return client_key(ip),
            // Not an address: what is left of it was written by the client.
            Err(_) => break,
        }
    }
    peer
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<PeerAddr>>()
            .map(|c| c.0 .0.ip())
            .ok_or_else(|| {
                ApiError::internal("no peer address: serve with plenty_server::serve")
            })?;
        Ok(ClientAddr(client_of(
            peer,
            &parts.headers,
            &st.settings.trusted_proxies,
        )))
    }
}

/// A listener that holds at most `max_connections` connections open and closes idle ones.
pub struct Limited {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    idle: Duration,
}

impl Limited {
    /// Wraps a bound listener with the settings' limits.
    pub fn new(inner: TcpListener, settings: &Settings) -> Self {
        Limited {
            inner,
            permits: Arc::new(Semaphore::new(settings.max_connections.max(1))),
            idle: Duration::from_millis(settings.idle_timeout_ms.max(1)),
        }
    }
}

impl Listener for Limited {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        // Wait for a free slot first: meanwhile new connections wait in the kernel's queue.
        // (The semaphore is never closed, so a permit always comes.)
        let permit = self.permits.clone().acquire_owned().await.ok();
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    return (
                        Conn {
                            stream,
                            _permit: permit,
                            idle: self.idle,
                            deadline: Box::pin(tokio::time::sleep(self.idle)),
                        },
                        addr,
                    );
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, as axum does.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection of [`Limited`]: gives its slot back when dropped, and fails a read that has
/// waited longer than the idle timeout since the last byte either way.
pub struct Conn {
    stream: TcpStream,
    _permit: Option<OwnedSemaphorePermit>,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl Conn {
    fn touch(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.idle);
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    self.touch();
                }
                Poll::Ready(r)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "idle connection closed",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_14_forwarded_addresses_count_only_from_trusted_proxies() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", "1.2.3.4, 5.6.7.8".parse().unwrap());
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(client_of(ip("9.9.9.9"), &h, &[]), ip("9.9.9.9"));
        // From the proxy: the last address it did not add itself.
        let proxy = [ip("10.0.0.1")];
        assert_eq!(client_of(ip("10.0.0.1"), &h, &proxy), ip("5.6.7.8"));
        h.insert(
            "x-forwarded-for",
            "forged, 5.6.7.8, 10.0.0.1".parse().unwrap(),
        );
        assert_eq!(client_of(ip("10.0.0.1"), &h, &proxy), ip("5.6.7.8"));
        h.insert("x-forwarded-for", "5.6.7.8, junk".parse().unwrap());
        assert_eq!(client_of(ip("10.0.0.1"), &h, &proxy), ip("10.0.0.1"));
        // IPv6 by /64; v4-mapped as IPv4.
        assert_eq!(
            client_of(ip("2001:db8:1:2:3:4:5:6"), &h, &[]),
            ip("2001:db8:1:2::")
        );
        assert_eq!(client_of(ip("::ffff:1.2.3.4"), &h, &[]), ip("1.2.3.4"));
    }
}
