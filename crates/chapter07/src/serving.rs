//! What the two thread-per-connection servers (7.1, 7.2) share: the port
//! rule and how bytes are shown.

use shared_util::Ctx;

/// `--port`, else 8000; in demo mode a free port.
pub fn server_port(ctx: &Ctx) -> u16 {
    match (ctx.flags.port, ctx.flags.demo) {
        (Some(port), _) => port,
        (None, true) => 0,
        (None, false) => 8000,
    }
}

/// Bytes the way Python prints them: `b"hi\r\n"`.
pub fn show(bytes: &[u8]) -> String {
    format!("b\"{}\"", bytes.escape_ascii())
}
