//! A loopback port that refuses connections, and that no other test of the
//! same binary can take while the guard lives: a socket bound to it without
//! listening. (Binding a listener and dropping it frees the port, and a server
//! started by another test running at the same time may then get it.)

use std::net::SocketAddr;

/// Keeps the port bound; connections to it are refused.
pub struct ClosedPort {
    _socket: tokio::net::TcpSocket,
    /// The port on 127.0.0.1.
    pub port: u16,
}

impl ClosedPort {
    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// A new closed port on 127.0.0.1.
pub fn closed_port() -> ClosedPort {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    socket.bind(any).unwrap();
    let port = socket.local_addr().unwrap().port();
    ClosedPort {
        _socket: socket,
        port,
    }
}
