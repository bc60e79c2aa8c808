//! A stand-in for the AWS access portal on 127.0.0.1, over real sockets.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// A portal stand-in on 127.0.0.1: answers each connection with the next
/// scripted status and header lines, records each request's head; it stops
/// waiting for a connection after 30 seconds.
pub struct Portal {
    pub url: String,
    heads: Arc<Mutex<Vec<String>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Portal {
    pub fn start(answers: Vec<(u16, &'static str)>) -> Self {
        Self::start_with_bodies(
            answers
                .into_iter()
                .map(|(status, headers)| (status, headers, Vec::new()))
                .collect(),
        )
    }

    /// As `start`, each answer with a body (its `content-length` written).
    pub fn start_with_bodies(answers: Vec<(u16, &'static str, Vec<u8>)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let seen = heads.clone();
        listener.set_nonblocking(true).unwrap();
        let thread = std::thread::spawn(move || {
            // Bounded: it gives up waiting after 30 seconds.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            for (status, headers, body) in answers {
                let mut stream = loop {
                    match listener.accept() {
                        Ok((stream, _)) => break stream,
                        Err(_) if std::time::Instant::now() < deadline => {
                            std::thread::sleep(std::time::Duration::from_millis(2));
                        }
                        // Fewer requests came than answers were scripted.
                        Err(_) => return,
                    }
                };
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(std::time::Duration::from_secs(5)))
                    .unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&head).into_owned());
                let answer = format!(
                    "HTTP/1.1 {status} X\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                stream.write_all(answer.as_bytes()).unwrap();
                stream.write_all(&body).unwrap();
            }
        });
        Self {
            url,
            heads,
            thread: Some(thread),
        }
    }

    pub fn heads(mut self) -> Vec<String> {
        self.thread.take().unwrap().join().unwrap();
        self.heads.lock().unwrap().clone()
    }
}
