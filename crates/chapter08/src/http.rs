//! A tiny HTTP/1.1 response decoder, shared by listings 8.1 and 8.2.
//!
//! It frames one response out of a byte stream however the bytes arrive:
//! the status line, the headers, then a body of `Content-Length` bytes or,
//! without that header, everything until the server closes. This is the
//! Rust counterpart of the book's protocol buffering `data_received`
//! chunks: the `Decoder` is handed a growing buffer and says "not yet"
//! (`Ok(None)`) until a whole frame is there.

use anyhow::{Context as _, bail};
use tokio_util::bytes::{Buf as _, BytesMut};
use tokio_util::codec::Decoder;

/// The longest status line plus headers we accept (a bound, not a guess).
const MAX_HEAD: usize = 64 * 1024;

/// One decoded response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// `HTTP/1.1 200 OK`
    pub status_line: String,
    /// `200`
    pub status: u16,
    /// Header lines as (name, value), in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Where the decoder is: still reading the head, or reading a body.
#[derive(Debug, Default)]
enum State {
    #[default]
    Head,
    Body {
        status_line: String,
        status: u16,
        headers: Vec<(String, String)>,
        /// `Some(n)` with Content-Length, `None` for read-until-close.
        length: Option<usize>,
    },
}

/// Frames one [`HttpResponse`] from a byte stream.
#[derive(Debug, Default)]
pub struct HttpResponseDecoder {
    state: State,
}

impl Decoder for HttpResponseDecoder {
    type Item = HttpResponse;
    type Error = anyhow::Error;

    fn decode(&mut self, buffer: &mut BytesMut) -> anyhow::Result<Option<HttpResponse>> {
        if let State::Head = self.state {
            let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                if buffer.len() > MAX_HEAD {
                    bail!("response head is longer than {MAX_HEAD} bytes");
                }
                return Ok(None);
            };
            let head = buffer.split_to(end + 4);
            let head = std::str::from_utf8(&head[..end]).context("response head is not UTF-8")?;
            let mut lines = head.split("\r\n");
            let status_line = lines.next().unwrap_or_default().to_owned();
            let status = status_line
                .split(' ')
                .nth(1)
                .and_then(|code| code.parse().ok())
                .with_context(|| format!("bad status line {status_line:?}"))?;
            let headers: Vec<(String, String)> = lines
                .filter_map(|line| line.split_once(':'))
                .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
                .collect();
            let length = match headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            {
                Some((_, value)) => Some(value.parse().context("bad Content-Length")?),
                None => None,
            };
            self.state = State::Body {
                status_line,
                status,
                headers,
                length,
            };
        }
        match &self.state {
            State::Body {
                length: Some(length),
                ..
            } if buffer.len() >= *length => {
                let body = buffer.split_to(*length).to_vec();
                Ok(Some(self.finish(body)))
            }
            _ => Ok(None), // more body to come, or the body runs until close
        }
    }

    fn decode_eof(&mut self, buffer: &mut BytesMut) -> anyhow::Result<Option<HttpResponse>> {
        if let Some(response) = self.decode(buffer)? {
            return Ok(Some(response));
        }
        match &self.state {
            State::Body { length: None, .. } => {
                let body = buffer.to_vec();
                buffer.advance(buffer.len());
                Ok(Some(self.finish(body)))
            }
            State::Body {
                length: Some(length),
                ..
            } => bail!(
                "connection closed after {} of {length} body bytes",
                buffer.len()
            ),
            State::Head if buffer.is_empty() => Ok(None),
            State::Head => bail!("connection closed in the middle of the response head"),
        }
    }
}

impl HttpResponseDecoder {
    fn finish(&mut self, body: Vec<u8>) -> HttpResponse {
        let State::Body {
            status_line,
            status,
            headers,
            ..
        } = std::mem::take(&mut self.state)
        else {
            unreachable!("finish is called in the Body state only")
        };
        HttpResponse {
            status_line,
            status,
            headers,
            body,
        }
    }
}

/// Host, port and path of a plain `http://` URL.
pub fn split_url(url: &str) -> anyhow::Result<(String, u16, String)> {
    let Some(rest) = url.strip_prefix("http://") else {
        bail!(
            "{url} is not a plain http:// URL; this listing speaks raw HTTP/1.1 over TCP, without TLS"
        );
    };
    let (authority, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => {
            (host, port.parse().context("bad port in the URL")?)
        }
        _ => (authority, 80),
    };
    // `[::1]` in a URL is the address `::1` to connect to.
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Ok((host.to_owned(), port, path.to_owned()))
}

/// How long 8.1–8.3 wait for a whole exchange (connect, request, response):
/// `--timeout` seconds, 30 by default. A raw socket has no timeout of its
/// own, so without this a server that accepts and never answers would
/// hang the listing.
pub fn exchange_bound(ctx: &shared_util::Ctx) -> std::time::Duration {
    std::time::Duration::from_secs(ctx.options::<crate::Options>().timeout.max(1))
}

/// Runs `exchange` within [`exchange_bound`], or fails naming the server.
pub async fn bounded<T>(
    ctx: &shared_util::Ctx,
    host: &str,
    port: u16,
    exchange: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let bound = exchange_bound(ctx);
    tokio::time::timeout(bound, exchange).await.map_err(|_| {
        anyhow::anyhow!(
            "no complete response from {host}:{port} within {} s (--timeout)",
            bound.as_secs()
        )
    })?
}

/// `host:port` as the `Host` header wants it (`[::1]:8000` for IPv6).
pub fn authority(host: &str, port: u16) -> String {
    match host.contains(':') {
        true => format!("[{host}]:{port}"),
        false => format!("{host}:{port}"),
    }
}

/// The request the book's client writes: GET, `Connection: close`.
pub fn get_request(authority: &str, path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH_LENGTH: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 11\r\n\r\nhello world";
    const UNTIL_CLOSE: &[u8] = b"HTTP/1.0 404 Not Found\r\nServer: x\r\n\r\nno such page\n";

    /// Feeds `bytes` split at `cut`, then the rest, then end of stream.
    fn decode_split(bytes: &[u8], cuts: &[usize]) -> HttpResponse {
        let mut decoder = HttpResponseDecoder::default();
        let mut buffer = BytesMut::new();
        let mut start = 0;
        for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
            buffer.extend_from_slice(&bytes[start..cut]);
            start = cut;
            if let Some(response) = decoder.decode(&mut buffer).unwrap() {
                assert_eq!(cut, bytes.len(), "a response before all bytes arrived");
                return response;
            }
        }
        decoder
            .decode_eof(&mut buffer)
            .unwrap()
            .expect("a response at end of stream")
    }

    #[test]
    fn frames_a_content_length_response_split_at_every_byte_boundary() {
        for cut in 0..=WITH_LENGTH.len() {
            let response = decode_split(WITH_LENGTH, &[cut]);
            assert_eq!(response.status, 200);
            assert_eq!(response.body, b"hello world");
            assert_eq!(response.headers.len(), 2);
        }
    }

    #[test]
    fn frames_responses_fed_one_byte_at_a_time() {
        for bytes in [WITH_LENGTH, UNTIL_CLOSE] {
            let cuts: Vec<usize> = (1..bytes.len()).collect();
            let response = decode_split(bytes, &cuts);
            assert!(response.status == 200 || response.status == 404);
            assert!(!response.body.is_empty());
        }
    }

    #[test]
    fn a_body_without_length_runs_until_close() {
        for cut in 0..=UNTIL_CLOSE.len() {
            let response = decode_split(UNTIL_CLOSE, &[cut]);
            assert_eq!(response.status_line, "HTTP/1.0 404 Not Found");
            assert_eq!(response.body, b"no such page\n");
        }
    }

    #[test]
    fn a_truncated_body_is_an_error_not_a_short_response() {
        let mut decoder = HttpResponseDecoder::default();
        let mut buffer = BytesMut::from(&WITH_LENGTH[..WITH_LENGTH.len() - 3]);
        assert!(decoder.decode(&mut buffer).unwrap().is_none());
        let error = decoder.decode_eof(&mut buffer).unwrap_err().to_string();
        assert!(error.contains("8 of 11 body bytes"), "{error}");
    }

    #[test]
    fn urls_split_into_host_port_and_path() {
        let parts = split_url("http://127.0.0.1:8080/delay/5").unwrap();
        assert_eq!(parts, ("127.0.0.1".into(), 8080, "/delay/5".into()));
        assert_eq!(split_url("http://example.com").unwrap().2, "/");
        assert!(split_url("https://example.com").is_err());
        let v6 = split_url("http://[::1]:8000/x").unwrap();
        assert_eq!(v6, ("::1".into(), 8000, "/x".into()));
        assert_eq!(split_url("http://[::1]/").unwrap().1, 80);
        assert_eq!(authority("::1", 8000), "[::1]:8000");
        assert_eq!(authority("example.com", 80), "example.com:80");
    }
}
