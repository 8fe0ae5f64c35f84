#!/usr/bin/env python3
"""Time `tollgate lsp` on a generated 1,000-rule policy (a benchmark, not a test).

Usage: tests/editor/lsp_timing.py target/release/tollgate [RULES]

Prints, as medians over several runs: the check after opening, an edit's re-check (the edit
is followed at once by a request, which checks without waiting for the typing pause), and
hover and completion with nothing to re-check.
"""
import json, os, statistics, subprocess, sys, tempfile, time

binary = sys.argv[1]
rules = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
lines = ['policy "big" {', '  version "1"', '}', '']
for i in range(rules):
    lines.append(f'metric m{i} from "k.m{i}" lower is better')
for i in range(rules):
    lines += [f'rule r{i} "Rule {i}" {{', f'  block when regression(m{i}) > 1% and worst(m{i}) > 2', '}']
text = "\n".join(lines) + "\n"
folder = tempfile.mkdtemp()
path = os.path.join(folder, "big.gate")
open(path, "w").write(text)
uri = "file://" + path

server = subprocess.Popen([binary, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
next_id = 0

def send(message):
    body = json.dumps(message).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()

def receive():
    length = 0
    while True:
        line = server.stdout.readline().strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(server.stdout.read(length))

def request(method, params):
    global next_id
    next_id += 1
    send({"jsonrpc": "2.0", "id": next_id, "method": method, "params": params})
    while True:
        message = receive()
        if message.get("id") == next_id:
            return message

def wait_diagnostics():
    while True:
        message = receive()
        if message.get("method") == "textDocument/publishDiagnostics":
            return message

request("initialize", {"capabilities": {}})
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

def timed(f):
    start = time.perf_counter()
    f()
    return (time.perf_counter() - start) * 1000

opened = timed(lambda: (send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
    "textDocument": {"uri": uri, "languageId": "tollgate", "version": 0, "text": text}}}), wait_diagnostics()))
hover_at = {"textDocument": {"uri": uri}, "position": {"line": rules + 5, "character": 17}}
complete_at = {"textDocument": {"uri": uri}, "position": {"line": rules + 5, "character": 13}}
edits, hovers, completions = [], [], []
last = rules + 4 + 3 * (rules - 1) + 1
for version in range(1, 12):
    change = {"range": {"start": {"line": last, "character": 29}, "end": {"line": last, "character": 30}},
              "text": str(version % 10)}
    def edit():
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}})
        request("textDocument/hover", hover_at)
    edits.append(timed(edit))
    hovers.append(timed(lambda: request("textDocument/hover", hover_at)))
    completions.append(timed(lambda: request("textDocument/completion", complete_at)))
request("shutdown", None)
send({"jsonrpc": "2.0", "method": "exit"})
server.wait(timeout=10)
print(f"{rules} rules: open+check {opened:.1f} ms; edit re-check {statistics.median(edits):.1f} ms; "
      f"hover {statistics.median(hovers):.2f} ms; completion {statistics.median(completions):.2f} ms (medians)")
