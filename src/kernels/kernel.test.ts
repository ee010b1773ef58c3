import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Output } from "../notebook/types.ts";
import type { KernelError } from "./errors.ts";
import type { ExecutionEvent } from "./kernel.ts";
import { Kernel } from "./kernel.ts";
import type { KernelSpec } from "./kernelspecs.ts";
import { findKernelSpecs, kernelSpecByName } from "./kernelspecs.ts";
import type { KernelLaunchRequest, LaunchedKernel } from "./launcher.ts";
import { TRUNCATION_MARK } from "./outputs.ts";

// TEST FIXTURE: starts the kernel's argv directly, without the sandbox, so these tests exercise the protocol and
// lifecycle on their own. Production code never launches a kernel this way (the server passes spawnSandboxed).
function spawnDirectlyForTests(request: KernelLaunchRequest): LaunchedKernel {
  const [command, ...args] = request.argv;
  const child = spawn(command!, args, {
    cwd: request.filesDir,
    env: request.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { child };
}

let home: string;
let python3: KernelSpec;

async function startKernel(spec: KernelSpec = python3, timings = {}): Promise<Kernel> {
  const kernel = new Kernel({
    spec,
    launch: spawnDirectlyForTests,
    filesDir: home,
    env: { HOME: home, PATH: "/usr/bin:/bin", PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    timings,
    outputLimits: { maxBytes: 1024 * 1024, maxOutputs: 200 },
  });
  await kernel.start();
  return kernel;
}

async function run(kernel: Kernel, code: string, cellId = "cell") {
  const events: ExecutionEvent[] = [];
  const result = await kernel.execute(code, { cellId, onEvent: (event) => events.push(event) });
  return { result, events };
}

function streamText(outputs: Output[], name: string): string {
  return outputs.map((output) => (output.output_type === "stream" && output.name === name ? output.text : "")).join("");
}

before(async () => {
  home = await mkdtemp(path.join(tmpdir(), "vitrine-kernel-test-"));
  python3 = kernelSpecByName(await findKernelSpecs({ dataDirs: ["/usr/share/jupyter"] }), "python3");
});

after(async () => {
  await rm(home, { recursive: true, force: true });
});

describe("a python3 kernel", () => {
  let kernel: Kernel;
  before(async () => {
    kernel = await startKernel();
  });
  after(async () => {
    await kernel.shutdown();
  });

  test("starts idle with its kernel_info", () => {
    assert.equal(kernel.state, "idle");
    assert.equal((kernel.info.language_info as { name: string }).name, "python");
  });

  test("stream, display_data, execute_result in order, with the execution count", async () => {
    const { result, events } = await run(
      kernel,
      [
        "import sys",
        "from IPython.display import display, HTML",
        "print('to stdout')",
        "sys.stdout.flush()",
        "print('to stderr', file=sys.stderr)",
        "sys.stderr.flush()",
        "display(HTML('<b>bold</b>'))",
        "6 * 7",
      ].join("\n"),
    );
    assert.equal(result.status, "ok");
    assert.equal(typeof result.executionCount, "number");
    assert.deepEqual(
      result.outputs.map((output) => output.output_type),
      ["stream", "stream", "display_data", "execute_result"],
    );
    assert.equal(streamText(result.outputs, "stdout"), "to stdout\n");
    assert.equal(streamText(result.outputs, "stderr"), "to stderr\n");
    const html = result.outputs[2]!;
    assert.ok(html.output_type === "display_data" && html.data["text/html"] === "<b>bold</b>");
    const value = result.outputs[3]!;
    assert.ok(value.output_type === "execute_result" && value.data["text/plain"] === "42");
    assert.equal(value.execution_count, result.executionCount);
    const types = events.map((event) => event.type);
    assert.equal(types[0], "status");
    assert.ok(types.includes("execute_input"));
    // The reply (shell) and the idle status (iopub) both come after the last output; their own order varies.
    const idle = events.findIndex((event) => event.type === "status" && event.state === "idle");
    assert.ok(types.indexOf("reply") > types.lastIndexOf("output"));
    assert.ok(idle > types.lastIndexOf("output"));
  });

  test("an exception is an error output and an error reply", async () => {
    const { result } = await run(kernel, "1 / 0");
    assert.equal(result.status, "error");
    const error = result.outputs[0]!;
    assert.ok(error.output_type === "error");
    assert.equal(error.ename, "ZeroDivisionError");
    assert.equal(error.evalue, "division by zero");
    assert.ok(error.traceback.length > 0);
  });

  test("update_display_data updates the kept output; clear_output(wait=True) clears at the next output", async () => {
    const { result, events } = await run(
      kernel,
      [
        "from IPython.display import display, clear_output",
        "handle = display('first', display_id=True)",
        "handle.update('second')",
        "print('gone')",
        "import sys; sys.stdout.flush()",
        "clear_output(wait=True)",
        "print('kept')",
      ].join("\n"),
    );
    assert.equal(result.status, "ok");
    const update = events.find((event) => event.type === "update_display_data");
    assert.ok(update && update.type === "update_display_data" && update.data["text/plain"] === "'second'");
    const clear = events.find((event) => event.type === "clear_output");
    assert.deepEqual(clear, { type: "clear_output", wait: true });
    assert.deepEqual(result.outputs, [{ output_type: "stream", name: "stdout", text: "kept\n" }]);

    const { result: updated } = await run(kernel, "h = display('a', display_id=True)\nh.update('b')");
    const shown = updated.outputs[0]!;
    assert.ok(shown.output_type === "display_data" && shown.data["text/plain"] === "'b'");
  });

  test("executions queue: the second runs after the first, each with its own outputs", async () => {
    const first = run(kernel, "import time; time.sleep(0.3); print('one')");
    const second = run(kernel, "print('two')");
    const [a, b] = await Promise.all([first, second]);
    assert.equal(streamText(a.result.outputs, "stdout"), "one\n");
    assert.equal(streamText(b.result.outputs, "stdout"), "two\n");
    assert.equal(b.result.executionCount, a.result.executionCount! + 1);
  });

  test("stopOnError: a failure aborts what was queued before it, and what is asked for after it runs", async () => {
    const ran: string[] = [];
    const queue = (code: string, stopOnError = true) =>
      kernel.execute(code, { stopOnError, onEvent: (e) => e.type === "execute_input" && ran.push(code) });
    const failing = queue("import time; time.sleep(0.3); 1/0");
    const queuedBehind = [queue("print('not run')"), queue("print('nor this')", false)];
    const [failed, ...aborted] = await Promise.all([failing, ...queuedBehind]);
    assert.equal(failed.status, "error");
    assert.deepEqual(
      aborted.map((r) => [r.status, r.executionCount, r.outputs.length]),
      [
        ["aborted", null, 0],
        ["aborted", null, 0],
      ],
    );
    // ipykernel sends the failure's reply, then aborts every request that reaches it before its own stop-aborting
    // event is dispatched (kernelbase.py, _abort_queues): a request sent the moment the reply arrives can fall in
    // that window on a loaded machine, as in JupyterLab. Asked for once the kernel is idle again, it runs.
    while (kernel.state !== "idle") await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await queue("print('after')");
    assert.equal(after.status, "ok");
    assert.equal(streamText(after.outputs, "stdout"), "after\n");
    assert.deepEqual(ran, ["import time; time.sleep(0.3); 1/0", "print('after')"]);
    // Without stopOnError a failure stops nothing.
    const [plainFailure, next] = await Promise.all([queue("1/0", false), queue("print('runs')", false)]);
    assert.equal(plainFailure.status, "error");
    assert.equal(next.status, "ok");
  });

  test("input() is refused: stdin is not supported", async () => {
    const { result } = await run(kernel, "input('name? ')");
    assert.equal(result.status, "error");
    const error = result.outputs.find((output) => output.output_type === "error");
    assert.ok(error && error.output_type === "error" && error.ename === "StdinNotImplementedError");
  });

  test("complete and inspect at a cursor", async () => {
    await run(kernel, "vitrine_value = 12345");
    const completion = await kernel.complete("vitrine_va", 10);
    assert.equal(completion.status, "ok");
    assert.ok((completion.matches as string[]).includes("vitrine_value"), JSON.stringify(completion));
    const inspection = await kernel.inspect("vitrine_value", 5);
    assert.equal(inspection.status, "ok");
    assert.equal(inspection.found, true);
    assert.match((inspection.data as Record<string, string>)["text/plain"]!, /12345/);
  });

  test("comms: the kernel opens one for a cell, both sides send, unknown ids are refused", async () => {
    const received: unknown[] = [];
    const onComm = (event: unknown) => received.push(event);
    kernel.on("comm", onComm);
    await run(
      kernel,
      [
        "from ipykernel.comm import Comm",
        "echo = Comm(target_name='vitrine.echo', data={'hello': 1})",
        "echo.on_msg(lambda msg: echo.send({'echo': msg['content']['data']}))",
      ].join("\n"),
      "widget-cell",
    );
    const opened = received[0] as { type: string; commId: string; cellId: string; data: unknown };
    assert.equal(opened.type, "comm_open");
    assert.equal(opened.cellId, "widget-cell");
    assert.deepEqual(opened.data, { hello: 1 });
    assert.equal(kernel.comm(opened.commId)?.targetName, "vitrine.echo");
    await kernel.commMsg(opened.commId, { ping: 2 });
    const deadline = Date.now() + 5000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const echoed = received[1] as { type: string; data: unknown; cellId: string };
    assert.equal(echoed.type, "comm_msg");
    assert.deepEqual(echoed.data, { echo: { ping: 2 } });
    assert.equal(echoed.cellId, "widget-cell");
    await assert.rejects(kernel.commMsg("not-a-comm", {}), (error: KernelError) => error.code === "comm_unknown");
    await kernel.commClose(opened.commId);
    assert.equal(kernel.comm(opened.commId), undefined);
    kernel.off("comm", onComm);
  });

  test("forged, unsigned and malformed messages are dropped and counted; a signed one arrives", async () => {
    const before = kernel.dropCounts();
    const { result } = await run(
      kernel,
      [
        "import time",
        "from jupyter_client.session import Session",
        "k = get_ipython().kernel",
        "parent = k.get_parent('shell')",
        "forger = Session(key=b'not-the-key', session=k.session.session, username=k.session.username)",
        "forger.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'FORGED\\n'}, parent=parent)",
        "unsigned = Session(key=b'', session=k.session.session, username=k.session.username)",
        "unsigned.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'UNSIGNED\\n'}, parent=parent)",
        "k.iopub_socket.send_multipart([b'<IDS|MSG>', b'deadbeef', b'{}'])",
        "bad = k.session.sign([b'{not json', b'{}', b'{}', b'{}'])",
        "k.iopub_socket.send_multipart([b'<IDS|MSG>', bad, b'{not json', b'{}', b'{}', b'{}'])",
        "k.session.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'GENUINE\\n'}, parent=parent)",
        "time.sleep(0.2)",
      ].join("\n"),
    );
    assert.equal(result.status, "ok");
    const text = streamText(result.outputs, "stdout");
    assert.equal(text, "GENUINE\n");
    const afterCounts = kernel.dropCounts();
    assert.equal(afterCounts.bad_signature - before.bad_signature, 1);
    assert.equal(afterCounts.missing_signature - before.missing_signature, 1);
    assert.equal(afterCounts.wrong_frame_count - before.wrong_frame_count, 1);
    assert.equal(afterCounts.malformed_json - before.malformed_json, 1);
  });

  test("interrupt stops a `while True: pass` loop with KeyboardInterrupt", async () => {
    const events: ExecutionEvent[] = [];
    const running = kernel.execute("while True:\n    pass", { onEvent: (event) => events.push(event) });
    while (!events.some((event) => event.type === "execute_input")) await new Promise((r) => setTimeout(r, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await kernel.interrupt();
    const result = await running;
    assert.equal(result.status, "error");
    const error = result.outputs.find((output) => output.output_type === "error");
    assert.ok(error && error.output_type === "error" && error.ename === "KeyboardInterrupt");
    assert.equal(kernel.state, "idle");
  });

  test("a 400 MB flood of stdout is cut at the cap with one note, and this process's memory stays bounded", async () => {
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    let outputEvents = 0;
    // 400 MB in 1 KB lines, flushed every MB (400 iopub messages).
    const result = await kernel.execute(
      [
        "import sys",
        "line = 'x' * 1023 + '\\n'",
        "for i in range(400 * 1024):",
        "    sys.stdout.write(line)",
        "    if i % 1024 == 1023: sys.stdout.flush()",
        "print('done', file=sys.stderr)",
      ].join("\n"),
      { onEvent: (event) => (outputEvents += event.type === "output" ? 1 : 0) },
    );
    clearInterval(sampler);
    assert.equal(result.status, "ok");
    assert.equal(result.truncated, true);
    const notes = result.outputs.filter(
      (output) => output.output_type === "display_data" && output.metadata[TRUNCATION_MARK],
    );
    assert.equal(notes.length, 1);
    assert.equal(result.outputs.at(-1), notes[0]);
    assert.equal(streamText(result.outputs, "stdout").length, 1024 * 1024);
    assert.equal(streamText(result.outputs, "stderr"), "");
    // Only the first MB and the note were passed on.
    assert.equal(outputEvents, 2);
    // 400 MB went through; this process's memory grew by far less (messages are transient, the cap is 1 MB). The
    // growth is 90 to 150 MB, and up to about 230 MB when other processes keep the collector behind (ZeroMQ's
    // queue and garbage not yet collected): holding the flood would be 400 MB or more, so three quarters of it is
    // the line.
    const grownMb = (peak - rssBefore) / 1e6;
    assert.ok(grownMb < 300, `rss grew by ${Math.round(grownMb)} MB`);
  });

  test("restart loses the kernel's state and starts a fresh execution count", async () => {
    await run(kernel, "survivor = 1");
    const states: string[] = [];
    const onState = (state: string) => states.push(state);
    kernel.on("state", onState);
    await kernel.restart();
    kernel.off("state", onState);
    assert.deepEqual(states, ["restarting", "idle"]);
    const { result } = await run(kernel, "survivor");
    const error = result.outputs[0]!;
    assert.ok(error.output_type === "error" && error.ename === "NameError");
    assert.equal(result.executionCount, 1);
  });

  test("a restart aborts the executions queued for the old process", async () => {
    const running = kernel.execute("import time; time.sleep(5)");
    const queued = kernel.execute("print('queued before the restart')");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kernel.restart();
    assert.equal((await running).status, "dead");
    assert.equal((await queued).status, "aborted");
    const { result } = await run(kernel, "print('fresh')");
    assert.equal(streamText(result.outputs, "stdout"), "fresh\n");
  });
});

describe("a kernel that dies or never starts", () => {
  test("os._exit(1) mid-cell: kernel_died, the outputs already received are kept", async () => {
    const kernel = await startKernel();
    try {
      const { result, events } = await run(
        kernel,
        "import os, sys, time\nprint('before the end')\nsys.stdout.flush()\ntime.sleep(0.5)\nos._exit(1)",
      );
      assert.equal(result.status, "dead");
      assert.equal(result.error?.code, "kernel_died");
      assert.equal(streamText(result.outputs, "stdout"), "before the end\n");
      assert.ok(events.some((event) => event.type === "kernel_error"));
      assert.equal(kernel.state, "dead");
      const next = await kernel.execute("1");
      assert.equal(next.status, "dead");
      assert.equal(next.error?.code, "kernel_died");
    } finally {
      await kernel.shutdown();
    }
  });

  test("a message larger than the iopub limit is lost with a note; the kernel goes on", async () => {
    const kernel = new Kernel({
      spec: python3,
      launch: spawnDirectlyForTests,
      filesDir: home,
      env: { HOME: home, PATH: "/usr/bin:/bin" },
      maxIopubMessageBytes: 4 * 1024 * 1024,
      timings: { iopubQuietMs: 500 },
    });
    await kernel.start();
    try {
      const { result } = await run(kernel, "import sys\nsys.stdout.write('x' * 20_000_000)\nsys.stdout.flush()");
      assert.equal(result.status, "ok");
      assert.equal(streamText(result.outputs, "stdout"), "");
      const note = result.outputs.at(-1);
      assert.ok(note?.output_type === "display_data" && note.metadata[TRUNCATION_MARK] === true);
      assert.match(String(note.data["text/plain"]), /Output lost/);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { result: next } = await run(kernel, "print('still here')");
      assert.equal(streamText(next.outputs, "stdout"), "still here\n");
    } finally {
      await kernel.shutdown();
    }
  });

  test("an interrupt the kernel catches before the cell's code runs ends the cell with a note; the next one runs", async () => {
    const kernel = await startKernel(python3, { replyAfterIdleMs: 300 });
    try {
      // The next cell's transformation sleeps: a SIGINT then lands after the request's handler began and before
      // the code runs, where ipykernel's dispatcher catches KeyboardInterrupt and sends no execute_reply.
      await run(
        kernel,
        [
          "import sys, time",
          "ip = get_ipython()",
          "def slow_start(lines):",
          "    ip.input_transformers_post.remove(slow_start)",
          "    print('transforming', flush=True)",
          "    time.sleep(30)",
          "    return lines",
          "ip.input_transformers_post.append(slow_start)",
        ].join("\n"),
      );
      const events: ExecutionEvent[] = [];
      const running = kernel.execute("print('the code ran')", { onEvent: (event) => events.push(event) });
      while (!events.some((event) => event.type === "output")) await new Promise((r) => setTimeout(r, 20));
      await kernel.interrupt();
      const result = await running;
      assert.equal(result.status, "error");
      assert.equal(typeof result.executionCount, "number");
      assert.equal(streamText(result.outputs, "stdout"), "transforming\n");
      const note = result.outputs.at(-1);
      assert.ok(note?.output_type === "display_data" && note.metadata[TRUNCATION_MARK] === true);
      assert.match(String(note.data["text/plain"]), /^Interrupted as it started/);
      assert.ok(events.some((event) => event.type === "reply" && event.status === "error"));
      assert.equal(kernel.state, "idle");
      const { result: next } = await run(kernel, "print('still here')");
      assert.equal(next.status, "ok");
      assert.equal(streamText(next.outputs, "stdout"), "still here\n");
    } finally {
      await kernel.shutdown();
    }
  });

  test("an interrupt asked for before the kernel began the cell stops it once it begins", async () => {
    const kernel = await startKernel();
    try {
      const running = kernel.execute("while True:\n    pass");
      await new Promise((resolve) => setImmediate(resolve));
      // The signal arrives while the kernel is between requests, where ipykernel ignores SIGINT.
      await kernel.interrupt();
      const result = await running;
      assert.equal(result.status, "error");
      // Where the signal lands decides the words: an error output, IPython's own line on stderr, or the note.
      assert.match(JSON.stringify(result.outputs), /KeyboardInterrupt|Interrupted as it started/);
    } finally {
      await kernel.shutdown();
    }
  });

  test("interrupt_mode message: interrupt_request on control stops the loop", async () => {
    const kernel = await startKernel({ ...python3, interruptMode: "message" });
    try {
      const events: ExecutionEvent[] = [];
      const running = kernel.execute("while True:\n    pass", { onEvent: (event) => events.push(event) });
      while (!events.some((event) => event.type === "execute_input")) await new Promise((r) => setTimeout(r, 20));
      await kernel.interrupt();
      const result = await running;
      const error = result.outputs.find((output) => output.output_type === "error");
      assert.ok(error && error.output_type === "error" && error.ename === "KeyboardInterrupt");
    } finally {
      await kernel.shutdown();
    }
  });

  test("a stopped kernel misses its heartbeats and is marked dead", async () => {
    const kernel = await startKernel(python3, { heartbeatIntervalMs: 200, heartbeatMisses: 2 });
    try {
      process.kill(kernel.pid!, "SIGSTOP");
      const died = new Promise<void>((resolve) => kernel.on("state", (state) => state === "dead" && resolve()));
      await died;
      assert.equal(kernel.deathReason?.code, "kernel_died");
      assert.match(kernel.deathReason!.message, /heartbeat/);
    } finally {
      await kernel.shutdown();
    }
  });

  test("a kernel whose process exits at once: kernel_start_failed with its stderr", async () => {
    const broken: KernelSpec = {
      ...python3,
      name: "broken",
      argv: ["/bin/sh", "-c", "echo 'no such module: imaginary' >&2; exit 3", "{connection_file}"],
    };
    const kernel = new Kernel({ spec: broken, launch: spawnDirectlyForTests, filesDir: home, env: {} });
    await assert.rejects(kernel.start(), (error: KernelError) => {
      assert.equal(error.code, "kernel_start_failed");
      assert.equal(error.details.exitCode, 3);
      assert.match(error.details.stderrTail ?? "", /no such module: imaginary/);
      return true;
    });
    assert.equal(kernel.state, "dead");
    await kernel.shutdown();
  });
});
