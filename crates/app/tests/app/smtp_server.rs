//! A real SMTP server for tests, on 127.0.0.1: the `mailin` crate's SMTP state machine
//! behind a plain TCP listener. It keeps every message it accepts; it can be told to refuse
//! recipients with a permanent error.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, TcpListener};
use std::sync::{Arc, Mutex};

use mailin::{Action, Handler, Response, SessionBuilder, response};

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

#[derive(Clone, Default)]
struct Collect {
    inbox: Arc<Mutex<Vec<Received>>>,
    refuse: bool,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Collect {
    fn rcpt(&mut self, _to: &str) -> Response {
        if self.refuse {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.from = from.to_string();
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.inbox.lock().unwrap().push(Received {
            from: self.from.clone(),
            to: self.to.clone(),
            data: std::mem::take(&mut self.data),
        });
        response::OK
    }
}

pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    /// Starts a server that accepts everything.
    pub fn start() -> SmtpServer {
        Self::start_with(false)
    }

    /// Starts a server that refuses every recipient (550).
    pub fn refusing() -> SmtpServer {
        Self::start_with(true)
    }

    fn start_with(refuse: bool) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let shared = inbox.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let handler = Collect {
                    inbox: shared.clone(),
                    refuse,
                    ..Default::default()
                };
                std::thread::spawn(move || serve(stream, handler));
            }
        });
        SmtpServer { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }
}

fn serve(stream: std::net::TcpStream, handler: Collect) {
    let peer: IpAddr = stream
        .peer_addr()
        .map(|a| a.ip())
        .unwrap_or([127, 0, 0, 1].into());
    let mut session = SessionBuilder::new("sen-test-smtp").build(peer, handler);
    let mut out = stream.try_clone().unwrap();
    let _ = session.greeting().write_to(&mut out);
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let res = session.process(&line);
        match res.action {
            Action::Reply => {
                let _ = res.write_to(&mut out);
                let _ = out.flush();
            }
            Action::Close => {
                let _ = res.write_to(&mut out);
                return;
            }
            _ => {}
        }
    }
}

/// A port where nothing listens (a server that is down).
pub fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}
