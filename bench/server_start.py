#!/usr/bin/python3
"""Cold start of the language server (bench/compare.sh): starts `dotnet SERVER_DLL` over stdio,
sends initialize, initialized and didOpen of FILE at once, and times the wall clock from the
process's start to the first textDocument/publishDiagnostics for FILE. Requests from the server
(configuration, registrations) get a null result. Prints `server_first_diagnostics_s SECONDS`
(the best of REPEATS cold starts) and `server_first_diagnostics_median_s SECONDS`.
Usage: server_start.py SERVER_DLL FILE [REPEATS]"""
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time


def send(stream, message):
    body = json.dumps(message).encode()
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


def receive(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise RuntimeError("the server closed its output before publishing diagnostics")
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    return json.loads(stream.read(length))


def cold_start(server, path):
    uri = pathlib.Path(path).resolve().as_uri()
    text = pathlib.Path(path).read_text()
    started = time.perf_counter()
    process = subprocess.Popen(["dotnet", server], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        send(process.stdin, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                             "params": {"processId": os.getpid(), "rootUri": None, "capabilities": {}}})
        send(process.stdin, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        send(process.stdin, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                             "params": {"textDocument": {"uri": uri, "languageId": "grad", "version": 1, "text": text}}})
        while True:
            message = receive(process.stdout)
            if "method" in message and "id" in message:
                send(process.stdin, {"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                elapsed = time.perf_counter() - started
                break
        send(process.stdin, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        send(process.stdin, {"jsonrpc": "2.0", "method": "exit", "params": None})
        process.wait(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return elapsed


if __name__ == "__main__":
    server, path = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    times = [cold_start(server, path) for _ in range(repeats)]
    print(f"server_first_diagnostics_s {min(times):.3f}")
    print(f"server_first_diagnostics_median_s {statistics.median(times):.3f}")
