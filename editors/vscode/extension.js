// The Tollgate extension: starts `tollgate lsp` (the binary from the `tollgate.path`
// setting) for `.gate` files. Everything the editor shows comes from the server.
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function start() {
  const command = vscode.workspace.getConfiguration("tollgate").get("path") || "tollgate";
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient("tollgate", "Tollgate", { run: server, debug: server }, {
    documentSelector: [{ language: "tollgate" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.gate") },
  });
  return client.start();
}

async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("tollgate.restartServer", async () => {
      if (client) await client.stop();
      await start();
    }),
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
