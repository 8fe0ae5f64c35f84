//! The message loop: documents in, diagnostics out after a pause in typing, and each
//! request dispatched to its feature module.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{self as n, Notification as _};
use lsp_types::request::{self as r, Request as _};
use lsp_types::{
    CodeLensOptions, CompletionOptions, ExecuteCommandOptions, HoverProviderCapability, OneOf,
    Position, PublishDiagnosticsParams, RenameOptions, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Url,
};
use serde_json::Value;

use super::snapshot::Snapshot;
use super::text::{apply_change, LineIndex};
use super::workspace::Workspace;
use super::{completion, hover, lens, navigate, outline};

/// How long typing must pause before the policy is checked again. Requests check at once.
const DEBOUNCE: Duration = Duration::from_millis(150);

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![" ".to_owned(), "(".to_owned()]),
            ..Default::default()
        }),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(lsp_types::FoldingRangeProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![lens::RUN_TESTS.to_owned()],
            work_done_progress_options: Default::default(),
        }),
        ..Default::default()
    }
}

pub struct Server<'c> {
    connection: &'c Connection,
    workspace: Workspace,
    /// Files edited since the last check, and when typing last happened.
    pending: HashSet<PathBuf>,
    last_edit: Option<Instant>,
}

impl<'c> Server<'c> {
    pub fn new(connection: &'c Connection) -> Server<'c> {
        Server {
            connection,
            workspace: Workspace::default(),
            pending: HashSet::new(),
            last_edit: None,
        }
    }

    pub fn run(mut self) -> Result<(), String> {
        loop {
            let wait = match self.last_edit {
                Some(at) => DEBOUNCE.saturating_sub(at.elapsed()),
                None => Duration::from_secs(3600),
            };
            match self.connection.receiver.recv_timeout(wait) {
                Ok(Message::Request(request)) => {
                    if self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    self.check_now()?;
                    let response = self.request(request);
                    self.send(Message::Response(response))?;
                }
                Ok(Message::Notification(notification)) => self.notification(notification)?,
                Ok(Message::Response(_)) => {}
                Err(crossbeam_timeout) if crossbeam_timeout.is_timeout() => self.check_now()?,
                Err(_) => return Ok(()),
            }
        }
    }

    fn send(&self, message: Message) -> Result<(), String> {
        self.connection
            .sender
            .send(message)
            .map_err(|e| e.to_string())
    }

    /// Re-check what the pending edits touched and publish what changed.
    fn check_now(&mut self) -> Result<(), String> {
        self.last_edit = None;
        if self.pending.is_empty() {
            return Ok(());
        }
        let changed = std::mem::take(&mut self.pending);
        self.workspace.rebuild(&changed);
        for (path, diagnostics) in self.workspace.diagnostics_to_publish() {
            let Ok(uri) = Url::from_file_path(&path) else {
                continue;
            };
            let params = PublishDiagnosticsParams::new(uri, diagnostics, None);
            self.send(Message::Notification(Notification::new(
                n::PublishDiagnostics::METHOD.to_owned(),
                params,
            )))?;
        }
        Ok(())
    }

    fn notification(&mut self, notification: Notification) -> Result<(), String> {
        match notification.method.as_str() {
            n::DidOpenTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidOpenTextDocumentParams>(notification.params) {
                    let path = path_of(&p.text_document.uri);
                    self.workspace
                        .open
                        .insert(path.clone(), p.text_document.text);
                    self.pending.insert(path);
                    // Opening shows the diagnostics at once; typing waits for a pause.
                    self.check_now()?;
                }
            }
            n::DidChangeTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidChangeTextDocumentParams>(notification.params)
                {
                    let path = path_of(&p.text_document.uri);
                    if let Some(text) = self.workspace.open.get_mut(&path) {
                        for change in p.content_changes {
                            apply_change(text, change);
                        }
                        self.pending.insert(path);
                        self.last_edit = Some(Instant::now());
                    }
                }
            }
            n::DidCloseTextDocument::METHOD => {
                if let Ok(p) = parse::<lsp_types::DidCloseTextDocumentParams>(notification.params) {
                    let path = path_of(&p.text_document.uri);
                    self.workspace.open.remove(&path);
                    // Its importers now read it from disk.
                    self.pending.insert(path);
                    self.check_now()?;
                }
            }
            n::DidSaveTextDocument::METHOD => {}
            _ => {}
        }
        Ok(())
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        match self.answer(request) {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn answer(&mut self, request: Request) -> Result<Value, (ErrorCode, String)> {
        let Request { method, params, .. } = request;
        match method.as_str() {
            r::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = parse(params)?;
                let (path, position) = at(&p.text_document_position_params);
                json(
                    self.with(&path, |s| hover::hover(s, &path, position))
                        .flatten(),
                )
            }
            r::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = parse(params)?;
                let (path, position) = at(&p.text_document_position_params);
                json(self.with(&path, |s| navigate::definition(s, &path, position)))
            }
            r::References::METHOD => {
                let p: lsp_types::ReferenceParams = parse(params)?;
                let (path, position) = at(&p.text_document_position);
                let include = p.context.include_declaration;
                json(self.with(&path, |s| navigate::references(s, &path, position, include)))
            }
            r::Completion::METHOD => {
                let p: lsp_types::CompletionParams = parse(params)?;
                let (path, position) = at(&p.text_document_position);
                let text = self.workspace.open.get(&path).cloned().unwrap_or_default();
                let offset = LineIndex::new(&text).offset(&text, position);
                json(self.with(&path, |s| completion::complete(s, &text, offset)))
            }
            r::PrepareRenameRequest::METHOD => {
                let p: lsp_types::TextDocumentPositionParams = parse(params)?;
                let (path, position) = at(&p);
                json(
                    self.with(&path, |s| navigate::prepare_rename(s, &path, position))
                        .flatten(),
                )
            }
            r::Rename::METHOD => {
                let p: lsp_types::RenameParams = parse(params)?;
                let (path, position) = at(&p.text_document_position);
                let new_name = p.new_name;
                let edit = self
                    .with(&path, |s| navigate::rename(s, &path, position, &new_name))
                    .unwrap_or_else(|| Err("the file is not open".to_owned()))
                    .map_err(|reason| (ErrorCode::RequestFailed, reason))?;
                json(edit)
            }
            r::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = parse(params)?;
                let path = path_of(&p.text_document.uri);
                json(self.format(&path)?)
            }
            r::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = parse(params)?;
                let path = path_of(&p.text_document.uri);
                json(self.with(&path, |s| outline::symbols(s, &path)))
            }
            r::FoldingRangeRequest::METHOD => {
                let p: lsp_types::FoldingRangeParams = parse(params)?;
                let path = path_of(&p.text_document.uri);
                json(self.with(&path, |s| outline::folding(s, &path)))
            }
            r::CodeLensRequest::METHOD => {
                let p: lsp_types::CodeLensParams = parse(params)?;
                let path = path_of(&p.text_document.uri);
                let open = self.workspace.open.clone();
                // Lenses are about the file as a policy of its own: its own snapshot.
                let own = Snapshot::build(&path, &open);
                json(lens::lenses(&own, &path, &open))
            }
            r::ExecuteCommand::METHOD => {
                let p: lsp_types::ExecuteCommandParams = parse(params)?;
                self.execute(p)?;
                Ok(Value::Null)
            }
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("unknown request {method}"),
            )),
        }
    }

    fn with<T>(&mut self, path: &std::path::Path, f: impl FnOnce(&Snapshot) -> T) -> Option<T> {
        self.workspace.snapshot_for(path).map(f)
    }

    /// The formatter's text as one edit, or none when the file is already formatted.
    fn format(&self, path: &std::path::Path) -> Result<Vec<TextEdit>, (ErrorCode, String)> {
        let Some(text) = self.workspace.open.get(path) else {
            return Ok(Vec::new());
        };
        let formatted =
            crate::format::format_str(&path.display().to_string(), text).map_err(|_| {
                (
                    ErrorCode::RequestFailed,
                    "the file has syntax errors; fix them to format it".to_owned(),
                )
            })?;
        if &formatted == text {
            return Ok(Vec::new());
        }
        let lines = LineIndex::new(text);
        let end = lines.position(text, text.len());
        Ok(vec![TextEdit::new(
            lsp_types::Range::new(Position::new(0, 0), end),
            formatted,
        )])
    }

    /// `tollgate.runTests URI`: run the file's tests and say how they went.
    fn execute(&mut self, p: lsp_types::ExecuteCommandParams) -> Result<(), (ErrorCode, String)> {
        if p.command != lens::RUN_TESTS {
            return Err((
                ErrorCode::InvalidParams,
                format!("unknown command {}", p.command),
            ));
        }
        let uri = p
            .arguments
            .first()
            .and_then(Value::as_str)
            .and_then(|s| Url::parse(s).ok())
            .ok_or((
                ErrorCode::InvalidParams,
                "expected the file's URI".to_owned(),
            ))?;
        let path = path_of(&uri);
        let message = match lens::run(&path, &self.workspace.open) {
            Err(e) => e,
            Ok(results) => results
                .iter()
                .map(|r| format!("{}: {}", r.name, lens::describe(r)))
                .collect::<Vec<_>>()
                .join("\n"),
        };
        let params = lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::INFO,
            message: if message.is_empty() {
                "no tests".to_owned()
            } else {
                message
            },
        };
        let _ = self.send(Message::Notification(Notification::new(
            n::ShowMessage::METHOD.to_owned(),
            params,
        )));
        Ok(())
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (ErrorCode, String)> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn json(value: impl serde::Serialize) -> Result<Value, (ErrorCode, String)> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

fn at(p: &lsp_types::TextDocumentPositionParams) -> (PathBuf, Position) {
    (path_of(&p.text_document.uri), p.position)
}

/// The normalised path a document URI names (a non-file URI by its path part).
fn path_of(uri: &Url) -> PathBuf {
    let path = uri
        .to_file_path()
        .unwrap_or_else(|_| PathBuf::from(uri.path()));
    crate::check::normalise(&path)
}
