#!/usr/bin/env python3
"""Drives `huashu lsp` over stdio as an editor does, and prints one line per thing it saw.

Usage: Scripts/lsp-client.py HUASHU FILE.huashu [lsp options...]
FILE must hold a script with the answer `- 同意 -> dnoe`: the client opens it, waits for
the diagnostic, hovers over it, fixes the typo, waits for the diagnostics to clear, jumps
to the definition of `done`, asks for completions, then shuts the server down.
The test in Tests/HuashuAppTests/LanguageServerTests.swift reads what it prints.
"""
import json
import pathlib
import signal
import subprocess
import sys

binary, path = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
signal.alarm(30)  # never hang a test run
server = subprocess.Popen([binary, "lsp", *sys.argv[3:]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
uri = path.as_uri()
text = path.read_text(encoding="utf-8")
next_id = 0


def send(message):
    body = json.dumps({"jsonrpc": "2.0", **message}, ensure_ascii=False).encode("utf-8")
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()


def receive():
    length = None
    while True:
        line = server.stdout.readline()
        if not line:
            raise SystemExit("server closed its output")
        line = line.strip()
        if not line:
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(server.stdout.read(length))


def request(method, params):
    global next_id
    next_id += 1
    send({"id": next_id, "method": method, "params": params})
    while True:
        message = receive()
        if message.get("id") == next_id:
            return message.get("result")


def diagnostics_for(wanted):
    while True:
        message = receive()
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == wanted:
            return message["params"]["diagnostics"]


def position_of(needle, text, offset=0):
    for number, line in enumerate(text.split("\n")):
        column = line.find(needle)
        if column >= 0:
            return {"line": number, "character": len(line[:column + offset].encode("utf-16-le")) // 2}
    raise SystemExit(f"{needle} not in the file")


capabilities = request("initialize", {"processId": None, "rootUri": path.parent.as_uri(), "capabilities": {}})["capabilities"]
print("capabilities:", " ".join(sorted(capabilities)))
send({"method": "initialized", "params": {}})

send({"method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "huashu", "version": 1, "text": text}}})
for d in diagnostics_for(uri):
    r = d["range"]
    print(f"opened: {d['code']} {d['severity']} {r['start']['line']}:{r['start']['character']}-{r['end']['character']} {d['message'].splitlines()[0]}")

hover = request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of("dnoe", text, 1)})
print("hover:", hover["contents"]["value"].splitlines()[1] if hover else None)

fixed = text.replace("-> dnoe", "-> done")
send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}})
print("fixed:", len(diagnostics_for(uri)), "diagnostics")

target = request("textDocument/definition", {"textDocument": {"uri": uri}, "position": position_of("-> done", fixed, 4)})
print("definition:", pathlib.Path(target["uri"][len("file://"):]).name, target["range"]["start"]["line"], target["range"]["start"]["character"])

hover = request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of("-> done", fixed, 4)})
print("hover node:", " | ".join(hover["contents"]["value"].splitlines()[1:]))

answer = fixed.split("\n").index(next(line for line in fixed.split("\n") if "-> done" in line))
line = fixed.split("\n")[answer]
labels = [item["label"] for item in request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": answer, "character": len(line.encode("utf-16-le")) // 2}})]
print("targets:", "done" in labels, "return" in labels, "greet" in labels)
say = next(number for number, line in enumerate(fixed.split("\n")) if line.strip().startswith("say "))
fixed_lines = fixed.split("\n")
fixed_lines[say] += " {"
send({"method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": "\n".join(fixed_lines)}]}})
diagnostics_for(uri)
labels = [item["label"] for item in request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": say, "character": len(fixed_lines[say].encode("utf-16-le")) // 2}})]
print("placeholders:", "name" in labels, "last_premium" in labels)

request("shutdown", None)
send({"method": "exit"})
print("exit:", server.wait())
