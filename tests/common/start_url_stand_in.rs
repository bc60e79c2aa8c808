//! A local stand-in for an organisation's start URL (a "vanity" URL), over
//! real sockets on 127.0.0.1: answers each connection with the next scripted
//! status and `Location`, then closes it, and records each request's head.
//! Reads time out after 5 seconds; it gives up waiting after 30.
//!
//! Each answer announces a longer body than it sends before closing: a client
//! that read the body would fail (a truncated body), so an answer that comes
//! back as a resolution or a resolution error, not a transport error, shows
//! that the probe left the body unread.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct StandIn {
    pub url: String,
    pub heads: Arc<Mutex<Vec<String>>>,
    thread: Option<JoinHandle<()>>,
}

impl StandIn {
    /// Serves `answers`, one a connection, then stops.
    pub fn start(answers: Vec<(u16, Option<String>)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}/start", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(30);
            for (status, location) in answers {
                let mut stream = loop {
                    match listener.accept() {
                        Ok((stream, _)) => break stream,
                        Err(_) if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(2));
                        }
                        // Fewer requests came than answers were scripted.
                        Err(_) => return,
                    }
                };
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let location = location
                    .map(|l| format!("location: {l}\r\n"))
                    .unwrap_or_default();
                let body = "a body the probe does not read";
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} Answer\r\n{location}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len() + 1000
                );
            }
        });
        Self {
            url,
            heads,
            thread: Some(thread),
        }
    }

    /// The request heads received, after the stand-in served every answer.
    pub fn request_heads(mut self) -> Vec<String> {
        self.thread.take().unwrap().join().unwrap();
        let heads = self.heads.lock().unwrap();
        heads.clone()
    }

    /// The request lines received, after the stand-in served every answer.
    pub fn request_lines(self) -> Vec<String> {
        self.request_heads()
            .iter()
            .map(|head| head.lines().next().unwrap_or_default().to_owned())
            .collect()
    }
}
