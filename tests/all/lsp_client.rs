//! A client for the language server over an in-memory connection, for `lsp` tests: files
//! in a temporary folder, requests by position of a needle, answers as JSON with the
//! folder's URI replaced by `file:///TMP` so snapshots do not depend on where it is.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::notification::Notification as _;
use lsp_types::{Position, Url};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(20);

pub struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    pub dir: tempfile::TempDir,
    next_id: i32,
    /// Notifications received while waiting for something else.
    queued: Vec<Notification>,
    versions: i32,
}

impl Client {
    /// Start a server and write `files` (name, text) into a fresh folder.
    pub fn start(files: &[(&str, &str)]) -> Client {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let (server, connection) = Connection::memory();
        let server = std::thread::spawn(move || tollgate::lsp::serve(server));
        let mut client = Client {
            connection,
            server: Some(server),
            dir,
            next_id: 0,
            queued: Vec::new(),
            versions: 0,
        };
        client.request_raw("initialize", json!({ "capabilities": {} }));
        client.notify("initialized", json!({}));
        client
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn uri(&self, name: &str) -> Url {
        Url::from_file_path(self.path(name)).unwrap()
    }

    /// The text of `name` on disk.
    pub fn text(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    /// Open `name` with its text on disk.
    pub fn open(&mut self, name: &str) {
        let text = self.text(name);
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": self.uri(name), "languageId": "tollgate",
                                      "version": 0, "text": text } }),
        );
    }

    /// Replace the first `old` in the open document `name` (whose text on disk is `base`)
    /// with `new`, as one incremental change.
    pub fn edit(&mut self, name: &str, base: &str, old: &str, new: &str) -> String {
        let start = base.find(old).expect("the text to replace");
        let range =
            json!({ "start": position(base, start), "end": position(base, start + old.len()) });
        self.versions += 1;
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": self.uri(name), "version": self.versions },
                    "contentChanges": [{ "range": range, "text": new }] }),
        );
        base.replacen(old, new, 1)
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        let n = Notification::new(method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Notification(n))
            .unwrap();
    }

    /// Send a request and wait for its answer (the result, or the error object).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let request = Request::new(id.clone(), method.to_owned(), params);
        self.connection
            .sender
            .send(Message::Request(request))
            .unwrap();
        loop {
            match self
                .connection
                .receiver
                .recv_timeout(WAIT)
                .expect("an answer")
            {
                Message::Response(r) if r.id == id => {
                    return match r.error {
                        Some(e) => json!({ "error": e.message }),
                        None => r.result.unwrap_or(Value::Null),
                    };
                }
                Message::Notification(n) => self.queued.push(n),
                _ => {}
            }
        }
    }

    /// A request at the position of `needle` (plus `shift` characters) in file `name`, as
    /// JSON with the folder's URI replaced.
    pub fn at(
        &mut self,
        method: &str,
        name: &str,
        needle: &str,
        shift: usize,
        extra: Value,
    ) -> Value {
        let text = self.text(name);
        self.at_in(method, name, &text, needle, shift, extra)
    }

    /// As [`Client::at`], for a document whose open text is `text`.
    pub fn at_in(
        &mut self,
        method: &str,
        name: &str,
        text: &str,
        needle: &str,
        shift: usize,
        extra: Value,
    ) -> Value {
        let offset = text.find(needle).expect("the needle") + shift;
        let mut params = json!({ "textDocument": { "uri": self.uri(name) },
                                 "position": position(text, offset) });
        if let (Some(p), Value::Object(more)) = (params.as_object_mut(), extra) {
            p.extend(more);
        }
        let answer = self.request_raw(method, params);
        self.scrub(answer)
    }

    /// A request about a whole document.
    pub fn document(&mut self, method: &str, name: &str, extra: Value) -> Value {
        let mut params = json!({ "textDocument": { "uri": self.uri(name) } });
        if let (Some(p), Value::Object(more)) = (params.as_object_mut(), extra) {
            p.extend(more);
        }
        let answer = self.request_raw(method, params);
        self.scrub(answer)
    }

    /// The next diagnostics published for `name`.
    pub fn diagnostics(&mut self, name: &str) -> Value {
        let uri = self.uri(name);
        loop {
            let found = self.queued.iter().position(|n| {
                n.method == lsp_types::notification::PublishDiagnostics::METHOD
                    && n.params["uri"] == json!(uri)
            });
            if let Some(i) = found {
                let n = self.queued.remove(i);
                return self.scrub(n.params["diagnostics"].clone());
            }
            let message = self.connection.receiver.recv_timeout(WAIT);
            if let Message::Notification(n) = message.expect("diagnostics") {
                self.queued.push(n);
            }
        }
    }

    /// Notifications of `method` received so far.
    pub fn take(&mut self, method: &str) -> Vec<Value> {
        let (taken, kept) = std::mem::take(&mut self.queued)
            .into_iter()
            .partition(|n| n.method == method);
        self.queued = kept;
        taken
            .into_iter()
            .map(|n: Notification| self.scrub(n.params))
            .collect()
    }

    /// `value` with this folder's URI and path replaced by stable names.
    pub fn scrub(&self, value: Value) -> Value {
        let uri = Url::from_file_path(self.dir.path()).unwrap().to_string();
        let text = serde_json::to_string(&value).unwrap();
        let text = text
            .replace(&uri, "file:///TMP")
            .replace(&self.dir.path().display().to_string(), "/TMP");
        serde_json::from_str(&text).unwrap()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        let _ = self.connection.sender.send(Message::Request(Request::new(
            id,
            "shutdown".to_owned(),
            Value::Null,
        )));
        let _ = self
            .connection
            .sender
            .send(Message::Notification(Notification::new(
                "exit".to_owned(),
                Value::Null,
            )));
        if let Some(server) = self.server.take() {
            let result = server.join();
            if !std::thread::panicking() {
                assert!(matches!(result, Ok(Ok(()))), "the server stopped cleanly");
            }
        }
    }
}

/// The protocol position (UTF-16 columns) of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character: usize = before[start..].chars().map(char::len_utf16).sum();
    Position::new(line as u32, character as u32)
}

/// Pretty JSON for a snapshot.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap()
}
